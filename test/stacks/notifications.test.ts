import { validateApiObjects } from "../manifests/api-validator";
import { parseAllDocuments } from "yaml";
import { NOTIFICATIONS_LAYER } from "../../stacks/layout";
import { repositoryPaths } from "../../stacks/repository-paths";
import { renderClusterFiles } from "../../stacks/manifests/cluster-files";
import { COMMIT_STATUS_TOKEN_SECRET } from "../../stacks/naming";
import { parseSettings } from "../../stacks/settings/load";
import { address, findData, findResource, ref } from "../constructs/find";
import { EXAMPLE_GITLAB_PROJECT_ID, exampleEcrUrls, exampleSettings, renderedFiles } from "../manifests/fixtures";
import { type Json, MINIMAL_SETTINGS, remoteOutput, resourcesOf, type SynthesizedJson, synthApp, testSettings, twoClusters } from "../support";

/*
 * Flux's commit statuses end to end in the GitOps stack: the project access token, the Secret
 * that carries it into flux-system, and clusters/<cluster>/notifications.yaml committed last,
 * which names the Secret and the project but never holds the token. And the settings that
 * switch it off or shape the token's lifetime.
 */

// Synthesized resource configs and parsed manifests: arbitrary JSON.
type Config = Json;

const NOTIFICATIONS = repositoryPaths.notifications("test-cluster");
/** cdktf's expression for the GitOps project's numeric id (the data source "project"). */
const PROJECT_ID = "${data.gitlab_project.project.id}";

/** The files a GitOps stack commits, following depends_on from the bootstrap (its commit order). */
function commitChain(json: SynthesizedJson): Config[] {
  const [bootstrapId] = findResource(json, "flux_bootstrap_git");
  const files = resourcesOf(json, "gitlab_repository_file");
  const chain: Config[] = [];
  let previous = address("flux_bootstrap_git", bootstrapId);
  for (;;) {
    const next = files.find(([, c]) => (c.depends_on ?? []).includes(previous));
    if (!next) break;
    chain.push(next[1]);
    previous = address("gitlab_repository_file", next[0]);
  }
  expect(chain).toHaveLength(files.length);
  return chain;
}

/** Validates API objects with the Flux and Kubernetes models (test/manifests/k8s-validate.mjs), unknown fields included. */
function validateWithFluxModels(docs: Config[]): { model: string | null; errors: string[] }[] {
  const results = validateApiObjects(docs.map((doc, i) => ({ id: String(i), doc })));
  return docs.map((_, i) => {
    const { model, errors } = results.get(String(i))!;
    return { model, errors };
  });
}

/** The Provider and Alert as they must read in Git, for a project address. */
function expectedObjects(projectAddress: string): Config[] {
  return [
    {
      apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
      kind: "Provider",
      metadata: { name: "gitlab", namespace: "flux-system" },
      spec: { type: "gitlab", address: projectAddress, secretRef: { name: "gitlab-commit-status-token" } },
    },
    {
      apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
      kind: "Alert",
      metadata: { name: "gitlab-commit-status", namespace: "flux-system" },
      spec: {
        providerRef: { name: "gitlab" },
        eventSeverity: "info",
        eventSources: [
          { kind: "Kustomization", name: "infrastructure" },
          { kind: "Kustomization", name: "apps" },
        ],
      },
    },
  ];
}

