import { spawn, spawnSync, type SpawnSyncReturns } from "child_process";
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseSettings } from "../../stacks/settings/load";
import { stackNames } from "../../stacks/naming";
import { ROOT, committedContext, filesBelow, removeTempDirsAfterAll, tempDir } from "../app-process";
import type { Json } from "../support";

/*
 * .gitlab-ci.yml through gitlab-ci-local 4.73.0 (the newest that runs on Node 20; it bundles GitLab's
 * CI JSON schema and validates against it on every run): the jobs of a merge-request pipeline and of
 * a default-branch pipeline with rules evaluated, their needs, and the test and synth jobs run for
 * real with the shell executor, each in its own copy of the project (kept between runs with the
 * caches its tools wrote: see reusableJobCopy). What gitlab-ci-local does not honour
 * (workflow:rules, id_tokens, resource_group, reports:terraform, artifacts:access) is asserted on
 * the YAML it expands (--preview).
 *
 * The jobs install nothing: each copy gets this checkout's node_modules as hard links, which the
 * .npm template's check (.ci/gitlab/node-modules-current) finds current, so its `npm ci` is skipped
 * (what installing from a clean runner does is tested in node-modules-current.replay.test.ts). Hard links
 * share their files with this checkout, so nothing in a job may write below node_modules: asserted
 * on every entry. Never a symlink: an `npm ci` in the copy would empty this checkout's node_modules.
 */

removeTempDirsAfterAll();

const GCL = path.join(ROOT, "node_modules", ".bin", "gitlab-ci-local");
const NODE_MODULES_CURRENT = path.join(ROOT, ".ci", "gitlab", "node-modules-current");
const SETTINGS = parseSettings(committedContext().settings);
const CLUSTER = SETTINGS.clusters[0].name;
const STACKS = [stackNames.repository, stackNames.cluster(CLUSTER), stackNames.gitops(CLUSTER)];
/** The stacks whose state holds credentials (stacks/security/credentials.ts), from the committed settings. */
const CREDENTIAL_STACKS = [stackNames.repository, stackNames.gitops(CLUSTER)];
const OTHER_STACKS = STACKS.filter((stack) => !CREDENTIAL_STACKS.includes(stack));

interface ListedJob {
  name: string;
  stage: string;
  when: string;
  allow_failure: boolean | { exit_codes: number[] };
  needs?: { job: string; artifacts: boolean; optional: boolean }[];
}

const missingTools = ["rsync", "git"].filter((tool) => spawnSync(tool, ["--version"]).status !== 0);

/** The project's files as a fresh Git repository (gitlab-ci-local reads Git), without node_modules and caches. */
function pipelineCopy(prefix: string): string {
  return copyProjectInto(tempDir(prefix));
}

/** Copies the project's files into the empty folder `copy` and commits them there; returns `copy`. */
function copyProjectInto(copy: string): string {
  const files = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" });
  const present = files.stdout.split("\0").filter((file) => file && fs.existsSync(path.join(ROOT, file)));
  const rsync = spawnSync("rsync", ["-a", "--from0", "--files-from=-", ".", copy], { cwd: ROOT, input: present.join("\0"), encoding: "utf8" });
  if (rsync.status !== 0) throw new Error(`rsync failed: ${rsync.stderr}`);
  const git = (...args: string[]) => {
    const run = spawnSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], { cwd: copy, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
  };
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "pipeline test");
  return copy;
}

/**
 * This checkout's node_modules in `copy` as hard links (cp -al: seconds, where a copy of its 1 GB
 * takes a minute), all of it but .cache: tsc rewrites its build info there in place (tsconfig's
 * tsBuildInfoFile), which through a hard link would rewrite this checkout's file. The copy gets an
 * empty .cache of its own.
 */
function linkNodeModules(copy: string): void {
  const source = path.join(ROOT, "node_modules");
  const target = path.join(copy, "node_modules");
  fs.mkdirSync(path.join(target, ".cache"), { recursive: true });
  const entries = fs.readdirSync(source).filter((entry) => entry !== ".cache");
  const cp = spawnSync("cp", ["-al", ...entries.map((entry) => path.join(source, entry)), target], { encoding: "utf8" });
  if (cp.status !== 0) throw new Error(`cp -al node_modules failed: ${cp.stderr}`);
}

