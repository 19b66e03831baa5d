import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { repositoryPaths } from "../../stacks/repository-paths";
import { renderClusterFiles } from "../../stacks/manifests/cluster-files";
import { parseSettings } from "../../stacks/settings/load";
import { buildLikeFlux, findKustomize, writeTree } from "../gitops/kustomize-controller";
import { type Json, MINIMAL_SETTINGS } from "../support";

/*
 * kube-score (pinned in .ci/run, built from the Go module proxy into .cache/bin) over what Flux
 * applies: the apps layer and the teams layer, each built as kustomize-controller builds it.
 * A team's own workloads never pass through this repository, so a stand-in Deployment goes into
 * each team namespace, as a team would deploy it. Its network checks must pass:
 * pod-networkpolicy (a pod needs a policy of its namespace selecting it for Ingress and one for
 * Egress: score/networkpolicy/networkpolicy.go) and networkpolicy-targets-pod. With the
 * NetworkPolicies taken out (planted), pod-networkpolicy fails again; without allow-egress it warns.
 * Only these checks are asserted: the others judge the app, not the isolation.
 *
 * kube-linter's non-isolated-pod (golang.stackrox.io/kube-linter) checks the same selection; the
 * Go module proxy refuses that module host here (403), so it is not run.
 */

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const PINNED = /^KUBE_SCORE_VERSION=(\S+)$/m.exec(fs.readFileSync(path.join(REPO_ROOT, ".ci", "run"), "utf8"))?.[1];
const NETWORK_CHECKS = ["pod-networkpolicy", "networkpolicy-targets-pod"];
/** kube-score's grades (scorecard/scorecard.go). */
const GRADE = { critical: 1, warning: 5, ok: 10 } as const;

function findKubeScore(): { command: string } | { missing: string } {
  for (const command of [path.join(REPO_ROOT, ".cache", "bin", "kube-score"), "kube-score"]) {
    const run = spawnSync(command, ["version"], { encoding: "utf8", timeout: 30_000 });
    if (run.error || run.status !== 0) continue;
    const version = /kube-score version: (\S+?),/.exec(run.stdout)?.[1];
    if (version === PINNED) return { command };
    return { missing: `kube-score ${version ?? run.stdout.trim()} found (${command}), but the test is for kube-score ${PINNED}` };
  }
  return { missing: `kube-score ${PINNED} not installed (.ci/run builds it into .cache/bin from the Go module proxy; needs go)` };
}

const kubeScore = findKubeScore();
const kustomize = findKustomize();

/** Two app namespaces (one shared by two apps), a team with two namespaces and one with one. */
const SETTINGS = parseSettings({
  ...MINIMAL_SETTINGS,
  clusters: [
    {
      name: "test-cluster",
      apps: [
        { name: "web", namespace: "shop" },
        { name: "api", namespace: "shop", ecr: { repositoryName: "api-repo" } },
        { name: "report", namespace: "back-office", ecr: { repositoryName: "report-repo" } },
      ],
      teams: [
        { name: "search", gitlabProject: "teams/search", namespaces: ["search", "search-jobs"] },
        { name: "pay", gitlabProject: "teams/pay" },
      ],
    },
  ],
});
const CLUSTER = SETTINGS.clusters[0];
const TEAM_NAMESPACES = CLUSTER.teams.flatMap((t) => t.namespaces);

/** What a team deploys in one of its namespaces (the platform never sees it). */
const teamWorkload = (namespace: string): Json => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "team-app", namespace },
  spec: {
    selector: { matchLabels: { app: "team-app" } },
    template: { metadata: { labels: { app: "team-app" } }, spec: { containers: [{ name: "app", image: "registry.invalid/team-app:1.0.0" }] } },
  },
});

/** Check id -> grade and comments, per object ("Kind/namespace/name"). */
type Scores = Map<string, Map<string, { grade: number; comments: string[] }>>;

interface KubeScoreObject {
  type_meta: { kind: string };
  object_meta: { name: string; namespace?: string };
  checks: { check: { id: string }; grade: number; skipped: boolean; comments: { summary: string }[] | null }[];
}

