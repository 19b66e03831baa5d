import { isFluxSemverRange } from "../../stacks/settings/semver-range";
import { ANSWERED_BY_MASTERMINDS, PIPE_IN_VERSION_REFUSED_BY_MASTERMINDS, VERSION_EDGES_ACCEPTED_BY_MASTERMINDS } from "./masterminds-answers";

/*
 * The settings' semver check against the parser Flux uses: Masterminds/semver v3.4.0, its answers
 * pinned in masterminds-answers.ts. The replay that runs it with Go (test/settings/masterminds, the
 * module from the Go module proxy, cached in .cache/go) is semver-range.replay.test.ts.
 */

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
});