/**
 * Where the jobs' copies are kept between runs: the project's tool cache (.ci/run links .cache to
 * the machine's), one folder per checkout path. Not below node_modules: jest ignores test files
 * whose path has a node_modules in it.
 */
const JOB_COPIES = path.join(ROOT, ".cache", "pipeline-replay", createHash("sha256").update(fs.realpathSync(ROOT)).digest("hex").slice(0, 12));

/**
 * A job's copy at the same path on every run, made afresh but for its node_modules/.cache: the test
 * job's tsc and Prettier then find their caches of the last run, which hold only at the same path
 * (Prettier keys files by absolute path). The commands still run in full on every file they find
 * changed; ESLint keeps no cache (its type-aware results would go stale, see the README). One run at a time owns the folder (a lock with its pid); a run that cannot take the
 * lock gets a temporary copy and starts cold. After the file, only the copy's node_modules/.cache
 * and the project's files stay: its hard links would otherwise keep this checkout's node_modules
 * on disk after the checkout is gone.
 */
function reusableJobCopy(job: string): string {
  const copy = path.join(JOB_COPIES, job);
  fs.mkdirSync(JOB_COPIES, { recursive: true });
  if (!takeLock(`${copy}.lock`)) {
    const fresh = pipelineCopy(`pipeline-${job}-`);
    linkNodeModules(fresh);
    return fresh;
  }
  const caches = path.join(copy, "node_modules", ".cache");
  const kept = `${copy}.caches`;
  fs.rmSync(kept, { recursive: true, force: true });
  if (fs.existsSync(caches)) fs.renameSync(caches, kept);
  // rmSync removes the hard links, never the files of this checkout they share.
  fs.rmSync(copy, { recursive: true, force: true });
  fs.mkdirSync(copy);
  copyProjectInto(copy);
  linkNodeModules(copy);
  if (fs.existsSync(kept)) {
    fs.rmSync(caches, { recursive: true, force: true });
    fs.renameSync(kept, caches);
  }
  reusedCopies.push(copy);
  return copy;
}

const locks: string[] = [];
const reusedCopies: string[] = [];
afterAll(() => {
  for (const copy of reusedCopies.splice(0)) {
    const nodeModules = path.join(copy, "node_modules");
    for (const entry of fs.readdirSync(nodeModules)) if (entry !== ".cache") fs.rmSync(path.join(nodeModules, entry), { recursive: true, force: true });
  }
  for (const lock of locks.splice(0)) fs.rmSync(lock, { force: true });
});

/** Takes `lock` for this process unless a live process holds it. */
function takeLock(lock: string): boolean {
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
  } catch {
    if (isAlive(Number(fs.readFileSync(lock, "utf8")))) return false;
    fs.writeFileSync(lock, String(process.pid)); // its holder is gone
  }
  locks.push(lock);
  return true;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every entry below `copy`'s node_modules but .cache, with its inode, size and modification time. */
function nodeModulesState(copy: string): Map<string, string> {
  const dir = path.join(copy, "node_modules");
  const state = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dir, file);
    if (relative === ".cache" || relative.startsWith(`.cache${path.sep}`)) continue;
    const stat = fs.lstatSync(file);
    state.set(
      relative,
      `${entry.isDirectory() ? "dir" : entry.isSymbolicLink() ? "link" : "file"} inode ${stat.ino}, ${stat.size} bytes, modified ${stat.mtimeMs}`,
    );
  }
  return state;
}

/** The entries whose state differs, was added or was removed: none when nothing wrote below node_modules. */
function changedEntries(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths]
    .filter((file) => before.get(file) !== after.get(file))
    .map((file) => `${file}: ${before.get(file) ?? "absent"} -> ${after.get(file) ?? "absent"}`);
}