describe("commit statuses, with the default settings", () => {
  let json: SynthesizedJson;
  beforeAll(() => {
    // GIVEN the default settings (flux.commitStatuses is on)
    // WHEN the whole app is synthesized as `cdktf synth` does
    json = synthApp(testSettings())["test-cluster-gitops"];
  });

  test("THEN the GitOps project gets one project access token for the cluster: scope api, role maintainer, 365 days, rotated in the last 30", () => {
    const [, token] = findResource(json, "gitlab_project_access_token");
    expect(token).toMatchObject({
      project: PROJECT_ID,
      name: "flux-commit-status-test-cluster",
      scopes: ["api"],
      access_level: "maintainer",
      rotation_configuration: { expiration_days: 365, rotate_before_days: 30 },
    });
    expect(findData(json, "gitlab_project")[1].path_with_namespace).toBe("example-group/flux-gitops");
  });

  test("THEN a Secret in flux-system carries the token, after the bootstrap, through the stack's Kubernetes provider", () => {
    const [tokenId] = findResource(json, "gitlab_project_access_token");
    const [bootstrapId] = findResource(json, "flux_bootstrap_git");
    const [, secret] = findResource(json, "kubernetes_secret_v1");
    expect(secret.metadata).toMatchObject({ namespace: COMMIT_STATUS_TOKEN_SECRET.namespace, name: COMMIT_STATUS_TOKEN_SECRET.name });
    expect(secret.data).toEqual({ token: ref("gitlab_project_access_token", tokenId, "token") });
    expect(secret.depends_on).toEqual([address("flux_bootstrap_git", bootstrapId)]);
    expect(secret.provider).toBe("kubernetes");
  });

  test("THEN the Kubernetes provider reaches the cluster exactly as the Flux provider does (cluster stack outputs, aws eks get-token)", () => {
    const kubernetes = (json.provider?.kubernetes ?? [])[0] as Config;
    const flux = (json.provider?.flux ?? [])[0] as Config;
    expect(json.provider?.kubernetes).toHaveLength(1);
    const endpoint = remoteOutput(synthApp(testSettings()), "test-cluster-gitops", "test-cluster-eks", "endpoint");
    expect(kubernetes.host).toMatch(new RegExp(`^\\$\\{${endpoint.source}\\}$`));
    expect(kubernetes.exec).toEqual([
      {
        api_version: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", expect.stringMatching(/^\$\{data\.terraform_remote_state\.[^}]*name\}$/), "--region", "us-west-2"],
      },
    ]);
    expect(kubernetes).toEqual({ host: flux.kubernetes.host, cluster_ca_certificate: flux.kubernetes.cluster_ca_certificate, exec: [flux.kubernetes.exec] });
    expect((json.terraform as Config).required_providers.kubernetes).toEqual({ source: "kubernetes", version: "2.38.0" });
  });

  test("THEN notifications.yaml is committed last, and the whole chain starts only once the Secret exists", () => {
    const [secretId] = findResource(json, "kubernetes_secret_v1");
    const chain = commitChain(json);
    expect(chain.map((f) => f.file_path).slice(-2)).toEqual(["clusters/test-cluster/image-automation.yaml", NOTIFICATIONS]);
    expect(chain[0].depends_on).toContain(address("kubernetes_secret_v1", secretId));
    expect(NOTIFICATIONS_LAYER.files).toMatchObject([{ role: "cluster.notifications", template: "notifications.yaml", owner: "terraform" }]);
  });

  test("THEN notifications.yaml addresses the project by its numeric id and names the Secret, but holds no token", () => {
    const file = resourcesOf(json, "gitlab_repository_file").find(([, c]) => c.file_path === NOTIFICATIONS)![1];
    expect(file.lifecycle).toBeUndefined(); // owned by Terraform: every deploy writes it
    expect(file.content).toContain(`address: "https://gitlab.com/${PROJECT_ID}"`);
    expect(file.content).toContain(`name: "${COMMIT_STATUS_TOKEN_SECRET.name}"`);
    // The only reference in it is the project id: not the token, not the Secret's data.
    expect(file.content.match(/\$\{[^}]*\}/g)).toEqual([PROJECT_ID]);
    expect(file.content).not.toMatch(/gitlab_project_access_token|kubernetes_secret_v1|glpat-/);
    // Parsed as YAML (the reference sits in a quoted string), it is exactly the Provider and the Alert.
    const docs = parseAllDocuments(file.content).map((d) => d.toJS() as Config);
    expect(docs).toEqual(expectedObjects(`https://gitlab.com/${PROJECT_ID}`));
  });

  test("THEN an output shows when the token expires, and no output holds the token", () => {
    const [tokenId] = findResource(json, "gitlab_project_access_token");
    expect(json.output?.commit_status_token_expires_at?.value).toBe(ref("gitlab_project_access_token", tokenId, "expires_at"));
    expect(JSON.stringify(json.output)).not.toMatch(/\.token\}/);
  });
});

