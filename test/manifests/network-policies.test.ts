import { renderClusterFiles } from "../../stacks/manifests/cluster-files";
import { parseSettings } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { type Json, MINIMAL_SETTINGS } from "../support";
import { documentsOf } from "./fixtures";

/*
 * The NetworkPolicies of the app and team namespaces, on the rendered files: what each says, and
 * who may then reach whose pods, by the NetworkPolicy API's rules (a pod selected by an Ingress
 * policy admits only what one of those policies allows; policies add up). The real scanners
 * (kube-score) run over the built layers in test/security/kube-score.replay.test.ts.
 */

type ClusterInput = SettingsInput["clusters"][number];
const APPS: ClusterInput["apps"] = [
  { name: "web", namespace: "shop" },
  { name: "api", namespace: "shop", autoscaling: {} },
  { name: "report", namespace: "back-office" },
];
const TEAMS: ClusterInput["teams"] = [
  { name: "search", gitlabProject: "teams/search", namespaces: ["search", "search-jobs"] },
  { name: "pay", gitlabProject: "teams/pay" },
];
const URLS = Object.fromEntries(APPS.map((a) => [a.name!, `111122223333.dkr.ecr.us-west-2.amazonaws.com/${a.name}`]));
const SETTINGS = parseSettings({ ...MINIMAL_SETTINGS, clusters: [{ name: "prod", apps: APPS, teams: TEAMS }] });
const FILES = renderClusterFiles(SETTINGS.clusters[0], SETTINGS.gitlab, URLS, {
  escape: "none",
  awsAccountId: "111122223333",
  gitlabProjectAddress: "https://gitlab.com/12345678",
});
const DOCS = documentsOf(FILES).map(({ doc }) => doc);

// Rendered manifests: arbitrary YAML.
type Doc = Json;
const policiesIn = (namespace: string, docs: Doc[] = DOCS) => docs.filter((d) => d.kind === "NetworkPolicy" && d.metadata.namespace === namespace);
const namespaceLabels = (namespace: string): Record<string, string> =>
  DOCS.find((d) => d.kind === "Namespace" && d.metadata.name === namespace)?.metadata.labels ?? { "kubernetes.io/metadata.name": namespace };

/** A pod somewhere in the cluster: its namespace and labels. */
interface Pod {
  readonly namespace: string;
  readonly labels?: Record<string, string>;
}

/** matchLabels only: a selector with anything else fails the test rather than being misread. */
function matches(selector: Json, labels: Record<string, string>): boolean {
  const { matchLabels = {}, ...rest } = selector;
  if (Object.keys(rest).length > 0) throw new Error(`selector fields not modelled here: ${Object.keys(rest).join(", ")}`);
  return Object.entries(matchLabels as Record<string, string>).every(([k, v]) => labels[k] === v);
}

/** Whether `from` may open a connection to `to`, by the namespaces' policies (ports are not modelled: these policies name none). */
function admits(from: Pod, to: Pod, docs: Doc[] = DOCS): boolean {
  const selecting = policiesIn(to.namespace, docs).filter((p) => p.spec.policyTypes.includes("Ingress") && matches(p.spec.podSelector, to.labels ?? {}));
  if (selecting.length === 0) return true; // a pod no Ingress policy selects is not isolated
  return selecting.some((p) =>
    ((p.spec.ingress ?? []) as Json[]).some((rule) => {
      if (rule.ports) throw new Error("ports are not modelled here");
      const peers = (rule.from ?? []) as Json[];
      if (peers.length === 0) return true;
      return peers.some((peer) => {
        if (peer.ipBlock) throw new Error("ipBlock is not modelled here");
        const namespaceOk = peer.namespaceSelector ? matches(peer.namespaceSelector, namespaceLabels(from.namespace)) : from.namespace === to.namespace;
        return namespaceOk && (!peer.podSelector || matches(peer.podSelector, from.labels ?? {}));
      });
    }),
  );
}

const WEB: Pod = { namespace: "shop", labels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/component": "web" } };
const API: Pod = { namespace: "shop", labels: { "app.kubernetes.io/name": "api", "app.kubernetes.io/component": "web" } };
const REPORT: Pod = { namespace: "back-office", labels: { "app.kubernetes.io/name": "report" } };
const SEARCH: Pod = { namespace: "search", labels: { app: "indexer" } };
const SEARCH_JOB: Pod = { namespace: "search-jobs", labels: { app: "crawler" } };
const PAY: Pod = { namespace: "pay", labels: { app: "payments" } };
const FLUX: Pod = { namespace: "flux-system", labels: { app: "source-controller" } };
const KUBE_SYSTEM: Pod = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };

