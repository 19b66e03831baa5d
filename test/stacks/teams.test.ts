import { parseAllDocuments } from "yaml";
import { parseSettings } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { validateApiObjects } from "../manifests/api-validator";
import { type Json, MINIMAL_SETTINGS, remoteOutput, resourcesOf, synthApp } from "../support";

/*
 * Teams on a cluster (Flux multi-tenancy): two teams, one with two namespaces and image
 * automation, checked on the synthesized stacks and the manifests they commit.
 */

const TEAMS: SettingsInput["clusters"][number]["teams"] = [
  { name: "payments", gitlabProject: "teams/payments", ecrRepositories: ["payments/api"] },
  { name: "search", gitlabProject: "teams/search", branch: "prod", path: "./deploy/prod", namespaces: ["search", "search-jobs"], imageAutomation: true },
];
const settings = parseSettings({ ...MINIMAL_SETTINGS, clusters: [{ name: "test-cluster", teams: TEAMS }] });
const stacks = synthApp(settings);
const gitops = stacks["test-cluster-gitops"];

// Parsed manifests: arbitrary YAML.
type Doc = Json;
const committed = resourcesOf(gitops, "gitlab_repository_file").map(([, f]) => ({ path: f.file_path as string, content: f.content as string }));
const docsOf = (prefix: string): Doc[] =>
  committed.filter((f) => f.path.startsWith(prefix)).flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as Doc));
const find = (docs: Doc[], kind: string, namespace: string, name: string) =>
  docs.find((d) => d.kind === kind && d.metadata?.namespace === namespace && d.metadata?.name === name);

