import { TerraformStack, Testing } from "cdktf";
import { ProjectAccessToken } from "@cdktf/provider-gitlab/lib/project-access-token";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { BootstrapGit } from "../../../stacks/bindings/flux/bootstrap-git";
import { eksClusterConnection, type EksClusterConnectionProps } from "../../../stacks/constructs/gitops/cluster-connection";
import { COMMIT_STATUS_TOKEN_ACCESS, CommitStatusToken, type CommitStatusTokenProps } from "../../../stacks/constructs/gitops/commit-status-token";
import { FluxBootstrap } from "../../../stacks/constructs/gitops/flux-bootstrap";
import { COMMIT_STATUS_TOKEN_SECRET } from "../../../stacks/naming";
import type { Json, SynthesizedJson } from "../../support";
import { address, findResource, ref } from "../find";

/** Example cluster values only (a fake endpoint and CA). */
const CLUSTER: EksClusterConnectionProps = {
  clusterName: "c1",
  region: "eu-west-1",
  clusterEndpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
  clusterCaData: "Q0EK",
};

/**
 * A stack with a Kubernetes provider built from the shared connection, a stand-in bootstrap and
 * the construct; `props` overrides the construct's props.
 */
function synthToken(props: Partial<CommitStatusTokenProps> = {}): { raw: string; json: SynthesizedJson } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const connection = eksClusterConnection(CLUSTER);
  const kubernetes = new KubernetesProvider(stack, "kubernetes", { ...connection, exec: [connection.exec] });
  const bootstrap = new BootstrapGit(stack, "bootstrap", {});
  new CommitStatusToken(stack, "commit-status", {
    projectId: "${data.gitlab_project.project.id}",
    name: "flux-commit-status-c1",
    description: "Flux commit statuses of cluster c1",
    kubernetesProvider: kubernetes,
    dependsOn: [bootstrap],
    ...props,
  });
  const raw = Testing.synth(stack);
  return { raw, json: JSON.parse(raw) as SynthesizedJson };
}