const PREDEFINED = "CI_PIPELINE_SOURCE,CI_COMMIT_BRANCH,CI_MERGE_REQUEST_IID,CI_DEFAULT_BRANCH,GITLAB_CI,CI_JOB_TOKEN";
const MERGE_REQUEST = ["--variable", "CI_PIPELINE_SOURCE=merge_request_event", "--variable", "CI_MERGE_REQUEST_IID=7", "--unset-variable", "CI_COMMIT_BRANCH"];
const DEFAULT_BRANCH = ["--variable", "CI_PIPELINE_SOURCE=push", "--variable", "CI_DEFAULT_BRANCH=main"];
const SCHEDULE = ["--variable", "CI_PIPELINE_SOURCE=schedule", "--variable", "CI_DEFAULT_BRANCH=main"];

const gclArgs = (args: string[]) => ["--ignore-predefined-vars", PREDEFINED, "--no-color", ...args];

function gitlabCiLocal(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(GCL, gclArgs(args), {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** {@link gitlabCiLocal} without blocking, so that two jobs run side by side. */
function gitlabCiLocalAsync(cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(GCL, gclArgs(args), { cwd, env: process.env, timeout: 600_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

function listJobs(cwd: string, pipeline: string[]): ListedJob[] {
  const run = gitlabCiLocal(cwd, ["--list-json", ...pipeline]);
  if (run.status !== 0) throw new Error(`gitlab-ci-local --list-json failed: ${run.stderr}`);
  return JSON.parse(run.stdout.slice(run.stdout.indexOf("["))) as ListedJob[];
}

const active = (jobs: ListedJob[]) => jobs.filter((job) => job.when !== "never");
const names = (jobs: ListedJob[]) => jobs.map((job) => job.name).sort();

if (missingTools.length > 0) {
  const why = `${missingTools.join(" and ")} not installed (.ci/run installs rsync)`;
  console.warn(`gitlab-ci-local tests SKIPPED: ${why}`);
  test.skip(`.gitlab-ci.yml through gitlab-ci-local — skipped: ${why}`, () => undefined);
} else {
  describe(".gitlab-ci.yml through gitlab-ci-local", () => {
    let copy: string;
    let mergeRequest: ListedJob[];
    let defaultBranch: ListedJob[];
    let schedule: ListedJob[];
    let preview: Json;

    beforeAll(() => {
      copy = pipelineCopy("pipeline-");
      mergeRequest = listJobs(copy, MERGE_REQUEST);
      defaultBranch = listJobs(copy, DEFAULT_BRANCH);
      schedule = listJobs(copy, SCHEDULE);
      const expanded = gitlabCiLocal(copy, ["--preview"]);
      if (expanded.status !== 0) throw new Error(`gitlab-ci-local --preview failed: ${expanded.stderr}`);
      // Untyped: the expanded pipeline is arbitrary GitLab CI YAML.
      preview = parse(expanded.stdout.slice(expanded.stdout.indexOf("---")));
    });

    test("GIVEN a merge request WHEN its jobs are listed THEN it plans only the stacks whose state holds no credential, shows the others' synthesized diff, and nothing deploys", () => {
      // A merge request runs its branch's scripts with the job token of whoever started it: no job
      // of it may read the state of gitops-repository or a GitOps stack (deploy keys, tokens).
      expect(names(active(mergeRequest))).toEqual(["checkov", "synth", "synth-diff", "test", ...OTHER_STACKS.map((s) => `plan:${s}`)].sort());
      expect(active(mergeRequest).every((job) => job.when === "on_success")).toBe(true);
    });

    test("GIVEN a scheduled pipeline WHEN its jobs are listed THEN it plans every stack (drift), rotates the commit-status token, and nothing else deploys", () => {
      const gitops = stackNames.gitops(CLUSTER);
      expect(names(active(schedule))).toEqual(["checkov", "synth", "test", ...STACKS.map((s) => `plan:${s}`), `rotate:${gitops}`].sort());
      expect(active(schedule).find((job) => job.name === `rotate:${gitops}`)).toMatchObject({ when: "on_success" });
    });

    test("GIVEN the default branch WHEN its jobs are listed THEN every stack has a manual, blocking deploy and a manual, optional destroy", () => {
      const byName = new Map(active(defaultBranch).map((job) => [job.name, job]));
      expect([...byName.keys()].sort()).toEqual(["checkov", "synth", "test", ...STACKS.flatMap((s) => [`plan:${s}`, `deploy:${s}`, `destroy:${s}`])].sort());
      // Rotation only in schedules; the synthesized diff only in merge requests.
      for (const stack of STACKS) {
        expect(byName.get(`plan:${stack}`)).toMatchObject({ when: "on_success" });
        expect(byName.get(`deploy:${stack}`)).toMatchObject({ when: "manual", allow_failure: false });
        expect(byName.get(`destroy:${stack}`)).toMatchObject({ when: "manual", allow_failure: true });
      }
    });

    test("GIVEN the default branch WHEN the needs are followed THEN the plans run in dependency order: a GitOps plan after its cluster's deploy", () => {
      const needs = new Map(active(defaultBranch).map((job) => [job.name, (job.needs ?? []).map((need) => need.job)]));
      const upstream = (job: string): string[] => (needs.get(job) ?? []).flatMap((need) => [need, ...upstream(need)]);
      expect(upstream(`plan:${stackNames.gitops(CLUSTER)}`)).toEqual(
        expect.arrayContaining([
          `deploy:${stackNames.cluster(CLUSTER)}`,
          `plan:${stackNames.cluster(CLUSTER)}`,
          `deploy:${stackNames.repository}`,
          "synth",
          "test",
        ]),
      );
      expect(upstream(`deploy:${stackNames.gitops(CLUSTER)}`)).toEqual(expect.arrayContaining([`plan:${stackNames.gitops(CLUSTER)}`, "test"]));
      expect(upstream(`plan:${stackNames.cluster(CLUSTER)}`)).toEqual(["synth"]);
    });

    test("GIVEN a merge request WHEN gitlab-ci-local validates its dependency chain THEN every needed job is in the pipeline", () => {
      const run = gitlabCiLocal(copy, ["--validate-dependency-chain", ...MERGE_REQUEST]);
      expect(run.stdout + run.stderr).toContain("All job dependencies are valid");
    });

    // gitlab-ci-local's validator ignores --manual (it passes an empty list) and stops at the first
    // manual job that another job needs, which on the default branch is the point: a GitOps plan
    // waits for its cluster's deploy. So the chain is checked here on the listed jobs.
    test("GIVEN the default branch WHEN the dependency chain is checked THEN every need is a job of the pipeline, and only plans wait for manual deploys", () => {
      const jobs = new Map(active(defaultBranch).map((job) => [job.name, job]));
      const problems = [...jobs.values()].flatMap((job) =>
        (job.needs ?? []).flatMap((need) => {
          const needed = jobs.get(need.job);
          if (!needed) return need.optional ? [] : [`${job.name} needs ${need.job}, which is not in the pipeline`];
          if (needed.when === "manual" && !(job.name.startsWith("plan:") || job.name.startsWith("destroy:"))) {
            return [`${job.name} waits for the manual ${need.job}`];
          }
          return [];
        }),
      );
      expect(problems).toEqual([]);
      const first = gitlabCiLocal(copy, ["--validate-dependency-chain", ...DEFAULT_BRANCH]);
      expect(first.stdout + first.stderr).toMatch(/deploy:\S+ is when:manual, its needed by plan:\S+, and not specified in --manual/);
    });

    test("GIVEN the schema gitlab-ci-local bundles WHEN a key is misspelt THEN validation fails (so the passing runs above mean something)", () => {
      const broken = pipelineCopy("pipeline-broken-");
      const file = path.join(broken, ".gitlab-ci.yml");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("    access: developer", "    acces: developer"));
      const run = gitlabCiLocal(broken, ["--list-json"]);
      expect(run.status).not.toBe(0);
      expect(run.stdout + run.stderr).toMatch(/acces/);
    });

    describe("WHEN the expanded YAML is read (what gitlab-ci-local does not honour)", () => {
      test("THEN pipelines run for merge requests and the default branch only, schedules included (workflow:rules)", () => {
        const raw = parse(fs.readFileSync(path.join(ROOT, ".gitlab-ci.yml"), "utf8"));
        expect(raw.workflow.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }, { if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" }]);
      });

      test("THEN every Terraform job gets an OIDC id token for AWS, and the test, synth, synth-diff and checkov jobs none", () => {
        for (const stack of STACKS) {
          for (const job of [`plan:${stack}`, `deploy:${stack}`, `destroy:${stack}`]) {
            expect({ job, id_tokens: preview[job].id_tokens }).toEqual({ job, id_tokens: { AWS_ID_TOKEN: { aud: "sts.amazonaws.com" } } });
          }
        }
        for (const job of ["test", "synth", "synth-diff", "checkov"]) expect(preview[job].id_tokens).toBeUndefined();
      });

      test("THEN each plan publishes its change count as a Terraform report and keeps the plan file short-lived; a credential stack's plan file is no one's download", () => {
        for (const stack of STACKS) {
          const { artifacts } = preview[`plan:${stack}`];
          expect(artifacts.reports).toEqual({ terraform: "plan-report.json" });
          // Developers may read a plan of a stack whose state they may read anyway; a plan of a
          // credential stack holds its state (deploy keys, tokens): `none`, which the deploy job
          // still receives through needs.
          expect({ stack, access: artifacts.access }).toEqual({ stack, access: CREDENTIAL_STACKS.includes(stack) ? "none" : "developer" });
          expect(artifacts.expire_in).toBe("1 day");
          expect(artifacts.paths).toEqual(["cdktf.out/stacks/$STACK/"]);
          expect(preview[`plan:${stack}`].variables.STACK).toBe(stack);
        }
      });

      test("THEN deploys and destroys are serialized per stack (resource_group), record an environment, and are never interrupted", () => {
        for (const stack of STACKS) {
          for (const job of [`deploy:${stack}`, `destroy:${stack}`]) {
            expect(preview[job].resource_group).toEqual(expect.any(String));
            expect(preview[job].interruptible).toBe(false);
            expect(preview[job].environment.name).toBe(stack === stackNames.repository ? stackNames.repository : CLUSTER);
          }
        }
      });

      test("THEN the test job publishes a JUnit report", () => {
        expect(preview.test.artifacts.reports).toEqual({ junit: "reports/junit.xml" });
      });
    });

    describe("GIVEN a GitLab CI job's environment with a job token WHEN the test and synth jobs run for real (shell executor), each in a copy with this checkout's node_modules linked", () => {
      const jobToken = `glcbt-${randomBytes(12).toString("hex")}`;
      const copies: Record<"test" | "synth", string> = { test: "", synth: "" };
      const runs: Partial<Record<"test" | "synth", Run>> = {};
      const before: Partial<Record<"test" | "synth", Map<string, string>>> = {};
      const after: Partial<Record<"test" | "synth", Map<string, string>>> = {};

      beforeAll(async () => {
        const current = spawnSync(NODE_MODULES_CURRENT, [], { cwd: ROOT, encoding: "utf8" });
        if (current.status !== 0)
          throw new Error(`this checkout's node_modules is not what package-lock.json installs; run npm ci first. ${current.stdout}${current.stderr}`);
        for (const job of ["test", "synth"] as const) copies[job] = reusableJobCopy(job);
        for (const job of ["test", "synth"] as const) before[job] = nodeModulesState(copies[job]);
        // No --shell-isolation: it would rsync the job's Git files into a build folder and leave
        // node_modules (untracked) behind. Each job has a copy of its own instead, as a runner's checkout.
        // The outer run has the whole suite; the test job runs `npm run test:all` on one file to
        // prove the job itself (typecheck, lint, synth check, jest with the JUnit reporter).
        // npm_config_offline: should a job install after all, it fails at once instead of downloading.
        const job = (name: "test" | "synth", ...variables: string[]) =>
          gitlabCiLocalAsync(copies[name], [
            "--force-shell-executor",
            ...DEFAULT_BRANCH,
            "--variable",
            "GITLAB_CI=true",
            "--variable",
            `CI_JOB_TOKEN=${jobToken}`,
            "--variable",
            "npm_config_offline=true",
            ...variables,
            name,
          ]);
        [runs.test, runs.synth] = await Promise.all([job("test", "--variable", "JEST_ARGS=test/imports.test.ts"), job("synth")]);
        for (const job of ["test", "synth"] as const) after[job] = nodeModulesState(copies[job]);
      }, 600_000);

      test("THEN both jobs pass", () => {
        expect(runs.test!.stdout).toMatch(/PASS\s+test/);
        expect(runs.synth!.stdout).toMatch(/PASS\s+synth/);
        expect({ test: runs.test!.status, synth: runs.synth!.status }).toEqual({ test: 0, synth: 0 });
      });

      test("THEN neither job installs: the .npm template finds node_modules as package-lock.json installs it", () => {
        for (const job of ["test", "synth"] as const) {
          expect({ job, skipped: /node_modules is what package-lock\.json installs here .*: npm ci skipped/.test(runs[job]!.stdout) }).toEqual({
            job,
            skipped: true,
          });
          expect({ job, installed: /node_modules is not current|added \d+ packages/.test(runs[job]!.stdout) }).toEqual({ job, installed: false });
        }
      });

      test("THEN nothing in either job wrote below node_modules (hard links to this checkout's files), but tsc's build info and Prettier's cache in the copy's own .cache", () => {
        for (const job of ["test", "synth"] as const) {
          expect(before[job]!.size).toBeGreaterThan(1000);
          expect({ job, changed: changedEntries(before[job]!, after[job]!).slice(0, 20) }).toEqual({ job, changed: [] });
        }
        const manifest = fs.statSync(path.join(copies.test, "node_modules", "typescript", "package.json"));
        expect(manifest.ino).toBe(fs.statSync(path.join(ROOT, "node_modules", "typescript", "package.json")).ino);
        // What the test job's typecheck and lint wrote there: files of the copy's own, no link to this checkout.
        const cache = path.join(copies.test, "node_modules", ".cache");
        const written = filesBelow(cache).map((file) => [file, fs.statSync(path.join(cache, file)).nlink]);
        // (A copy made before ESLint ran without a cache may still hold its old cache: kept, not checked.)
        expect(written).toEqual(
          expect.arrayContaining([
            ["prettier/cache.json", 1],
            ["tsbuildinfo", 1],
          ]),
        );
        expect(written.filter(([, links]) => links !== 1)).toEqual([]);
      });

      test("THEN the test job wrote a JUnit report with passing test cases", () => {
        const junit = fs.readFileSync(path.join(copies.test, "reports", "junit.xml"), "utf8");
        const [, tests, failures] = /<testsuites [^>]*tests="(\d+)" failures="(\d+)"/.exec(junit) ?? [];
        expect(Number(tests)).toBeGreaterThan(0);
        expect(Number(failures)).toBe(0);
      });

      test("THEN the synth job's artifact is cdktf.out, using this project's GitLab-managed state, without the job token", () => {
        const out = path.join(copies.synth, ".gitlab-ci-local", "artifacts", "synth", "cdktf.out");
        const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
        expect(Object.keys(manifest.stacks).sort()).toEqual([...STACKS].sort());
        for (const stack of STACKS) {
          const json = JSON.parse(fs.readFileSync(path.join(out, "stacks", stack, "cdk.tf.json"), "utf8"));
          // gitlab-ci-local's project ID is 1217; the credential stacks' state is in the committed settings' credentials project.
          const project = CREDENTIAL_STACKS.includes(stack) ? encodeURIComponent(String(SETTINGS.state.gitlab.credentialsProject)) : "1217";
          expect({ stack, address: json.terraform.backend.http.address }).toEqual({
            stack,
            address: expect.stringMatching(new RegExp(`/api/v4/projects/${project}/terraform/state/${stack}$`)),
          });
        }
        expect(filesBelow(out).filter((file) => fs.readFileSync(path.join(out, file), "utf8").includes(jobToken))).toEqual([]);
      });
    });
  });
}
