import { stringify } from "yaml";
import { sshGitUrl } from "../../stacks/gitops-stack";
import { repositoryPaths } from "../../stacks/repository-paths";
import { parseSettings } from "../../stacks/settings/load";
import type { Settings, SettingsInput } from "../../stacks/settings/schema";
import { MINIMAL_SETTINGS, synthApp, testSettings } from "../support";
import { buildLikeFlux, findKustomize, writeTree } from "./kustomize-controller";
import { bootstrapCommit, type Commit, committedFiles, exampleReferences, fileCommit, fluxBuildFailures, fluxOwnedPaths, redeploy, treeAfter } from "./replay";
import * as fs from "fs";

/*
 * Replays every commit Terraform makes to the GitOps repository, and after each one builds the
 * repository the way Flux's kustomize-controller would (see ./kustomize-controller.ts): the
 * cluster path flux-system applies, then the path of every Flux Kustomization found there.
 *
 * Why it matters: the Flux provider checks flux-system's readiness on every refresh and plans a
 * new bootstrap when it is not Ready, which then fails while the build is broken. A commit that
 * leaves the repository unbuildable, and an apply interrupted right after it, would block every
 * later apply. A broken build of a layer (apps) does not block Terraform, but it stops every
 * rollout until the next commit, and a build that leaves out a Namespace would make Flux prune it.
 */

const kustomize = findKustomize();

/** Every state the repository passes through, from the bootstrap to the last commit. */
function statesOf(commits: readonly Commit[]): { after: string; tree: Map<string, string> }[] {
  return commits.map((commit, i) => ({ after: commit.label, tree: treeAfter(commits.slice(0, i + 1)) }));
}

/** The committed files of every cluster's GitOps stack in `settings`, by cluster name. */
function filesOf(settings: Settings): Map<string, { files: Commit[]; fluxOwned: Set<string> }> {
  const stacks = synthApp(settings);
  return new Map(
    settings.clusters.map((cluster) => {
      const stack = stacks[`${cluster.name}-gitops`];
      return [cluster.name, { files: committedFiles(stack, exampleReferences(cluster.region)), fluxOwned: fluxOwnedPaths(stack) }];
    }),
  );
}

/** The first deploy of every cluster in `settings`, as the repository sees it: each bootstrap, then its files. */
function deployOf(settings: Settings): Commit[] {
  const files = filesOf(settings);
  return settings.clusters.flatMap((cluster) => [
    bootstrapCommit(cluster.name, sshGitUrl(settings.gitlab), settings.gitlab.branch),
    ...files.get(cluster.name)!.files,
  ]);
}

/** Replays `commits` from the state after `from` on, returning each failing state. */
function replay(commits: readonly Commit[], from: number): string[] {
  return statesOf(commits)
    .slice(from)
    .flatMap(({ after, tree }) => fluxBuildFailures(kustomize!, tree).map((failure) => `after ${after}: ${failure}`));
}

/** The bootstrap is one step of the replay; Terraform's commits follow it. */
const BOOTSTRAP = 1;

/** A fleet: two clusters in different regions, three apps (two sharing a namespace, one autoscaled). */
function fleet(apps: SettingsInput["clusters"][number]["apps"] = [{}, { name: "api", namespace: "apps", autoscaling: {} }]): Settings {
  return parseSettings({
    ...MINIMAL_SETTINGS,
    clusters: [
      { name: "test-cluster", apps },
      { name: "eu", region: "eu-west-1", apps: [{ name: "worker", namespace: "jobs" }] },
    ],
  });
}

