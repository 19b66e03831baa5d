import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT, removeTempDirsAfterAll, tempDir } from "../app-process";

/*
 * .ci/gitlab/node-modules-current, the check in front of the jobs' `npm ci`: node_modules is kept
 * only when it is what `npm ci` would install from package-lock.json, else the job installs. Run on
 * small projects laid out as npm lays them out (node_modules/.package-lock.json, one package.json
 * per package), on this checkout's own node_modules, and as the .npm template's before_script with
 * a stand-in npm that records whether it was called.
 */

removeTempDirsAfterAll();

const SCRIPT = path.join(ROOT, ".ci", "gitlab", "node-modules-current");
const ELSEWHERE = process.platform === "win32" ? "darwin" : "win32";

type Entry = Record<string, unknown>;
type Packages = Record<string, Entry>;

const registry = (name: string, version: string): Entry => ({
  version,
  resolved: `https://registry.npmjs.org/${name}/-/${name.split("/").pop()}-${version}.tgz`,
  integrity: `sha512-${Buffer.from(`${name}@${version}`).toString("base64")}`,
  license: "MIT",
});

const PACKAGE_JSON = { name: "fixture", version: "1.0.0", dependencies: { a: "^1.0.0", "@s/b": "2.0.0" }, devDependencies: { d: "~3.1.0" } };
const LOCKED: Packages = {
  "": { name: "fixture", version: "1.0.0", dependencies: PACKAGE_JSON.dependencies, devDependencies: PACKAGE_JSON.devDependencies },
  "node_modules/a": { ...registry("a", "1.2.0"), dependencies: { c: "^1.0.0" } },
  "node_modules/a/node_modules/c": registry("c", "1.0.1"),
  "node_modules/@s/b": registry("@s/b", "2.0.0"),
  "node_modules/c": registry("c", "2.0.0"),
  "node_modules/d": { ...registry("d", "3.1.4"), dev: true },
  "node_modules/d-elsewhere": { ...registry("d-elsewhere", "3.1.4"), dev: true, optional: true, os: [ELSEWHERE] },
};

/** A project as `npm ci` leaves it: the lock file, and node_modules with npm's record of what it installed. */
function installedProject(locked: Packages = LOCKED): string {
  const project = tempDir("node-modules-current-");
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(PACKAGE_JSON, null, 2));
  fs.writeFileSync(
    path.join(project, "package-lock.json"),
    JSON.stringify({ name: "fixture", version: "1.0.0", lockfileVersion: 3, requires: true, packages: locked }, null, 2),
  );
  const installed = Object.fromEntries(Object.entries(locked).filter(([key, entry]) => key !== "" && !entry.os));
  for (const [key, entry] of Object.entries(installed)) {
    fs.mkdirSync(path.join(project, key), { recursive: true });
    fs.writeFileSync(path.join(project, key, "package.json"), JSON.stringify({ name: path.basename(key), version: entry.version }));
  }
  fs.mkdirSync(path.join(project, "node_modules", ".bin"), { recursive: true });
  writeRecord(project, installed);
  return project;
}

function writeRecord(project: string, packages: Packages): void {
  const record = { name: "fixture", version: "1.0.0", lockfileVersion: 3, requires: true, packages };
  fs.writeFileSync(path.join(project, "node_modules", ".package-lock.json"), JSON.stringify(record, null, 2));
}
const readRecord = (project: string): Packages => JSON.parse(fs.readFileSync(path.join(project, "node_modules", ".package-lock.json"), "utf8")).packages;
// `any`: the test edits arbitrary npm JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const editJson = (file: string, edit: (json: any) => void) => {
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
};

function check(project: string) {
  const run = spawnSync(SCRIPT, [], { cwd: project, encoding: "utf8" });
  return { status: run.status, out: run.stdout + run.stderr };
}

