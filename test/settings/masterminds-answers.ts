/*
 * What Masterminds/semver v3.4.0, the parser Flux uses, answered for hand-picked ranges (go run of
 * test/settings/masterminds): semver-range.test.ts asserts the settings' check against these pinned
 * answers, and semver-range.replay.test.ts asks Go about the same ranges again.
 */

/**
 * What Masterminds/semver v3.4.0 answered for these (go run of test/settings/masterminds, 2026-11-22):
 * pinned here so the check's boundaries are asserted even where Go is missing.
 */
export const ANSWERED_BY_MASTERMINDS: [string, boolean][] = [
  ["0.0.x", true],
  ["^1.2.0", true],
  ["~1.2", true],
  [">=1.0.0 <2.0.0", true],
  [">= 1.2, < 3.0", true],
  ["1.2 - 1.4", true],
  ["^1.2.0 || ~2", true],
  ["*", true],
  ["x", true],
  ["1.x", true],
  ["v1.2.3", true],
  ["1.2.3-beta.1", true],
  ["1.2.3+build.5", true],
  [">=1.0.0-rc.1", true],
  ["!=1.2.3", true],
  ["=>1", true],
  ["=<2", true],
  ["~>1.2", true],
  ["1.2.3 - 2", true],
  ["", false],
  ["....", false],
  ["1.2.3.4", false],
  ["1||", false],
  ["||", false],
  [">>1", false],
  ["1|2.3.4", false],
  ["1.2.3-01", false],
  ["1.2.3-", false],
  ["latest", false],
  ["1.2.3,,1.2.4", false],
  [">= 1.0.0 < 2", true],
  ["18446744073709551615.0.0", true],
  ["18446744073709551616.0.0", false],
  ["01.2.3", true],
  ["1.02", true],
  [" 1.2.3 ", true],
  ["1.2\u00a0", false],
  ["^", false],
  ["1 - ", false],
  ["- 1", false],
  ["x.1", true],
  ["1.x.3", true],
  ["1.2.x-beta", true],
  ["1.2.3-0", true],
  ["1.2.3-00", false],
  ["1.2.3-rc.01", false],
  ["1.2.3-a.b", true],
  ["1.*", true],
  ["1.2.*", true],
  ["X", true],
  ["1.2.X", true],
  ["1.2.3+", false],
  ["1.2.3+a..b", false],
  ["v", false],
  [">=1.2.3-alpha.01", false],
  ["1.2-alpha", true],
  ["x-alpha", true],
  ["1.x-alpha", true],
  ["1.2.x+b", true],
  ["1.2.3 || 2.0.0", true],
  ["1.2.3\t2.0.0", true],
  ["~1.2.3-beta.2", true],
  ["1.2.99999999999999999999", false],
];

/**
 * A '|' the constraint grammar lets into a version part (Go's class `[0-9|x|X|\*]`) that the version
 * parser then refuses, at the end of the version too: Masterminds/semver v3.4.0 refuses each (go run
 * of test/settings/masterminds, 2026-11-22).
 */
export const PIPE_IN_VERSION_REFUSED_BY_MASTERMINDS: string[] = ["1.2.3|", "1.2.3|4", ">=1.2.3|", "1.2|.3"];

/**
 * Versions at the edges of the version grammar (fullVersionRegex) and the pre-release rule: a patch,
 * a later pre-release identifier or a build identifier of several characters, one build identifier
 * or three, an alphanumeric pre-release identifier that starts with 0. Masterminds/semver v3.4.0
 * accepts each (go run of test/settings/masterminds, 2026-11-22). Kept apart from the list above so
 * the Go replay (semver-range.replay.test.ts) asks about the same strings as before.
 */
export const VERSION_EDGES_ACCEPTED_BY_MASTERMINDS: string[] = [
  "1.2.34",
  ">=1.2.34 <1.2.40",
  "1.2.3-rc.10",
  "~1.2.10-beta.11",
  "1.2.3-rc.1.22",
  "1.2.3+build",
  "1.2.3+b.c.d",
  "1.2.3+build.55",
  "1.0.10+sha.5114f85",
  "1.2.3-0a1",
];