describe("GIVEN apps in two namespaces and two teams WHEN the cluster's files are rendered", () => {
  test("THEN each app namespace's file holds, after its Namespace, a default deny of ingress, ingress from the namespace itself, and open egress", () => {
    for (const namespace of ["shop", "back-office"]) {
      const file = FILES.find((f) => f.path === `apps/prod/namespaces/${namespace}.yaml`)!;
      const docs = documentsOf([file]).map(({ doc }) => doc);
      expect(docs.map((d) => `${d.kind} ${d.metadata.name}`)).toEqual([
        `Namespace ${namespace}`,
        "NetworkPolicy default-deny-ingress",
        "NetworkPolicy allow-same-namespace",
        "NetworkPolicy allow-egress",
      ]);
      expect(docs.slice(1).map((d) => ({ apiVersion: d.apiVersion, namespace: d.metadata.namespace, spec: d.spec }))).toEqual([
        { apiVersion: "networking.k8s.io/v1", namespace, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
        { apiVersion: "networking.k8s.io/v1", namespace, spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] } },
        { apiVersion: "networking.k8s.io/v1", namespace, spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{}] } },
      ]);
    }
  });

  test("THEN each team namespace's file holds the same default deny and open egress, and ingress from the team's own namespaces", () => {
    for (const [team, namespace] of [
      ["search", "search"],
      ["search", "search-jobs"],
      ["pay", "pay"],
    ]) {
      const policies = policiesIn(namespace);
      expect(policies.map((p) => ({ name: p.metadata.name, labels: p.metadata.labels, spec: p.spec }))).toEqual([
        { name: "default-deny-ingress", labels: { "toolkit.fluxcd.io/tenant": team }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
        {
          name: "allow-same-team",
          labels: { "toolkit.fluxcd.io/tenant": team },
          spec: {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { "toolkit.fluxcd.io/tenant": team } } }] }],
          },
        },
        { name: "allow-egress", labels: { "toolkit.fluxcd.io/tenant": team }, spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{}] } },
      ]);
      expect(FILES.find((f) => f.path === `tenants/prod/${team}/namespaces/${namespace}.yaml`)?.content).toContain("kind: NetworkPolicy");
    }
  });

  test("THEN every app's pods are selected by an Ingress and an Egress policy of their namespace (what kube-score's pod-networkpolicy asks)", () => {
    const deployments = DOCS.filter((d) => d.kind === "Deployment");
    expect(deployments.map((d) => d.metadata.name)).toEqual(["web", "api", "report"]);
    for (const d of deployments) {
      const selecting = policiesIn(d.metadata.namespace).filter((p) => matches(p.spec.podSelector, d.spec.template.metadata.labels));
      expect({ app: d.metadata.name, types: [...new Set(selecting.flatMap((p) => p.spec.policyTypes))].sort() }).toEqual({
        app: d.metadata.name,
        types: ["Egress", "Ingress"],
      });
    }
  });

  test("THEN an app's pods admit pods of their own namespace only: no other app namespace, team, or Flux", () => {
    expect([WEB, API].map((from) => admits(from, API))).toEqual([true, true]);
    expect([REPORT, SEARCH, PAY, FLUX, KUBE_SYSTEM].map((from) => admits(from, WEB))).toEqual([false, false, false, false, false]);
    expect([WEB, SEARCH].map((from) => admits(from, REPORT))).toEqual([false, false]);
  });

  test("THEN a team's pods admit the team's own namespaces only: no other team, no app", () => {
    expect([SEARCH, SEARCH_JOB].map((from) => admits(from, SEARCH))).toEqual([true, true]);
    expect(admits(SEARCH, SEARCH_JOB)).toBe(true);
    expect([PAY, WEB, FLUX, KUBE_SYSTEM].map((from) => admits(from, SEARCH))).toEqual([false, false, false, false]);
    expect([SEARCH, SEARCH_JOB, WEB].map((from) => admits(from, PAY))).toEqual([false, false, false]);
  });

  test("GIVEN the policies taken out (planted) THEN everyone reaches everyone again: the checks above can fail", () => {
    const withoutPolicies = DOCS.filter((d) => d.kind !== "NetworkPolicy");
    expect([SEARCH, PAY, FLUX].map((from) => admits(from, WEB, withoutPolicies))).toEqual([true, true, true]);
    expect(admits(PAY, SEARCH, withoutPolicies)).toBe(true);
  });
});