describe("GIVEN a cluster with two teams", () => {
  const payments = docsOf("tenants/test-cluster/payments/");
  const search = docsOf("tenants/test-cluster/search/");

  test("THEN each team's namespaces are in Git with the restricted Pod Security Standard and are never pruned by Flux", () => {
    const namespaces = [...payments, ...search].filter((d) => d.kind === "Namespace");
    expect(namespaces.map((n) => n.metadata.name).sort()).toEqual(["payments", "search", "search-jobs"]);
    for (const ns of namespaces) {
      expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
      expect(ns.metadata.annotations["kustomize.toolkit.fluxcd.io/prune"]).toBe("disabled");
    }
  });

  test("THEN each team's ServiceAccount is admin in exactly its own namespaces (a RoleBinding in each, none cluster-wide)", () => {
    const bindings = [...payments, ...search].filter((d) => /Binding$/.test(d.kind));
    expect(
      bindings
        .map((b) => `${b.kind} ${b.metadata.namespace} -> ${b.roleRef.kind}/${b.roleRef.name} for ${b.subjects[0].namespace}/${b.subjects[0].name}`)
        .sort(),
    ).toEqual([
      "RoleBinding payments -> ClusterRole/admin for payments/payments",
      "RoleBinding search -> ClusterRole/admin for search/search",
      "RoleBinding search-jobs -> ClusterRole/admin for search/search",
    ]);
    expect(find(search, "ServiceAccount", "search", "search")).toBeDefined();
  });

  test("THEN each team's repository is reconciled as its ServiceAccount, from its own project and branch, with its deploy key Secret", () => {
    const source = find(search, "GitRepository", "search", "search")!;
    expect(source.spec).toEqual({
      interval: "1m0s",
      url: "ssh://git@gitlab.com/teams/search.git",
      ref: { branch: "prod" },
      secretRef: { name: "flux-git-search" },
    });
    const sync = find(search, "Kustomization", "search", "search")!;
    expect(sync.spec).toMatchObject({ serviceAccountName: "search", path: "./deploy/prod", prune: true, sourceRef: { kind: "GitRepository", name: "search" } });
    expect(sync.spec.postBuild).toEqual({ substituteFrom: [{ kind: "ConfigMap", name: "cluster-vars" }] });
  });

  test("THEN a team with one namespace has it as targetNamespace; a team with several has none (its manifests name theirs)", () => {
    expect(find(payments, "Kustomization", "payments", "payments")!.spec.targetNamespace).toBe("payments");
    expect(find(search, "Kustomization", "search", "search")!.spec.targetNamespace).toBeUndefined();
  });

  test("THEN payments (ECR repositories) gets its ECR reader service account in its namespace, annotated with its image reader role from the cluster stack; search (none) gets none", () => {
    const readers = [...payments, ...search].filter((d) => d.kind === "ServiceAccount" && d.metadata.name === "flux-ecr-reader");
    expect(readers).toEqual([
      {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: {
          name: "flux-ecr-reader",
          namespace: "payments",
          labels: { "toolkit.fluxcd.io/tenant": "payments" },
          annotations: {
            "eks.amazonaws.com/role-arn": expect.stringMatching(
              new RegExp(`^\\$\\{${remoteOutput(stacks, "test-cluster-gitops", "test-cluster-eks", "arn").source}\\}$`),
            ),
          },
        },
        automountServiceAccountToken: false,
      },
    ]);
    // The output it reads is the payments image reader role's ARN.
    const output = /outputs\.([^}]+)\}/.exec(readers[0].metadata.annotations["eks.amazonaws.com/role-arn"] as string)![1];
    const eks = stacks["test-cluster-eks"];
    const [roleId] = Object.entries(eks.resource!.aws_iam_role).find(([, r]) => r.name === "test-cluster-team-payments-ro")!;
    expect(eks.output![output].value).toBe(`\${aws_iam_role.${roleId}.arn}`);
    expect(docsOf("tenants/test-cluster/payments/kustomization.yaml")[0].resources).toEqual([
      "namespaces/payments.yaml",
      "service-account.yaml",
      "ecr-reader.yaml",
      "cluster-vars.yaml",
      "sync.yaml",
    ]);
    expect(committed.some((f) => f.path === "tenants/test-cluster/search/ecr-reader.yaml")).toBe(false);
  });

  test("THEN the cluster variables name the cluster, region, account, registry and environment", () => {
    const vars = find(payments, "ConfigMap", "payments", "cluster-vars")!;
    expect(vars.data).toEqual({
      CLUSTER_NAME: "test-cluster",
      CLUSTER_REGION: "us-west-2",
      AWS_ACCOUNT_ID: "${data.aws_caller_identity.caller.account_id}",
      ECR_REGISTRY: "${data.aws_caller_identity.caller.account_id}.dkr.ecr.us-west-2.amazonaws.com",
      ENVIRONMENT: "dev",
      TENANT_NAME: "payments",
    });
  });

  test("THEN the teams layer is reconciled after infrastructure, as kustomize-controller, listing both teams", () => {
    const [layer] = docsOf("clusters/test-cluster/tenants.yaml");
    expect(layer.spec).toMatchObject({
      dependsOn: [{ name: "infrastructure" }],
      path: "./tenants/test-cluster",
      serviceAccountName: "kustomize-controller",
      prune: true,
    });
    expect(docsOf("tenants/test-cluster/kustomization.yaml")[0].resources).toEqual(["payments", "search"]);
  });

  test("THEN every team manifest is valid for its Flux 2.9 or Kubernetes model, with no unknown field", () => {
    const docs = docsOf("tenants/test-cluster/").filter((d) => !/^kustomize\.config\.k8s\.io\//.test(d.apiVersion));
    const results = validateApiObjects(docs.map((doc, i) => ({ id: `${doc.kind}/${doc.metadata.name}#${i}`, doc })));
    expect([...results.values()].filter((r) => r.errors.length > 0 || r.model === null)).toEqual([]);
    expect(results.size).toBe(docs.length);
  });

  test("THEN each team has a deploy key on its own project: read-only, or allowed to push when it runs image automation", () => {
    const keys = resourcesOf(stacks["gitops-repository"], "gitlab_deploy_key").filter(([, k]) => /team/.test(k.title));
    expect(keys.map(([, k]) => [k.title, k.can_push, k.project])).toEqual([
      ["Flux (cluster test-cluster, team payments)", false, "${data.gitlab_project.team-project-teams-payments.id}"],
      ["Flux (cluster test-cluster, team search)", true, "${data.gitlab_project.team-project-teams-search.id}"],
    ]);
  });

  test("THEN the private keys reach the cluster as Secrets in each team's first namespace, by reference, and never go to Git", () => {
    const secrets = resourcesOf(gitops, "kubernetes_secret_v1").filter(([, s]) => /^flux-git-/.test(s.metadata.name));
    expect(secrets.map(([, s]) => s.metadata.name).sort()).toEqual(["flux-git-payments", "flux-git-search"]);
    for (const [, secret] of secrets) {
      expect(secret.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\./);
      expect(secret.data.identity).toMatch(/^\$\{sensitive\(data\.terraform_remote_state\.[^}]*private_key_pem\)\}$/);
      expect(secret.data.known_hosts).toMatch(/^\$\{data\.kubernetes_secret_v1\.flux-system-secret\.data/);
    }
    for (const file of committed)
      expect({ path: file.path, leak: /private_key|PRIVATE KEY|identity:/.test(file.content) }).toEqual({ path: file.path, leak: false });
  });

  test("THEN Terraform creates each team namespace before its Secret, and the whole commit chain waits for the Secrets", () => {
    const namespaces = resourcesOf(gitops, "kubernetes_namespace_v1")
      .map(([, n]) => n.metadata.name)
      .sort();
    expect(namespaces).toEqual(["payments", "search", "search-jobs"]);
    const secretAddresses = resourcesOf(gitops, "kubernetes_secret_v1").map(([id]) => `kubernetes_secret_v1.${id}`);
    const files = resourcesOf(gitops, "gitlab_repository_file");
    const head = files.find(([, f]) => !(f.depends_on as string[]).some((d) => d.startsWith("gitlab_repository_file.")))!;
    expect(head[1].depends_on).toEqual(expect.arrayContaining(secretAddresses));
  });
});