describe("CommitStatusToken", () => {
  let raw: string;
  let json: SynthesizedJson;
  beforeAll(() => {
    // GIVEN a lifetime and a rotation window from the settings
    ({ raw, json } = synthToken({ expirationDays: 180, rotateBeforeDays: 14 }));
  });

  test("GIVEN commit statuses WHEN synthesized THEN the token is a project access token with scope api and role maintainer, nothing more", () => {
    // THEN api is the narrowest scope that sets statuses, maintainer the role protected branches need
    expect(raw).toHaveResourceWithProperties(ProjectAccessToken, {
      project: "${data.gitlab_project.project.id}",
      name: "flux-commit-status-c1",
      description: "Flux commit statuses of cluster c1",
      scopes: ["api"],
      access_level: "maintainer",
    });
    expect(COMMIT_STATUS_TOKEN_ACCESS).toEqual({ scopes: ["api"], accessLevel: "maintainer" });
  });

  test("GIVEN a lifetime and a rotation window WHEN synthesized THEN they are the token's rotation configuration, with no fixed expiry date", () => {
    // THEN rotation_configuration sets expires_at itself (the two conflict)
    const [, token] = findResource(json, "gitlab_project_access_token");
    expect(token.rotation_configuration).toEqual({ expiration_days: 180, rotate_before_days: 14 });
    expect(token.expires_at).toBeUndefined();
  });

  test("GIVEN no lifetime or window WHEN synthesized THEN the token lives 365 days and rotates in the last 30, in Secret flux-system/gitlab-commit-status-token", () => {
    // GIVEN the construct's defaults
    const defaults = synthToken({ expirationDays: undefined, rotateBeforeDays: undefined, secretName: undefined, secretNamespace: undefined });
    // THEN the documented defaults apply
    const [, token] = findResource(defaults.json, "gitlab_project_access_token");
    expect(token.rotation_configuration).toEqual({ expiration_days: 365, rotate_before_days: 30 });
    const [, secret] = findResource(defaults.json, "kubernetes_secret_v1");
    expect(secret.metadata).toMatchObject({ namespace: "flux-system", name: "gitlab-commit-status-token" });
    expect(COMMIT_STATUS_TOKEN_SECRET).toEqual({ namespace: "flux-system", name: "gitlab-commit-status-token" });
  });

  test("GIVEN the token WHEN synthesized THEN the Secret in flux-system carries it under key token, as a reference (never a literal)", () => {
    // THEN Flux's Provider finds the token under `token` in its own namespace
    expect(raw).toHaveResourceWithProperties(SecretV1, {
      metadata: { name: "gitlab-commit-status-token", namespace: "flux-system", labels: { "app.kubernetes.io/managed-by": "terraform" } },
      type: "Opaque",
    });
    const [tokenId] = findResource(json, "gitlab_project_access_token");
    const [, secret] = findResource(json, "kubernetes_secret_v1");
    expect(secret.data).toEqual({ token: ref("gitlab_project_access_token", tokenId, "token") });
    expect(secret.data.token).toMatch(/^\$\{[^{}]+\}$/);
  });

  test("GIVEN the bootstrap creates flux-system WHEN synthesized THEN the Secret waits for it, and the token does not", () => {
    // THEN only the Secret needs the namespace
    const [bootstrapId] = findResource(json, "flux_bootstrap_git");
    const [, secret] = findResource(json, "kubernetes_secret_v1");
    const [, token] = findResource(json, "gitlab_project_access_token");
    expect(secret.depends_on).toEqual([address("flux_bootstrap_git", bootstrapId)]);
    expect(token.depends_on).toBeUndefined();
  });

  test("GIVEN the Kubernetes provider WHEN synthesized THEN the Secret is written through it, authenticated by `aws eks get-token` for the cluster and region", () => {
    // THEN the provider reaches the cluster with a fresh EKS token, no static credential
    const [, secret] = findResource(json, "kubernetes_secret_v1");
    expect(secret.provider).toBe("kubernetes");
    expect(raw).toHaveProviderWithProperties(KubernetesProvider, {
      host: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
      cluster_ca_certificate: '${base64decode("Q0EK")}',
      exec: [
        {
          api_version: "client.authentication.k8s.io/v1beta1",
          command: "aws",
          args: ["eks", "get-token", "--cluster-name", "c1", "--region", "eu-west-1"],
        },
      ],
    });
    // No token, client key or password: exactly these three settings.
    expect(Object.keys((json.provider?.kubernetes ?? [])[0]).sort()).toEqual(["cluster_ca_certificate", "exec", "host"]);
  });
});

describe("eksClusterConnection", () => {
  test("GIVEN one cluster WHEN the Flux and the Kubernetes providers are built from it THEN both reach it the same way", () => {
    // GIVEN both providers of one cluster
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const connection = eksClusterConnection(CLUSTER);
    new KubernetesProvider(stack, "kubernetes", { ...connection, exec: [connection.exec] });
    new FluxBootstrap(stack, "flux", {
      ...CLUSTER,
      gitUrl: "ssh://git@gitlab.example.com/platform/gitops.git",
      branch: "main",
      sshPrivateKeyPem: "${tls_private_key.k.private_key_pem}",
      deployKeyFingerprint: "${tls_private_key.k.public_key_fingerprint_sha256}",
      commitAuthor: { name: "Flux", email: "flux@example.com" },
      path: "clusters/c1",
      interval: "1m0s",
    });
    // WHEN synthesized
    const json = JSON.parse(Testing.synth(stack)) as SynthesizedJson;
    // THEN host, CA and exec plugin are identical (the Kubernetes provider takes exec as a list)
    const flux = (json.provider?.flux ?? [])[0] as Json;
    const kubernetes = (json.provider?.kubernetes ?? [])[0] as Json;
    expect(kubernetes.host).toBe(flux.kubernetes.host);
    expect(kubernetes.cluster_ca_certificate).toBe(flux.kubernetes.cluster_ca_certificate);
    expect(kubernetes.exec).toEqual([flux.kubernetes.exec]);
  });
});