describe("commit statuses, with settings", () => {
  test("GIVEN flux.commitStatuses false WHEN synthesized THEN there is no token, Secret, Kubernetes provider, notifications.yaml or expiry output", () => {
    // GIVEN commit statuses switched off (GitLab.com Free)
    const json = synthApp(testSettings({ flux: { commitStatuses: false } }))["test-cluster-gitops"];
    // THEN none of their parts exist, and the chain starts after the bootstrap alone
    expect(json.resource?.gitlab_project_access_token).toBeUndefined();
    expect(json.resource?.kubernetes_secret_v1).toBeUndefined();
    expect(json.provider?.kubernetes).toBeUndefined();
    expect((json.terraform as Config).required_providers.kubernetes).toBeUndefined();
    expect(json.output?.commit_status_token_expires_at).toBeUndefined();
    const chain = commitChain(json);
    expect(chain.map((f) => f.file_path)).not.toContain(NOTIFICATIONS);
    expect(chain[chain.length - 1].file_path).toBe("clusters/test-cluster/image-automation.yaml");
    const [bootstrapId] = findResource(json, "flux_bootstrap_git");
    expect(chain[0].depends_on).toEqual([address("flux_bootstrap_git", bootstrapId)]);
  });

  test("GIVEN a token lifetime and rotation window WHEN synthesized THEN the token's rotation configuration has them", () => {
    const json = synthApp(testSettings({ flux: { commitStatusTokenDays: 90, commitStatusTokenRotateDays: 10 } }))["test-cluster-gitops"];
    expect(findResource(json, "gitlab_project_access_token")[1].rotation_configuration).toEqual({ expiration_days: 90, rotate_before_days: 10 });
  });

  test("GIVEN two clusters WHEN synthesized THEN each has its own token and Secret, and its own notifications.yaml", () => {
    const stacks = synthApp(twoClusters());
    for (const cluster of ["test-cluster", "second"]) {
      const json = stacks[`${cluster}-gitops`];
      expect(findResource(json, "gitlab_project_access_token")[1].name).toBe(`flux-commit-status-${cluster}`);
      findResource(json, "kubernetes_secret_v1");
      expect(
        commitChain(json)
          .map((f) => f.file_path)
          .pop(),
      ).toBe(repositoryPaths.notifications(cluster));
    }
  });

  test.each([
    [
      "a rotation window as long as the lifetime",
      { commitStatusTokenDays: 30, commitStatusTokenRotateDays: 30 },
      /commitStatusTokenRotateDays: 30 is not allowed; allowed: less than commitStatusTokenDays \(30\)/,
    ],
    ["a lifetime over GitLab's 365 days", { commitStatusTokenDays: 400 }, /commitStatusTokenDays: 400 is not allowed; allowed: an integer from 30 to 365/],
    ["a lifetime under 30 days", { commitStatusTokenDays: 7 }, /commitStatusTokenDays: 7 is not allowed; allowed: an integer from 30 to 365/],
    ["no rotation window", { commitStatusTokenRotateDays: 0 }, /commitStatusTokenRotateDays: 0 is not allowed; allowed: an integer >= 1/],
  ])("GIVEN %s WHEN the settings are read THEN they are rejected, naming the setting", (_name, flux, message) => {
    expect(() => testSettings({ flux })).toThrow(message);
  });

  test("GIVEN a GitLab instance under a path WHEN the settings are read THEN commit statuses must be off (Flux takes the host as the instance)", () => {
    const input = (commitStatuses: boolean) => ({
      ...MINIMAL_SETTINGS,
      gitlab: { ...MINIMAL_SETTINGS.gitlab, baseUrl: "https://git.example.com/gitlab" },
      clusters: [{ ...MINIMAL_SETTINGS.clusters[0], flux: { commitStatuses } }],
    });
    expect(() => parseSettings(input(true))).toThrow(/settings\.clusters\[0\]\.flux\.commitStatuses: true is not allowed; allowed: false/);
    expect(parseSettings(input(false)).clusters[0].flux.commitStatuses).toBe(false);
  });

  test("GIVEN no flux settings WHEN read THEN commit statuses are on, with a 365-day token rotated in its last 30 days", () => {
    expect(testSettings().clusters[0].flux).toMatchObject({ commitStatuses: true, commitStatusTokenDays: 365, commitStatusTokenRotateDays: 30 });
  });
});