describe("GIVEN bad team entries", () => {
  const withTeams = (teams: SettingsInput["clusters"][number]["teams"], apps?: SettingsInput["clusters"][number]["apps"]) => () =>
    parseSettings({ ...MINIMAL_SETTINGS, clusters: [{ name: "test-cluster", teams, ...(apps ? { apps } : {}) }] });

  test.each([
    [
      "a team named after an app namespace",
      withTeams([{ name: "apps", gitlabProject: "teams/apps" }]),
      'settings.clusters[0].teams[0].namespaces[0]: "apps" is not allowed; allowed: a namespace of its own, not the namespace of apps[0] (nginx)',
    ],
    [
      "a team in a system namespace",
      withTeams([{ name: "ops", gitlabProject: "teams/ops", namespaces: ["kube-system"] }]),
      'settings.clusters[0].teams[0].namespaces[0]: "kube-system" is not allowed; allowed: a namespace of its own, not a system namespace',
    ],
    [
      "two teams with the same name",
      withTeams([
        { name: "ops", gitlabProject: "teams/ops" },
        { name: "ops", gitlabProject: "teams/ops2", namespaces: ["ops2"] },
      ]),
      'settings.clusters[0].teams[1].name: "ops" is not allowed; allowed: a name no other team uses (teams[0] is "ops")',
    ],
    [
      "two teams on one project",
      withTeams([
        { name: "a", gitlabProject: "teams/shared" },
        { name: "b", gitlabProject: "Teams/Shared" },
      ]),
      'settings.clusters[0].teams[1].gitlabProject: "Teams/Shared" is not allowed; allowed: a project no other team uses (teams[0] has it)',
    ],
    [
      "a namespace owned by two teams",
      withTeams([
        { name: "a", gitlabProject: "teams/a", namespaces: ["shared"] },
        { name: "b", gitlabProject: "teams/b", namespaces: ["shared"] },
      ]),
      'settings.clusters[0].teams[1].namespaces[0]: "shared" is not allowed; allowed: a namespace of its own, not a namespace of teams[0] (a)',
    ],
  ])("WHEN %s is validated THEN synth stops with one line naming both entries", (_what, parse, line) => {
    expect(parse).toThrow(line);
  });
});

describe("GIVEN a team's namespaces: the platform's guardrails in each", () => {
  const quotaOf = (docs: Doc[], ns: string) => find(docs, "ResourceQuota", ns, "team-quota");
  const limitsOf = (docs: Doc[], ns: string) => find(docs, "LimitRange", ns, "team-container-defaults");

  test("THEN every team namespace has the default ResourceQuota and LimitRange, labelled with the team, in the platform's teams layer", () => {
    const search = docsOf("tenants/test-cluster/search/namespaces/");
    for (const ns of ["search", "search-jobs"]) {
      expect(quotaOf(search, ns)?.spec.hard).toEqual({ "requests.cpu": "4", "limits.cpu": "4", "requests.memory": "8Gi", "limits.memory": "8Gi", pods: "40" });
      expect(limitsOf(search, ns)?.spec.limits).toEqual([
        { type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { cpu: "500m", memory: "256Mi" } },
      ]);
      expect(quotaOf(search, ns)?.metadata.labels).toEqual({ "toolkit.fluxcd.io/tenant": "search" });
    }
  });

  test("WHEN a team sets its own THEN its namespaces carry them", () => {
    const own = parseSettings({
      ...MINIMAL_SETTINGS,
      clusters: [
        {
          name: "test-cluster",
          teams: [
            {
              name: "big",
              gitlabProject: "teams/big",
              quota: { cpu: "16", memory: "64Gi", pods: 200 },
              containerDefaults: { cpuLimit: "1", memoryLimit: "1Gi" },
            },
          ],
        },
      ],
    });
    const files = resourcesOf(synthApp(own)["test-cluster-gitops"], "gitlab_repository_file").map(([, f]) => f);
    const docs = files
      .filter((f) => f.file_path === "tenants/test-cluster/big/namespaces/big.yaml")
      .flatMap((f) => parseAllDocuments(f.content as string).map((d) => d.toJS() as Doc));
    expect(quotaOf(docs, "big")?.spec.hard).toMatchObject({ "limits.cpu": "16", "limits.memory": "64Gi", pods: "200" });
    expect(limitsOf(docs, "big")?.spec.limits[0].default).toEqual({ cpu: "1", memory: "1Gi" });
  });

  test("WHEN a quota could not hold one container with the defaults THEN synth stops with one line naming it", () => {
    const tooSmall = () =>
      parseSettings({
        ...MINIMAL_SETTINGS,
        clusters: [{ name: "test-cluster", teams: [{ name: "tiny", gitlabProject: "teams/tiny", quota: { cpu: "200m" } }] }],
      });
    expect(tooSmall).toThrow(
      'settings.clusters[0].teams[0].quota.cpu: "200m" is not allowed; allowed: at least containerDefaults.cpuLimit (500m), or no container fits',
    );
  });
});
