import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT, removeTempDirsAfterAll, tempDir } from "../app-process";

/*
 * .ci/gitlab/synth-diff, the merge-request job that shows what a change does to the stacks no
 * merge-request job may plan (their state holds credentials), run for real with Git and jq on a
 * repository of two commits. `npm` is a stand-in on the PATH whose `run synth` writes the stacks a
 * commit's stacks.json lists, so that the script's own work (the base's worktree, its node_modules,
 * the normalized diffs) is what is tested.
 */

removeTempDirsAfterAll();

const SCRIPT = path.join(ROOT, ".ci", "gitlab", "synth-diff");
const missing = ["git", "jq"].filter((tool) => spawnSync(tool, ["--version"]).status !== 0);

const FAKE_NPM = `#!/usr/bin/env bash
# npm run synth: cdktf.out/stacks/<stack>/cdk.tf.json for each entry of stacks.json; npm ci: a marker.
set -euo pipefail
case "$*" in
  "run synth") for stack in $(jq -r 'keys[]' stacks.json); do mkdir -p "cdktf.out/stacks/$stack"; jq ".\\"$stack\\"" stacks.json >"cdktf.out/stacks/$stack/cdk.tf.json"; done ;;
  "ci "*) mkdir -p node_modules && touch node_modules/.installed-by-npm-ci ;;
  *) echo "unexpected npm $*" >&2; exit 2 ;;
esac
`;

if (missing.length > 0) {
  const why = `${missing.join(" and ")} not on the PATH`;
  console.warn(`.ci/gitlab/synth-diff tests SKIPPED: ${why}`);
  test.skip(`.ci/gitlab/synth-diff — skipped: ${why}`, () => undefined);
} else {
  describe(".ci/gitlab/synth-diff on a merge request of two commits", () => {
    let repo: string;
    let bin: string;
    let base: string;

    const git = (...args: string[]): string => {
      const run = spawnSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], { cwd: repo, encoding: "utf8" });
      if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
      return run.stdout.trim();
    };
    const commit = (stacks: Record<string, unknown>, lock: string): string => {
      fs.writeFileSync(path.join(repo, "stacks.json"), JSON.stringify(stacks));
      fs.writeFileSync(path.join(repo, "package-lock.json"), lock);
      git("add", "-A");
      git("commit", "-q", "-m", "change");
      return git("rev-parse", "HEAD");
    };
    const run = (baseCommit: string) =>
      spawnSync(SCRIPT, [baseCommit], { cwd: repo, env: { PATH: `${bin}:${process.env.PATH}`, HOME: repo }, encoding: "utf8", timeout: 60_000 });

    beforeAll(() => {
      repo = tempDir("synth-diff-");
      bin = tempDir("synth-diff-bin-");
      fs.writeFileSync(path.join(bin, "npm"), FAKE_NPM, { mode: 0o755 });
      git("init", "-q", "-b", "main");
      fs.writeFileSync(path.join(repo, ".gitignore"), "cdktf.out/\nnode_modules/\nsynth-diff/\n");
      base = commit(
        {
          "gitops-repository": { "//": { metadata: "base" }, resource: { tls_private_key: { a: { algorithm: "ECDSA" } } } },
          "c-gitops": { resource: { gitlab_repository_file: { f: { content: "one" } } } },
          "c-eks": { resource: { aws_eks_cluster: { c: { name: "c" } } } },
        },
        "lock-1",
      );
      commit(
        {
          // Only cdktf's "//" metadata and key order differ: no change.
          "gitops-repository": { resource: { tls_private_key: { a: { algorithm: "ECDSA" } } }, "//": { metadata: "head" } },
          "c-gitops": { resource: { gitlab_repository_file: { f: { content: "two" } } } },
          "d-gitops": { resource: {} },
        },
        "lock-1",
      );
      fs.mkdirSync(path.join(repo, "node_modules"));
    });

    test("GIVEN a changed, a new, a removed and an untouched stack WHEN the job runs THEN it names each one and writes a diff of each changed one", () => {
      const result = run(base);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout.trim().split("\n")).toEqual([
        "c-eks: removed (synth-diff/c-eks.diff)",
        "c-gitops: +1 -1 lines (synth-diff/c-gitops.diff)",
        "d-gitops: new stack (synth-diff/d-gitops.diff)",
        "gitops-repository: unchanged",
        `3 stack(s) changed against ${base}`,
      ]);
      const diff = fs.readFileSync(path.join(repo, "synth-diff", "c-gitops.diff"), "utf8");
      expect(diff).toMatch(/^- +"content": "one"$/m);
      expect(diff).toMatch(/^\+ +"content": "two"$/m);
      expect(fs.readdirSync(path.join(repo, "synth-diff")).sort()).toEqual(["c-eks.diff", "c-gitops.diff", "d-gitops.diff"]);
    });

    test("GIVEN the same lock file WHEN the base is synthesized THEN it shares this checkout's node_modules; the worktree is gone afterwards", () => {
      expect(run(base).status).toBe(0);
      expect(fs.existsSync(path.join(repo, "node_modules", ".installed-by-npm-ci"))).toBe(false);
      expect(git("worktree", "list").split("\n")).toHaveLength(1);
    });

    test("GIVEN no base commit WHEN the job runs THEN it prints its usage and exits 64", () => {
      const result = run("");
      expect(result.status).toBe(64);
      expect(result.stderr).toMatch(/^usage: .*synth-diff <base commit>/);
    });
  });
}
