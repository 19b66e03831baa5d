import { stringify } from "yaml";
import { sshGitUrl } from "../../stacks/gitops-stack";
import type { Settings } from "../../stacks/settings/schema";
import { EXAMPLE_ECR_URL } from "../manifests/fixtures";
import { synthApp, testSettings, twoClusters } from "../support";
import { findKustomize } from "./kustomize-controller";
import { bootstrapCommit, Commit, committedFiles, fileCommit, fluxBuildFailures, treeAfter } from "./replay";

/*
 * Replays every commit Terraform makes to the GitOps repository, and after each one builds the
 * repository the way Flux's kustomize-controller would (see ./kustomize-controller.ts): the
 * cluster path flux-system applies, then the path of every Flux Kustomization found there.
 *
 * Why it matters: the Flux provider checks flux-system's readiness on every refresh and plans a
 * new bootstrap when it is not Ready, which then fails while the build is broken. A commit that
 * leaves the repository unbuildable, and an apply interrupted right after it, would block every
 * later apply.
 */

const kustomize = findKustomize();

/** Every state the repository passes through, from the bootstrap to the last commit. */
function statesOf(commits: readonly Commit[]): { after: string; tree: Map<string, string> }[] {
  return commits.map((commit, i) => ({ after: commit.label, tree: treeAfter(commits.slice(0, i + 1)) }));
}

/** The first deploy of every cluster in `settings`, as the repository sees it: each bootstrap, then its files. */
function deployOf(settings: Settings, ecrUrlOf: (cluster: string) => string): Commit[] {
  const stacks = synthApp(settings);
  return settings.clusters.flatMap((cluster) => [
    bootstrapCommit(cluster.name, sshGitUrl(settings.gitlab), settings.gitlab.branch),
    ...committedFiles(stacks[`${cluster.name}-gitops`], ecrUrlOf(cluster.name)),
  ]);
}

const deploys = new Map<string, Commit[]>();
/** The first deploy of the default cluster ("one") or of two clusters ("two"), synthesized once per file. */
function firstDeploy(which: "one" | "two"): Commit[] {
  if (!deploys.has(which)) {
    deploys.set(
      which,
      which === "one"
        ? deployOf(testSettings(), () => EXAMPLE_ECR_URL)
        : deployOf(twoClusters(), (name) => `111122223333.dkr.ecr.us-west-2.amazonaws.com/${name}-repo`),
    );
  }
  return deploys.get(which)!;
}

/** Replays `commits` from the state after `from` on, returning each failing state. */
function replay(commits: readonly Commit[], from: number): string[] {
  return statesOf(commits)
    .slice(from)
    .flatMap(({ after, tree }) => fluxBuildFailures(kustomize!, tree).map((failure) => `after ${after}: ${failure}`));
}

/** The bootstrap is one step of the replay; Terraform's commits follow it. */
const BOOTSTRAP = 1;

if (!kustomize) {
  const reason = "no kustomize with Components support (kustomize >= 3.7 or kubectl >= 1.21) on PATH or in .cache/bin; .ci/run installs one";
  console.warn(`commit-chain tests SKIPPED: ${reason}`);
  test.skip(`every commit leaves the repository buildable by Flux — skipped: ${reason}`, () => undefined);
} else {
  describe(`the commit chain, replayed with ${kustomize.description}`, () => {
    test("GIVEN the default cluster WHEN its files are committed one by one THEN after every commit each Flux path builds", () => {
      const commits = firstDeploy("one");
      expect(commits.length).toBe(BOOTSTRAP + 7);
      expect(replay(commits, 0)).toEqual([]);
    });

    test("GIVEN the last state WHEN built THEN flux-system applies the apps Kustomization and image automation, and the app builds from apps/", () => {
      const commits = firstDeploy("one");
      const tree = treeAfter(commits);
      expect(fluxBuildFailures(kustomize, tree)).toEqual([]);
      expect([...tree.keys()].filter((p) => p.startsWith("clusters/test-cluster/") && !p.includes("/flux-system/")).sort()).toEqual([
        "clusters/test-cluster/apps.yaml",
        "clusters/test-cluster/image-automation.yaml",
      ]);
    });

    test("GIVEN the deployed repository WHEN a destroy removes the files in reverse order THEN every intermediate state builds", () => {
      const commits = firstDeploy("one");
      const files = commits.slice(BOOTSTRAP);
      // delete_git_manifests = false: the bootstrap's own files stay.
      const removals = [...files].reverse().map((f) => fileCommit(f.label, undefined));
      const destroy = [...commits, ...removals];
      expect(replay(destroy, commits.length)).toEqual([]);
      expect([...treeAfter(destroy).keys()].every((p) => p.includes("/flux-system/"))).toBe(true);
      expect(treeAfter(destroy).size).toBe(3);
    });

    test("GIVEN two clusters sharing the branch WHEN both are deployed THEN every commit keeps both clusters' paths buildable", () => {
      const commits = firstDeploy("two");
      expect(commits.length).toBe(2 * (BOOTSTRAP + 7));
      expect(replay(commits, 0)).toEqual([]);
    });

    test("GIVEN the Flux objects committed before the app folder (a wrong order) THEN the replay finds the broken states", () => {
      const commits = firstDeploy("one");
      const files = commits.slice(BOOTSTRAP);
      const wrong = [...commits.slice(0, BOOTSTRAP), ...files.filter((f) => f.label.startsWith("clusters/")), ...files.filter((f) => !f.label.startsWith("clusters/"))];
      const failures = replay(wrong, 0);
      expect(failures[0]).toMatch(/^after clusters\/test-cluster\/apps\.yaml: Kustomization apps \(\.\/apps\/test-cluster\): kustomization path not found/);
    });

    test("GIVEN the earlier layout (a root kustomization.yaml, committed first, listing files still to come) THEN the replay fails at its first commit", () => {
      const bootstrap = bootstrapCommit("test-cluster", "ssh://git@gitlab.com/example-group/flux-gitops.git", "main");
      const root = fileCommit(
        "clusters/test-cluster/kustomization.yaml",
        stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: ["flux-system", "image-automation.yaml", "app.yaml"] }),
      );
      const failures = replay([bootstrap, root], BOOTSTRAP);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(/^after clusters\/test-cluster\/kustomization\.yaml: Kustomization flux-system \(clusters\/test-cluster\): .*image-automation\.yaml/);
    });

    test("GIVEN a file that is not Kubernetes YAML under clusters/<cluster> THEN flux-system's generated build fails as a whole", () => {
      const commits = firstDeploy("one");
      const stray = fileCommit("clusters/test-cluster/values.yaml", "replicas: 3\n");
      expect(replay([...commits, stray], commits.length)).toEqual([
        "after clusters/test-cluster/values.yaml: Kustomization flux-system (clusters/test-cluster): failed to decode Kubernetes YAML from ./values.yaml",
      ]);
    });
  });
}