/** The objects the apps layer of `cluster` applies in the state `tree`, as kind/namespace/name. */
function appsLayerObjects(tree: ReadonlyMap<string, string>, cluster: string): string[] {
  const root = writeTree(tree);
  try {
    const built = buildLikeFlux(kustomize!, root, repositoryPaths.appsLayer(cluster));
    if (!built.ok) throw new Error(built.error);
    return built.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`).sort();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const deploys = new Map<string, Commit[]>();
/** The first deploy of the default cluster, synthesized once per file. */
function firstDeploy(): Commit[] {
  if (!deploys.has("one")) deploys.set("one", deployOf(testSettings()));
  return deploys.get("one")!;
}

if (!kustomize) {
  const reason = "no kustomize with Components support (kustomize >= 3.7 or kubectl >= 1.21) on PATH or in .cache/bin; .ci/run installs one";
  console.warn(`commit-chain tests SKIPPED: ${reason}`);
  test.skip(`every commit leaves the repository buildable by Flux — skipped: ${reason}`, () => undefined);
} else {
  describe(`the commit chain, replayed with ${kustomize.description}`, () => {
    test("GIVEN the default cluster WHEN its files are committed one by one THEN after every commit each Flux path builds", () => {
      const commits = firstDeploy();
      expect(commits.length).toBeGreaterThan(BOOTSTRAP + 10);
      expect(replay(commits, 0)).toEqual([]);
    });

    test("GIVEN the last state WHEN built THEN flux-system applies both layers and the image objects, and the apps layer holds the app", () => {
      const tree = treeAfter(firstDeploy());
      expect(fluxBuildFailures(kustomize, tree)).toEqual([]);
      const root = writeTree(tree);
      try {
        const flux = buildLikeFlux(kustomize, root, repositoryPaths.cluster("test-cluster"));
        if (!flux.ok) throw new Error(flux.error);
        const fluxObjects = flux.objects.filter((o) => o.metadata.name !== "flux-system").map((o) => `${o.kind}/${o.metadata.name}`);
        expect(fluxObjects).toEqual(
          expect.arrayContaining([
            "Kustomization/infrastructure",
            "Kustomization/apps",
            "ImageRepository/nginx",
            "ImagePolicy/nginx",
            "ImageUpdateAutomation/apps",
          ]),
        );
        const infrastructure = buildLikeFlux(kustomize, root, repositoryPaths.infrastructureLayer("test-cluster"));
        if (!infrastructure.ok) throw new Error(infrastructure.error);
        expect(infrastructure.objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
          "HelmRelease/flux-system/cluster-autoscaler",
          "HelmRepository/flux-system/autoscaler",
          // cluster-scoped: the admission policies (ImageRepositories, the teams' guardrails) and their bindings
          "ValidatingAdmissionPolicy/undefined/flux-image-repository-identity",
          "ValidatingAdmissionPolicy/undefined/platform-team-guardrails",
          "ValidatingAdmissionPolicyBinding/undefined/flux-image-repository-identity",
          "ValidatingAdmissionPolicyBinding/undefined/platform-team-guardrails",
        ]);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
      expect(appsLayerObjects(tree, "test-cluster")).toEqual([
        "Deployment/apps/nginx",
        "Namespace//apps",
        "NetworkPolicy/apps/allow-egress",
        "NetworkPolicy/apps/allow-same-namespace",
        "NetworkPolicy/apps/default-deny-ingress",
        "PodDisruptionBudget/apps/nginx",
        "Service/apps/nginx",
      ]);
    });

    test("GIVEN the deployed repository WHEN a destroy removes the files in reverse order THEN every intermediate state builds", () => {
      const commits = firstDeploy();
      const files = commits.slice(BOOTSTRAP);
      // delete_git_manifests = false: the bootstrap's own files stay.
      const removals = [...files].reverse().map((f) => fileCommit(f.label, undefined));
      const destroy = [...commits, ...removals];
      expect(replay(destroy, commits.length)).toEqual([]);
      expect([...treeAfter(destroy).keys()].every((p) => p.includes("/flux-system/"))).toBe(true);
      expect(treeAfter(destroy).size).toBe(3);
    });

    describe("GIVEN a fleet: two clusters in two regions, three apps (two sharing a namespace, one autoscaled)", () => {
      const commits = () => deployOf(fleet());

      test("WHEN both are deployed THEN every commit keeps every cluster's paths buildable", () => {
        expect(replay(commits(), 0)).toEqual([]);
      });

      test("WHEN the apps layers are built THEN each cluster runs its own apps, the shared namespace once, the autoscaled app with an HPA and no replica count", () => {
        const tree = treeAfter(commits());
        expect(appsLayerObjects(tree, "test-cluster")).toEqual([
          "Deployment/apps/api",
          "Deployment/apps/nginx",
          "HorizontalPodAutoscaler/apps/api",
          "Namespace//apps",
          "NetworkPolicy/apps/allow-egress",
          "NetworkPolicy/apps/allow-same-namespace",
          "NetworkPolicy/apps/default-deny-ingress",
          "PodDisruptionBudget/apps/api",
          "PodDisruptionBudget/apps/nginx",
          "Service/apps/api",
          "Service/apps/nginx",
        ]);
        expect(appsLayerObjects(tree, "eu")).toEqual([
          "Deployment/jobs/worker",
          "Namespace//jobs",
          "NetworkPolicy/jobs/allow-egress",
          "NetworkPolicy/jobs/allow-same-namespace",
          "NetworkPolicy/jobs/default-deny-ingress",
          "PodDisruptionBudget/jobs/worker",
          "Service/jobs/worker",
        ]);
        const root = writeTree(tree);
        try {
          const built = buildLikeFlux(kustomize, root, repositoryPaths.appsLayer("test-cluster"));
          const deployments = built.ok ? built.objects.filter((o) => o.kind === "Deployment") : [];
          expect(deployments.map((d) => [d.metadata.name, d.spec.replicas])).toEqual([
            ["api", undefined],
            ["nginx", 2],
          ]);
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
        }
      });

      test("WHEN an app is added and the stack redeployed THEN every commit builds and the new app is listed only once its folder is complete", () => {
        const before = filesOf(fleet([{}])).get("test-cluster")!;
        const after = filesOf(fleet()).get("test-cluster")!;
        const deployed = [bootstrapCommit("test-cluster", "ssh://git@gitlab.com/example-group/flux-gitops.git", "main"), ...before.files];
        const change = redeploy(deployed, after.files, before.fluxOwned);
        expect(change.map((c) => c.label)).toContain("apps/test-cluster/api/kustomization.yaml");
        expect(replay([...deployed, ...change], deployed.length)).toEqual([]);
      });

      test("WHEN the first of two apps sharing a namespace is removed THEN every commit builds and the namespace never leaves the build", () => {
        const before = filesOf(fleet()).get("test-cluster")!;
        const after = filesOf(fleet([{ name: "api", namespace: "apps", autoscaling: {} }])).get("test-cluster")!;
        const deployed = [bootstrapCommit("test-cluster", "ssh://git@gitlab.com/example-group/flux-gitops.git", "main"), ...before.files];
        const change = redeploy(deployed, after.files, before.fluxOwned);
        const all = [...deployed, ...change];
        expect(replay(all, deployed.length)).toEqual([]);
        // Every state of the change still has the Namespace in the apps build: Flux never prunes it.
        for (let i = deployed.length; i <= all.length; i++) {
          expect(appsLayerObjects(treeAfter(all.slice(0, i)), "test-cluster")).toContain("Namespace//apps");
        }
        expect([...treeAfter(all).keys()].filter((p) => p.startsWith("apps/test-cluster/nginx/") || p.endsWith("images/nginx.yaml"))).toEqual([]);
      });
    });

    describe("GIVEN a cluster with a DNS zone and two exposed apps (one internal) and one that is not", () => {
      const exposed = () =>
        parseSettings({
          ...MINIMAL_SETTINGS,
          clusters: [
            {
              name: "test-cluster",
              dns: { zoneName: "apps.example.com" },
              apps: [
                { name: "shop", expose: { host: "shop.apps.example.com" } },
                { name: "admin", ecr: { repositoryName: "admin-repo" }, expose: { host: "admin.apps.example.com", internal: true } },
                { name: "worker", ecr: { repositoryName: "worker-repo" } },
              ],
            },
          ],
        });
      test("WHEN deployed THEN every commit builds and no Kustomization waits for one not there; the layers are controllers, then IngressClasses, then the apps with their Ingresses", () => {
        const commits = deployOf(exposed());
        expect(replay(commits, 0)).toEqual([]);
        const tree = treeAfter(commits);
        const root = writeTree(tree);
        try {
          const layer = (p: string) => {
            const built = buildLikeFlux(kustomize, root, p);
            if (!built.ok) throw new Error(built.error);
            return built.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`).sort();
          };
          expect(layer(repositoryPaths.infrastructureLayer("test-cluster"))).toEqual(
            expect.arrayContaining(["HelmRelease/flux-system/aws-load-balancer-controller", "HelmRelease/flux-system/external-dns"]),
          );
          expect(layer(repositoryPaths.infrastructureConfigsLayer("test-cluster"))).toEqual([
            "IngressClass//alb",
            "IngressClass//alb-internal",
            "IngressClassParams//alb",
            "IngressClassParams//alb-internal",
          ]);
          const apps = layer(repositoryPaths.appsLayer("test-cluster"));
          expect(apps.filter((o) => /^(Ingress|NetworkPolicy)\/apps\/(shop|admin|worker)/.test(o))).toEqual([
            "Ingress/apps/admin",
            "Ingress/apps/shop",
            "NetworkPolicy/apps/admin-from-load-balancer",
            "NetworkPolicy/apps/shop-from-load-balancer",
          ]);
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
        }
      });

      test("WHEN destroyed, the files removed in reverse order THEN every state builds and no Kustomization waits for one not there", () => {
        const commits = deployOf(exposed());
        const removals = [...commits.slice(BOOTSTRAP)].reverse().map((f) => fileCommit(f.label, undefined));
        const destroy = [...commits, ...removals];
        expect(replay(destroy, commits.length)).toEqual([]);
        // The check can fail: the IngressClasses' Kustomization removed while the apps still depend on it.
        const outOfOrder = [...commits, fileCommit("clusters/test-cluster/infrastructure-configs.yaml", undefined)];
        expect(replay(outOfOrder, commits.length)).toEqual([
          expect.stringMatching(/Kustomization apps \(clusters\/test-cluster\): depends on infrastructure-configs, absent$/),
        ]);
      });
    });

    describe("GIVEN a cluster with two teams (one with two namespaces, one with an ECR repository)", () => {
      const teams = (which: string[]) =>
        parseSettings({
          ...MINIMAL_SETTINGS,
          clusters: [
            {
              name: "test-cluster",
              teams: [
                { name: "payments", gitlabProject: "teams/payments", ecrRepositories: ["payments/api"] },
                { name: "search", gitlabProject: "teams/search", namespaces: ["search", "search-jobs"] },
              ].filter((t) => which.includes(t.name)),
            },
          ],
        });

      test("WHEN deployed THEN every commit builds, and the teams layer (tenants/) holds each team's namespaces, rights, quota and container defaults, ECR reader and sync", () => {
        const commits = deployOf(teams(["payments", "search"]));
        expect(replay(commits, 0)).toEqual([]);
        const root = writeTree(treeAfter(commits));
        try {
          const built = buildLikeFlux(kustomize, root, repositoryPaths.teamsLayer("test-cluster"));
          if (!built.ok) throw new Error(built.error);
          expect(built.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`).sort()).toEqual([
            "ConfigMap/payments/cluster-vars",
            "ConfigMap/search/cluster-vars",
            "GitRepository/payments/payments",
            "GitRepository/search/search",
            "Kustomization/payments/payments",
            "Kustomization/search/search",
            "LimitRange/payments/team-container-defaults",
            "LimitRange/search-jobs/team-container-defaults",
            "LimitRange/search/team-container-defaults",
            "Namespace//payments",
            "Namespace//search",
            "Namespace//search-jobs",
            "NetworkPolicy/payments/allow-egress",
            "NetworkPolicy/payments/allow-same-team",
            "NetworkPolicy/payments/default-deny-ingress",
            "NetworkPolicy/search-jobs/allow-egress",
            "NetworkPolicy/search-jobs/allow-same-team",
            "NetworkPolicy/search-jobs/default-deny-ingress",
            "NetworkPolicy/search/allow-egress",
            "NetworkPolicy/search/allow-same-team",
            "NetworkPolicy/search/default-deny-ingress",
            "ResourceQuota/payments/team-quota",
            "ResourceQuota/search-jobs/team-quota",
            "ResourceQuota/search/team-quota",
            "RoleBinding/payments/flux-tenant-payments",
            "RoleBinding/search-jobs/flux-tenant-search",
            "RoleBinding/search/flux-tenant-search",
            "ServiceAccount/payments/flux-ecr-reader",
            "ServiceAccount/payments/payments",
            "ServiceAccount/search/search",
          ]);
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
        }
      });

      test("WHEN a team is onboarded, then offboarded THEN every commit of both redeploys builds", () => {
        const one = filesOf(teams(["payments"])).get("test-cluster")!;
        const two = filesOf(teams(["payments", "search"])).get("test-cluster")!;
        const deployed = [bootstrapCommit("test-cluster", "ssh://git@gitlab.com/example-group/flux-gitops.git", "main"), ...one.files];
        const onboard = redeploy(deployed, two.files, one.fluxOwned);
        const afterOnboard = [...deployed, ...onboard];
        expect(replay(afterOnboard, deployed.length)).toEqual([]);
        const offboard = redeploy(afterOnboard, one.files, two.fluxOwned);
        expect(replay([...afterOnboard, ...offboard], afterOnboard.length)).toEqual([]);
        expect([...treeAfter([...afterOnboard, ...offboard]).keys()].filter((p) => p.includes("/search"))).toEqual([]);
      });
    });

    test("GIVEN a deployment of the single-app layout (namespace in the app folder, no apps/<cluster>/kustomization.yaml) WHEN this version is deployed THEN flux-system always builds, the namespace is never left out, and the apps build fails only on the duplicate Namespace until the app's kustomization.yaml is rewritten", () => {
      const now = firstDeploy();
      const fluxOwned = fluxOwnedPaths(synthApp(testSettings())["test-cluster-gitops"]);
      const current = treeAfter(now);
      const app = "apps/test-cluster/nginx";
      // The earlier layout, reconstructed: its namespace.yaml was the Namespace now in namespaces/apps.yaml.
      const legacy: Commit[] = [
        now[0],
        fileCommit(`${app}/namespace.yaml`, current.get("apps/test-cluster/namespaces/apps.yaml")),
        // (the earlier layout had no pdb.yaml)
        ...["service.yaml", "deployment.yaml", "image/kustomization.yaml"].map((f) => fileCommit(`${app}/${f}`, current.get(`${app}/${f}`))),
        fileCommit(
          `${app}/kustomization.yaml`,
          stringify({
            apiVersion: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources: ["namespace.yaml", "deployment.yaml", "service.yaml"],
            components: ["image"],
          }),
        ),
        fileCommit(
          "clusters/test-cluster/apps.yaml",
          current.get("clusters/test-cluster/apps.yaml")!.replace(/ {2}dependsOn:\n {4}- name: infrastructure\n/, ""),
        ),
      ];
      expect(replay(legacy, 0)).toEqual([]);
      const upgrade = redeploy(legacy, now.slice(BOOTSTRAP), fluxOwned);
      const all = [...legacy, ...upgrade];
      const failures = replay(all, legacy.length);
      // From the new namespace file until the app's kustomization.yaml stops listing its own, the
      // Namespace is there twice; only then, and only for the apps layer.
      const labels = upgrade.map((c) => c.label);
      const window = labels.slice(labels.indexOf("apps/test-cluster/namespaces/apps.yaml"), labels.indexOf(`${app}/kustomization.yaml`));
      expect(window.length).toBeGreaterThan(0);
      expect(failures).toEqual(
        window.map((label) =>
          expect.stringMatching(
            new RegExp(`^after ${label.replace(/[./]/g, "\\$&")}: Kustomization apps \\(\\./apps/test-cluster\\): .*already registered id: Namespace`),
          ),
        ),
      );
      for (let i = legacy.length; i <= all.length; i++) {
        const tree = treeAfter(all.slice(0, i));
        if (fluxBuildFailures(kustomize, tree).length > 0) continue;
        expect(appsLayerObjects(tree, "test-cluster")).toContain("Namespace//apps");
      }
      expect([...treeAfter(all).keys()]).not.toContain(`${app}/namespace.yaml`);
    });

    test("GIVEN the Flux objects committed before the layer folders (a wrong order) THEN the replay finds the broken states", () => {
      const commits = firstDeploy();
      const files = commits.slice(BOOTSTRAP);
      const wrong = [
        ...commits.slice(0, BOOTSTRAP),
        ...files.filter((f) => f.label.startsWith("clusters/")),
        ...files.filter((f) => !f.label.startsWith("clusters/")),
      ];
      const failures = replay(wrong, 0);
      expect(failures[0]).toMatch(
        /^after clusters\/test-cluster\/infrastructure\.yaml: Kustomization infrastructure \(\.\/infrastructure\/test-cluster\): kustomization path not found/,
      );
    });

    test("GIVEN the earlier layout (a root kustomization.yaml, committed first, listing files still to come) THEN the replay fails at its first commit", () => {
      const bootstrap = bootstrapCommit("test-cluster", "ssh://git@gitlab.com/example-group/flux-gitops.git", "main");
      const root = fileCommit(
        "clusters/test-cluster/kustomization.yaml",
        stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: ["flux-system", "image-automation.yaml", "app.yaml"] }),
      );
      const failures = replay([bootstrap, root], BOOTSTRAP);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(
        /^after clusters\/test-cluster\/kustomization\.yaml: Kustomization flux-system \(clusters\/test-cluster\): .*image-automation\.yaml/,
      );
    });

    test("GIVEN a file that is not Kubernetes YAML under clusters/<cluster> THEN flux-system's generated build fails as a whole", () => {
      const commits = firstDeploy();
      const stray = fileCommit("clusters/test-cluster/values.yaml", "replicas: 3\n");
      expect(replay([...commits, stray], commits.length)).toEqual([
        "after clusters/test-cluster/values.yaml: Kustomization flux-system (clusters/test-cluster): failed to decode Kubernetes YAML from ./values.yaml",
      ]);
    });
  });
}