describe(".ci/gitlab/node-modules-current", () => {
  test("GIVEN node_modules as npm ci installs the lock file (an optional package for another platform skipped) THEN it is current", () => {
    expect(check(installedProject())).toEqual({ status: 0, out: expect.stringContaining("npm ci skipped") });
  });

  test("GIVEN this checkout, installed with npm ci THEN its node_modules is current (npm's record read as npm writes it)", () => {
    expect(check(ROOT)).toEqual({ status: 0, out: expect.stringContaining("npm ci skipped") });
  });

  test.each<[string, (project: string) => void, RegExp]>([
    ["no node_modules (a clean runner)", (p) => fs.rmSync(path.join(p, "node_modules"), { recursive: true }), /no node_modules\/\.package-lock\.json/],
    ["node_modules without npm's record", (p) => fs.rmSync(path.join(p, "node_modules", ".package-lock.json")), /no node_modules\/\.package-lock\.json/],
    ["a record that is not JSON", (p) => fs.writeFileSync(path.join(p, "node_modules", ".package-lock.json"), "{"), /\.package-lock\.json unreadable/],
    [
      "a lock file without packages (lockfileVersion 1)",
      (p) => fs.writeFileSync(path.join(p, "package-lock.json"), '{"lockfileVersion":1,"dependencies":{}}'),
      /has no "packages"/,
    ],
    [
      "a dependency added to package.json but not to the lock file",
      (p) => editJson(path.join(p, "package.json"), (j) => (j.dependencies.e = "^1.0.0")),
      /dependencies are not the ones/,
    ],
    [
      "a devDependency's range changed in package.json",
      (p) => editJson(path.join(p, "package.json"), (j) => (j.devDependencies.d = "^3.1.0")),
      /devDependencies are not the ones/,
    ],
    [
      "a newer version locked",
      (p) => editJson(path.join(p, "package-lock.json"), (j) => (j.packages["node_modules/c"] = registry("c", "2.0.1"))),
      /node_modules\/c: 2\.0\.0 installed, package-lock\.json locks 2\.0\.1/,
    ],
    [
      "the same version locked from elsewhere",
      (p) => editJson(path.join(p, "package-lock.json"), (j) => (j.packages["node_modules/@s/b"].resolved = "https://mirror.example.com/b-2.0.0.tgz")),
      /node_modules\/@s\/b: 2\.0\.0 installed/,
    ],
    [
      "a package locked, never installed",
      (p) => editJson(path.join(p, "package-lock.json"), (j) => (j.packages["node_modules/f"] = registry("f", "1.0.0"))),
      /node_modules\/f is locked but not installed/,
    ],
    [
      "an optional package for this platform skipped",
      (p) =>
        editJson(
          path.join(p, "package-lock.json"),
          (j) => (j.packages["node_modules/g"] = { ...registry("g", "1.0.0"), optional: true, os: [process.platform] }),
        ),
      /node_modules\/g is locked but not installed/,
    ],
    [
      "a package installed for another platform",
      (p) => {
        editJson(path.join(p, "package-lock.json"), (j) => (j.packages["node_modules/c"].cpu = [`!${process.arch}`]));
        writeRecord(p, { ...readRecord(p), "node_modules/c": { ...readRecord(p)["node_modules/c"], cpu: [`!${process.arch}`] } });
      },
      /node_modules\/c is installed for another platform/,
    ],
    [
      "a package recorded that the lock file no longer has",
      (p) => editJson(path.join(p, "package-lock.json"), (j) => delete j.packages["node_modules/a/node_modules/c"]),
      /node_modules\/a\/node_modules\/c is installed but not locked/,
    ],
    [
      "a recorded package deleted from disk",
      (p) => fs.rmSync(path.join(p, "node_modules", "@s", "b"), { recursive: true }),
      /node_modules\/@s\/b is recorded but not on disk/,
    ],
    [
      "another version on disk than recorded",
      (p) => editJson(path.join(p, "node_modules", "a", "node_modules", "c", "package.json"), (j) => (j.version = "1.0.2")),
      /node_modules\/a\/node_modules\/c: 1\.0\.2 on disk, 1\.0\.1 recorded/,
    ],
    [
      "a package on disk that npm did not record (installed by hand)",
      (p) => fs.mkdirSync(path.join(p, "node_modules", "a", "node_modules", "@x", "y"), { recursive: true }),
      /node_modules\/a\/node_modules\/@x\/y is on disk but not recorded/,
    ],
  ])("GIVEN %s THEN it is not current, and says why", (_, change, why) => {
    const project = installedProject();
    change(project);
    const { status, out } = check(project);
    expect({ status, out }).toEqual({ status: 1, out: expect.stringMatching(why) });
    expect(out).toMatch(/^node_modules is not current \(.*\): installing\n$/);
  });

  describe("WHEN it runs as the .npm template's before_script, with an npm that records its calls", () => {
    const ci = parse(fs.readFileSync(path.join(ROOT, ".gitlab-ci.yml"), "utf8"));

    function beforeScript(project: string) {
      const bin = tempDir("npm-stand-in-");
      const calls = path.join(bin, "calls");
      fs.writeFileSync(path.join(bin, "npm"), `#!/bin/sh\necho "npm $*" >>'${calls}'\n`, { mode: 0o755 });
      fs.cpSync(SCRIPT, path.join(project, ".ci", "gitlab", "node-modules-current"));
      const lines: string[] = ci[".npm"].before_script;
      // As GitLab's runner does: one shell, every line under `set -eo pipefail`.
      const run = spawnSync("bash", ["-c", ["set -eo pipefail", ...lines].join("\n")], {
        cwd: project,
        env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
        encoding: "utf8",
      });
      return { status: run.status, npm: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8") : "" };
    }

    test("GIVEN a clean runner (no node_modules) THEN it installs from the lock file", () => {
      const project = installedProject();
      fs.rmSync(path.join(project, "node_modules"), { recursive: true });
      expect(beforeScript(project)).toEqual({ status: 0, npm: "npm ci --cache .npm --prefer-offline --no-audit --no-fund\n" });
    });

    test("GIVEN node_modules from an older lock file THEN it installs", () => {
      const project = installedProject();
      editJson(path.join(project, "package-lock.json"), (j) => (j.packages["node_modules/c"] = registry("c", "2.0.1")));
      expect(beforeScript(project).npm).toBe("npm ci --cache .npm --prefer-offline --no-audit --no-fund\n");
    });

    test("GIVEN node_modules as the lock file installs it THEN npm is not called", () => {
      expect(beforeScript(installedProject())).toEqual({ status: 0, npm: "" });
    });

    test("THEN the test, synth and checkov jobs all extend it", () => {
      for (const job of ["test", "synth", "checkov"]) expect({ job, extends: ci[job].extends }).toEqual({ job, extends: ".npm" });
    });
  });
});