describe("notifications.yaml against the Flux 2.9 models", () => {
  test("GIVEN the committed settings WHEN rendered with an example project id THEN it is the last file, and its Provider and Alert are valid notification.toolkit.fluxcd.io/v1beta3 objects", () => {
    // GIVEN the files as they will read in Git
    const settings = exampleSettings();
    const files = renderedFiles(settings);
    const cluster = settings.clusters[0].name;
    // THEN notifications.yaml comes last, owned by Terraform
    expect(files[files.length - 1]).toMatchObject({ path: repositoryPaths.notifications(cluster), owner: "terraform" });
    const docs = parseAllDocuments(files[files.length - 1].content).map((d) => d.toJS() as Config);
    expect(docs).toEqual(expectedObjects(`${settings.gitlab.baseUrl}/${EXAMPLE_GITLAB_PROJECT_ID}`));
    // WHEN validated with the models of the Flux CRDs
    // THEN both are valid
    expect(validateWithFluxModels(docs)).toEqual([
      { model: "notification.toolkit.fluxcd.io/v1beta3 Provider", errors: [] },
      { model: "notification.toolkit.fluxcd.io/v1beta3 Alert", errors: [] },
    ]);
  });

  test("GIVEN broken variants WHEN validated THEN the models reject them (the validation can fail)", () => {
    const [provider, alert] = expectedObjects("https://gitlab.com/12345678");
    const badType = structuredClone(provider);
    badType.spec.type = "gitlab-ce";
    const badSeverity = structuredClone(alert);
    badSeverity.spec.eventSeverity = "warning";
    const noSources = structuredClone(alert);
    delete noSources.spec.eventSources;
    const results = validateWithFluxModels([badType, badSeverity, noSources]);
    expect(results.map((r) => r.errors.join("; "))).toEqual([
      expect.stringMatching(/\/spec\/type: must be equal to one of the allowed values/),
      expect.stringMatching(/\/spec\/eventSeverity: must be equal to one of the allowed values/),
      expect.stringMatching(/\/spec: must have required property eventSources/),
    ]);
  });

  test("GIVEN commit statuses off WHEN rendered THEN no notifications.yaml, and no project address is needed", () => {
    const settings = exampleSettings({ flux: { commitStatuses: false } });
    expect(renderedFiles(settings).map((f) => f.path)).not.toContain(repositoryPaths.notifications(settings.clusters[0].name));
    const [cluster] = settings.clusters;
    expect(renderClusterFiles(cluster, settings.gitlab, exampleEcrUrls(cluster)).map((f) => f.path)).not.toContain(repositoryPaths.notifications(cluster.name));
  });

  test("GIVEN commit statuses on WHEN rendered without the project address THEN rendering stops (nothing half-configured is committed)", () => {
    const settings = exampleSettings();
    const [cluster] = settings.clusters;
    expect(() => renderClusterFiles(cluster, settings.gitlab, exampleEcrUrls(cluster))).toThrow(/commit statuses need the GitLab project address/);
  });
});
