import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { isFluxSemverRange } from "../../stacks/settings/semver-range";
import { REPO_ROOT } from "../terraform/providers";

/*
 * The settings' semver check against the parser Flux uses: Masterminds/semver v3.4.0, run by Go
 * (test/settings/masterminds, the module from the Go module proxy, cached in .cache/go).
 */

/**
 * What Masterminds/semver v3.4.0 answered for these (go run of test/settings/masterminds, 2026-11-22):
 * pinned here so the check's boundaries are asserted even where Go is missing.
 */
const ANSWERED_BY_MASTERMINDS: [string, boolean][] = [
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
const PIPE_IN_VERSION_REFUSED_BY_MASTERMINDS: string[] = ["1.2.3|", "1.2.3|4", ">=1.2.3|", "1.2|.3"];

/**
 * Versions at the edges of the version grammar (fullVersionRegex) and the pre-release rule: a patch,
 * a later pre-release identifier or a build identifier of several characters, one build identifier
 * or three, an alphanumeric pre-release identifier that starts with 0. Masterminds/semver v3.4.0
 * accepts each (go run of test/settings/masterminds, 2026-11-22). Kept apart from the list above so
 * the Go replay below asks about the same strings as before.
 */
const VERSION_EDGES_ACCEPTED_BY_MASTERMINDS: string[] = [
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

/** Strings over the grammar's own characters (and a few outside it), from a fixed seed. */
function generated(count: number): string[] {
  const alphabet = "0123456789.xX*vV<>=~^|,- +ab\t";
  let seed = 20261122;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(""));
}

/** The project's Go module cache: .cache/go/mod here, or in a folder above (Stryker runs the tests in a sandbox inside .cache). */
function goModCache(): string {
  for (let dir = REPO_ROOT; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, ".cache", "go", "mod");
    if (fs.existsSync(path.join(candidate, "github.com", "!masterminds", "semver", "v3@v3.4.0"))) return candidate;
    if (path.dirname(dir) === dir) return path.join(REPO_ROOT, ".cache", "go", "mod");
  }
}
const GO_MOD_CACHE = goModCache();
const go = spawnSync("go", ["version"], { encoding: "utf8" });
/** Why the Go replay cannot run, if it cannot: .ci/run downloads the module. */
const goMissing =
  go.status !== 0
    ? "go is not on the PATH"
    : !fs.existsSync(path.join(GO_MOD_CACHE, "github.com", "!masterminds", "semver", "v3@v3.4.0"))
      ? "Masterminds/semver v3.4.0 is not in .cache/go/mod (.ci/run downloads it from the Go module proxy)"
      : undefined;

function masterminds(ranges: string[]): boolean[] | { missing: string } {
  const run = spawnSync("go", ["run", "."], {
    cwd: path.join(__dirname, "masterminds"),
    input: JSON.stringify(ranges),
    encoding: "utf8",
    timeout: 300_000,
    // Offline: the module is in the project's cache.
    env: { ...process.env, GOMODCACHE: GO_MOD_CACHE, GOFLAGS: "-modcacherw", GOPROXY: "off" },
  });
  if (run.status !== 0) return { missing: `go run of Masterminds/semver failed: ${run.stderr.trim()}` };
  return JSON.parse(run.stdout) as boolean[];
}

/** The pinned answers' ranges (again, now asked of Go itself) and generated ones. */
const PINNED = [...ANSWERED_BY_MASTERMINDS.map(([range]) => range), ...PIPE_IN_VERSION_REFUSED_BY_MASTERMINDS];
const INPUTS = [...PINNED, ...generated(4000)];

describe("isFluxSemverRange", () => {
  test("GIVEN ranges Flux's own examples use THEN they are accepted, and garbage is not", () => {
    for (const ok of ["0.0.x", "^1.2.0", ">=1.0.0 <2.0.0", "1.2 - 1.4", ">= 1.2, < 3.0", "^1 || ^2"]) expect([ok, isFluxSemverRange(ok)]).toEqual([ok, true]);
    for (const bad of ["....", "1.2.3.4", "latest", "1||", "1.2.3-01", "18446744073709551616.0.0"]) expect([bad, isFluxSemverRange(bad)]).toEqual([bad, false]);
  });

  test.each(ANSWERED_BY_MASTERMINDS)("GIVEN %j THEN accepted is %s, as Masterminds/semver answered", (range, accepted) => {
    expect(isFluxSemverRange(range)).toBe(accepted);
  });

  test.each(VERSION_EDGES_ACCEPTED_BY_MASTERMINDS)("GIVEN the version edge %j THEN it is accepted, as Masterminds/semver answered", (range) => {
    expect(isFluxSemverRange(range)).toBe(true);
  });

  test.each(PIPE_IN_VERSION_REFUSED_BY_MASTERMINDS)("GIVEN %j, a '|' inside a version THEN it is refused, as Masterminds/semver answered", (range) => {
    expect(isFluxSemverRange(range)).toBe(false);
  });

  if (goMissing) {
    console.warn(`semver range check against Masterminds/semver SKIPPED: ${goMissing}`);
    test.skip(`against Masterminds/semver v3.4.0 — skipped: ${goMissing}`, () => undefined);
  } else {
    test(`GIVEN the ${PINNED.length} pinned ranges and 4000 generated strings THEN each is accepted exactly when Masterminds/semver v3.4.0 (Go) accepts it`, () => {
      // Run here, not when the file loads: only this test pays for `go run`.
      const reference = masterminds(INPUTS);
      if ("missing" in reference) throw new Error(reference.missing);
      const disagreements = INPUTS.filter((range, i) => isFluxSemverRange(range) !== reference[i]).map((range) => JSON.stringify(range));
      expect(disagreements).toEqual([]);
      // The corpus exercises both answers, so an always-true or always-false check fails above.
      expect(reference.filter(Boolean).length).toBeGreaterThan(100);
      expect(reference.filter((ok) => !ok).length).toBeGreaterThan(100);
    }, 300_000);
  }
});
