import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { isFluxSemverRange } from "../../stacks/settings/semver-range";
import { REPO_ROOT } from "../terraform/providers";
import { ANSWERED_BY_MASTERMINDS, PIPE_IN_VERSION_REFUSED_BY_MASTERMINDS } from "./masterminds-answers";

/*
 * The settings' semver check against the parser Flux uses: Masterminds/semver v3.4.0, run by Go
 * (test/settings/masterminds, the module from the Go module proxy, cached in .cache/go). Its answers
 * for the hand-picked ranges are also pinned (masterminds-answers.ts, asserted in semver-range.test.ts),
 * so the check's boundaries are asserted even where Go is missing.
 */

/** Strings over the grammar's own characters (and a few outside it), from a fixed seed. */
function generated(count: number): string[] {
  const alphabet = "0123456789.xX*vV<>=~^|,- +ab\t";
  let seed = 20261122;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(""),
  );
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