if ("missing" in kubeScore || !kustomize) {
  const reason = "missing" in kubeScore ? kubeScore.missing : "no kustomize with Components support on PATH or in .cache/bin; .ci/run installs one";
  console.warn(`kube-score tests SKIPPED: ${reason}`);
  test.skip(`kube-score over the NetworkPolicies Flux applies — skipped: ${reason}`, () => undefined);
} else {
  describe(`kube-score ${PINNED} over the apps and teams layers, built with ${kustomize.description}`, () => {
    let scratch: string;
    let apps: Json[];
    let teams: Json[];

    /** kube-score's network checks on `objects`, by object. */
    const score = (label: string, objects: Json[]): Scores => {
      const file = path.join(scratch, `${label}.yaml`);
      fs.writeFileSync(file, objects.map((o) => stringify(o)).join("---\n"));
      const run = spawnSync(kubeScore.command, ["score", "-o", "json", "--kubernetes-version", `v${CLUSTER.eks.kubernetesVersion}`, file], {
        encoding: "utf8",
        timeout: 60_000,
      });
      // Exit 1 means some check failed somewhere (most of them judge the app, not the isolation); no JSON means kube-score itself failed.
      if (run.error || !run.stdout.trim().startsWith("[")) throw new Error(`kube-score failed: ${run.stderr || String(run.error)}`);
      const scores: Scores = new Map();
      for (const o of JSON.parse(run.stdout) as KubeScoreObject[]) {
        const checks = o.checks.filter((c) => NETWORK_CHECKS.includes(c.check.id) && !c.skipped);
        if (checks.length === 0) continue;
        scores.set(
          `${o.type_meta.kind}/${o.object_meta.namespace}/${o.object_meta.name}`,
          new Map(checks.map((c) => [c.check.id, { grade: c.grade, comments: (c.comments ?? []).map((m) => m.summary) }])),
        );
      }
      return scores;
    };
    const gradesOf = (scores: Scores, kind: string, check: string) =>
      Object.fromEntries([...scores].filter(([object]) => object.startsWith(`${kind}/`)).map(([object, checks]) => [object, checks.get(check)?.grade]));
    const withoutPolicies = (objects: Json[], names?: string[]) =>
      objects.filter((o) => !(o.kind === "NetworkPolicy" && (names === undefined || names.includes(o.metadata.name))));

    beforeAll(() => {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kube-score-"));
      // WHEN the layers are built as Flux builds them
      const files = renderClusterFiles(
        CLUSTER,
        SETTINGS.gitlab,
        Object.fromEntries(CLUSTER.apps.map((a) => [a.name, `111122223333.dkr.ecr.us-west-2.amazonaws.com/${a.ecr.repositoryName}`])),
        {
          escape: "none",
          awsAccountId: "111122223333",
          gitlabProjectAddress: "https://gitlab.com/12345678",
        },
      );
      const tree = writeTree(new Map(files.map((f) => [f.path, f.content])));
      try {
        const build = (p: string) => {
          const built = buildLikeFlux(kustomize, tree, p);
          if (!built.ok) throw new Error(`${p}: ${built.error}`);
          return built.objects;
        };
        apps = build(repositoryPaths.appsLayer(CLUSTER.name));
        teams = [...build(repositoryPaths.teamsLayer(CLUSTER.name)), ...TEAM_NAMESPACES.map(teamWorkload)];
      } finally {
        fs.rmSync(tree, { recursive: true, force: true });
      }
    }, 120_000);

    afterAll(() => {
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    test("GIVEN the apps layer THEN every app's pods have an ingress and an egress NetworkPolicy, and every policy selects pods", () => {
      const scores = score("apps", apps);
      expect(gradesOf(scores, "Deployment", "pod-networkpolicy")).toEqual({
        "Deployment/shop/web": GRADE.ok,
        "Deployment/shop/api": GRADE.ok,
        "Deployment/back-office/report": GRADE.ok,
      });
      const policies = gradesOf(scores, "NetworkPolicy", "networkpolicy-targets-pod");
      expect(Object.keys(policies)).toHaveLength(6);
      expect(Object.values(policies)).toEqual(Object.keys(policies).map(() => GRADE.ok));
    });

    test("GIVEN the tenants layer and a team's own Deployment in each team namespace THEN the team's pods are isolated without the team doing anything", () => {
      const scores = score("teams", teams);
      expect(gradesOf(scores, "Deployment", "pod-networkpolicy")).toEqual(
        Object.fromEntries(TEAM_NAMESPACES.map((ns) => [`Deployment/${ns}/team-app`, GRADE.ok])),
      );
      const policies = gradesOf(scores, "NetworkPolicy", "networkpolicy-targets-pod");
      expect(Object.keys(policies)).toHaveLength(3 * TEAM_NAMESPACES.length);
      expect(Object.values(policies)).toEqual(Object.keys(policies).map(() => GRADE.ok));
    });

    test("GIVEN the NetworkPolicies taken out (planted) THEN kube-score finds every pod unprotected again", () => {
      for (const [label, objects] of [
        ["apps-without-policies", apps],
        ["teams-without-policies", teams],
      ] as const) {
        const deployments = [...score(label, withoutPolicies(objects))].filter(([object]) => object.startsWith("Deployment/"));
        expect(deployments.length).toBeGreaterThan(0);
        for (const [object, checks] of deployments) {
          expect({ object, ...checks.get("pod-networkpolicy") }).toEqual({
            object,
            grade: GRADE.critical,
            comments: ["The pod does not have a matching NetworkPolicy"],
          });
        }
      }
    });

    test("GIVEN only allow-egress taken out (planted) THEN kube-score warns that the pods have no egress policy: why the open egress is stated", () => {
      const scores = score("apps-without-egress", withoutPolicies(apps, ["allow-egress"]));
      const deployments = Object.fromEntries(
        [...scores].filter(([object]) => object.startsWith("Deployment/")).map(([object, checks]) => [object, checks.get("pod-networkpolicy")]),
      );
      const warning = { grade: GRADE.warning, comments: ["The pod does not have a matching egress NetworkPolicy"] };
      expect(deployments).toEqual({ "Deployment/shop/web": warning, "Deployment/shop/api": warning, "Deployment/back-office/report": warning });
    });
  });
}
