import { TerraformStack, Testing } from "cdktf";
import { parse } from "yaml";
import { fluxSystemKustomization, FluxBootstrap, IMAGE_AUTOMATION_COMPONENTS } from "../../../stacks/constructs/gitops/flux-bootstrap";
import { BootstrapGit } from "../../../stacks/bindings/flux/bootstrap-git";
import type { Json, SynthesizedJson } from "../../support";
import { address, findResource } from "../find";

describe("FluxBootstrap", () => {
  let json: SynthesizedJson;
  let raw: string;

  beforeAll(() => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const dependency = new BootstrapGit(stack, "earlier", {});
    new FluxBootstrap(stack, "flux", {
      clusterName: "c1",
      region: "eu-west-1",
      clusterEndpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
      clusterCaData: "Q0EK",
      gitUrl: "ssh://git@gitlab.example.com/platform/gitops.git",
      branch: "release",
      sshPrivateKeyPem: "${tls_private_key.k.private_key_pem}",
      deployKeyFingerprint: "${tls_private_key.k.public_key_fingerprint_sha256}",
      commitAuthor: { name: "Platform Bot", email: "bot@example.com" },
      path: "clusters/c1",
      interval: "2m0s",
      dependsOn: [dependency],
    });
    raw = Testing.synth(stack);
    json = JSON.parse(raw) as SynthesizedJson;
  });

  const provider = () => (json.provider?.flux ?? [])[0] as Json;

  test("GIVEN a cluster WHEN synthesized THEN the provider authenticates through `aws eks get-token` for that cluster and region", () => {
    expect(provider().kubernetes).toEqual({
      host: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
      cluster_ca_certificate: '${base64decode("Q0EK")}',
      exec: {
        api_version: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", "c1", "--region", "eu-west-1"],
      },
    });
    expect(provider().kubernetes.token).toBeUndefined();
  });

  test("GIVEN an ssh URL WHEN synthesized THEN git uses it with user git and the referenced private key", () => {
    expect(provider().git).toEqual({
      url: "ssh://git@gitlab.example.com/platform/gitops.git",
      branch: "release",
      author_name: "Platform Bot",
      author_email: "bot@example.com",
      ssh: { username: "git", private_key: "${tls_private_key.k.private_key_pem}" },
    });
  });

  test("GIVEN defaults WHEN synthesized THEN the bootstrap installs the image automation controllers from embedded manifests", () => {
    const [, bootstrap] = findResource(json, "flux_bootstrap_git", (c) => c.path === "clusters/c1");
    expect(bootstrap).toMatchObject({
      path: "clusters/c1",
      components_extra: [...IMAGE_AUTOMATION_COMPONENTS],
      embedded_manifests: true,
      interval: "2m0s",
      network_policy: true,
      delete_git_manifests: false,
      timeouts: { create: "20m", update: "20m", read: "5m", delete: "10m" },
      provider: "flux",
    });
    expect(IMAGE_AUTOMATION_COMPONENTS).toEqual(["image-reflector-controller", "image-automation-controller"]);
  });

  test("GIVEN dependencies WHEN synthesized THEN the bootstrap waits for them", () => {
    const [earlierId] = findResource(json, "flux_bootstrap_git", (c) => c.path === undefined);
    const [, bootstrap] = findResource(json, "flux_bootstrap_git", (c) => c.path === "clusters/c1");
    expect(bootstrap.depends_on).toEqual([address("flux_bootstrap_git", earlierId)]);
  });

  test("GIVEN the provider WHEN synthesized THEN it is pinned to the exact fluxcd/flux release", () => {
    expect((json.terraform as Json).required_providers.flux).toEqual({ source: "fluxcd/flux", version: "1.9.5" });
  });

  test("GIVEN the deploy key's fingerprint WHEN synthesized THEN flux-system/kustomization.yaml names it, so a new key changes the bootstrap", () => {
    const [, bootstrap] = findResource(json, "flux_bootstrap_git", (c) => c.path === "clusters/c1");
    expect(bootstrap.kustomization_override).toBe(fluxSystemKustomization("${tls_private_key.k.public_key_fingerprint_sha256}"));
    expect(bootstrap.kustomization_override).toContain("# Flux deploy key: ${tls_private_key.k.public_key_fingerprint_sha256}\n");
  });

  test("GIVEN the override WHEN parsed as the provider validates it THEN it is a Kustomization of exactly the bootstrap's two files, with the lock-down patches", () => {
    // The provider refuses an override without gotk-components.yaml and gotk-sync.yaml.
    const a = fluxSystemKustomization("SHA256:aaaa");
    const parsed = parse(a);
    expect(parsed).toMatchObject({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: ["gotk-components.yaml", "gotk-sync.yaml"],
    });
    expect(Object.keys(parsed).sort()).toEqual(["apiVersion", "kind", "patches", "resources"]);
    expect(parsed.patches.map((p: { target: { kind: string } }) => p.target.kind)).toEqual([
      "Deployment",
      "Deployment",
      "Deployment",
      "Kustomization",
      "Deployment",
    ]);
    // The last one turns on object-level workload identity, on image-reflector-controller alone.
    expect(parsed.patches[4]).toEqual({
      patch: "- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --feature-gates=ObjectLevelWorkloadIdentity=true\n",
      target: { kind: "Deployment", name: "image-reflector-controller" },
    });
    expect(fluxSystemKustomization("SHA256:bbbb")).not.toBe(a);
  });
});
