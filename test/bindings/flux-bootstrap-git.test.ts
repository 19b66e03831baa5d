import { Fn, Testing, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
// Types of the cdktf jest matchers (registered at runtime by test/setup.ts); type-only, erased at runtime.
import type { Construct } from "constructs";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { FluxProvider } from "../../stacks/bindings/flux/provider";
import { BootstrapGit, type BootstrapGitConfig } from "../../stacks/bindings/flux/bootstrap-git";
import type { Json } from "../support";

/** Builds a stack with a flux provider plus whatever `build` adds, and returns the raw and parsed JSON. */
function synth(build: (scope: Construct) => void): { raw: string; json: Json } {
  const stack = new TerraformStack(Testing.app(), "test");
  new FluxProvider(stack, "flux", {
    kubernetes: { configPath: "~/.kube/config" },
    git: { url: "ssh://git@gitlab.com/group/repo.git", ssh: { username: "git", privateKey: "KEY" } },
  });
  build(stack);
  const raw = Testing.synth(stack);
  return { raw, json: JSON.parse(raw) as Json };
}

function synthBootstrap(config: BootstrapGitConfig): Json {
  return synth((scope) => new BootstrapGit(scope, "bootstrap", config)).json.resource.flux_bootstrap_git.bootstrap;
}

/** Attribute keys of a synthesized resource, without cdktf's "//" metadata. */
function argumentKeys(resource: Json): string[] {
  return Object.keys(resource)
    .filter((key) => key !== "//")
    .sort();
}

const KUSTOMIZATION_OVERRIDE = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - gotk-components.yaml
  - gotk-sync.yaml
`;

describe("BootstrapGit", () => {
  test("GIVEN every argument WHEN synthesized THEN each appears once under its snake_case name with its value", () => {
    const resource = synthBootstrap({
      path: "clusters/dev",
      version: "v2.9.5",
      components: ["source-controller", "kustomize-controller", "helm-controller", "notification-controller"],
      componentsExtra: ["image-reflector-controller", "image-automation-controller", "source-watcher"],
      namespace: "flux-system",
      secretName: "flux-git",
      clusterDomain: "cluster.internal",
      networkPolicy: false,
      logLevel: "debug",
      watchAllNamespaces: false,
      interval: "5m0s",
      registry: "registry.example.com/fluxcd",
      imagePullSecret: "regcred",
      registryCredentials: "${var.registry_credentials}",
      tolerationKeys: ["CriticalAddonsOnly"],
      kustomizationOverride: KUSTOMIZATION_OVERRIDE,
      keepNamespace: true,
      deleteGitManifests: false,
      embeddedManifests: true,
      recurseSubmodules: true,
      disableSecretCreation: true,
      manifestsPath: "https://github.com/fluxcd/flux2/releases",
      timeouts: { create: "20m", read: "5m", update: "20m", delete: "10m" },
    });

    expect(resource).toEqual(
      expect.objectContaining({
        path: "clusters/dev",
        version: "v2.9.5",
        components: ["source-controller", "kustomize-controller", "helm-controller", "notification-controller"],
        components_extra: ["image-reflector-controller", "image-automation-controller", "source-watcher"],
        namespace: "flux-system",
        secret_name: "flux-git",
        cluster_domain: "cluster.internal",
        network_policy: false,
        log_level: "debug",
        watch_all_namespaces: false,
        interval: "5m0s",
        registry: "registry.example.com/fluxcd",
        image_pull_secret: "regcred",
        registry_credentials: "${var.registry_credentials}",
        toleration_keys: ["CriticalAddonsOnly"],
        kustomization_override: KUSTOMIZATION_OVERRIDE,
        keep_namespace: true,
        delete_git_manifests: false,
        embedded_manifests: true,
        recurse_submodules: true,
        disable_secret_creation: true,
        manifests_path: "https://github.com/fluxcd/flux2/releases",
        timeouts: { create: "20m", read: "5m", update: "20m", delete: "10m" },
      }),
    );
    // Exactly these keys: no camelCase duplicates and nothing extra.
    expect(argumentKeys(resource)).toEqual(
      [
        "cluster_domain",
        "components",
        "components_extra",
        "delete_git_manifests",
        "disable_secret_creation",
        "embedded_manifests",
        "image_pull_secret",
        "interval",
        "keep_namespace",
        "kustomization_override",
        "log_level",
        "manifests_path",
        "namespace",
        "network_policy",
        "path",
        "recurse_submodules",
        "registry",
        "registry_credentials",
        "secret_name",
        "timeouts",
        "toleration_keys",
        "version",
        "watch_all_namespaces",
      ].sort(),
    );
  });

  test("GIVEN no arguments WHEN synthesized THEN no argument key is emitted (the provider applies its defaults)", () => {
    const resource = synthBootstrap({});

    expect(argumentKeys(resource)).toEqual([]);
  });

  test("GIVEN some arguments WHEN synthesized THEN only those keys are emitted", () => {
    const resource = synthBootstrap({ path: "clusters/dev", embeddedManifests: true, timeouts: { create: "30m" } });

    expect(argumentKeys(resource)).toEqual(["embedded_manifests", "path", "timeouts"]);
    expect(resource.timeouts).toEqual({ create: "30m" });
  });

  test("GIVEN timeouts WHEN synthesized THEN timeouts is a JSON object (nested attribute), not a block array", () => {
    const resource = synthBootstrap({ timeouts: { create: "20m", delete: "10m" } });

    expect(Array.isArray(resource.timeouts)).toBe(false);
    expect(resource.timeouts).toEqual({ create: "20m", delete: "10m" });
  });

  test("GIVEN the image automation extras WHEN checked with the cdktf matcher THEN the resource is found by tfResourceType", () => {
    const { raw } = synth(
      (scope) =>
        new BootstrapGit(scope, "bootstrap", {
          path: "clusters/dev",
          componentsExtra: ["image-reflector-controller", "image-automation-controller"],
        }),
    );

    expect(raw).toHaveResourceWithProperties(BootstrapGit, {
      path: "clusters/dev",
      components_extra: ["image-reflector-controller", "image-automation-controller"],
    });
    expect(raw).not.toHaveResourceWithProperties(BootstrapGit, { components_extra: ["source-watcher"] });
  });

  test("GIVEN dependsOn WHEN synthesized THEN depends_on lists the dependency", () => {
    const { json } = synth((scope) => {
      new TlsProvider(scope, "tls");
      const key = new PrivateKey(scope, "key", { algorithm: "ED25519" });
      new BootstrapGit(scope, "bootstrap", { path: "clusters/dev", dependsOn: [key] });
    });

    expect(json.resource.flux_bootstrap_git.bootstrap.depends_on).toEqual(["tls_private_key.key"]);
  });

  test("GIVEN arguments from other resources and variables WHEN synthesized THEN they render as ${...} expressions", () => {
    const { json } = synth((scope) => {
      new TlsProvider(scope, "tls");
      const key = new PrivateKey(scope, "key", { algorithm: "ED25519" });
      const path = new TerraformVariable(scope, "cluster_path", { type: "string" });
      const keep = new TerraformVariable(scope, "keep_namespace", { type: "bool" });
      new BootstrapGit(scope, "bootstrap", {
        path: path.stringValue,
        version: key.id,
        keepNamespace: keep.booleanValue,
        tolerationKeys: Fn.tolist(["a"]),
      });
    });
    const resource = json.resource.flux_bootstrap_git.bootstrap;

    expect(resource.path).toBe("${var.cluster_path}");
    expect(resource.version).toBe("${tls_private_key.key.id}");
    expect(resource.keep_namespace).toBe("${var.keep_namespace}");
    expect(resource.toleration_keys).toBe('${tolist(["a"])}');
  });

  test("GIVEN the computed attributes WHEN referenced elsewhere THEN they render as references to this resource", () => {
    const { json } = synth((scope) => {
      const bootstrap = new BootstrapGit(scope, "bootstrap", { path: "clusters/dev" });
      new TerraformOutput(scope, "files", { value: bootstrap.repositoryFiles });
      new TerraformOutput(scope, "sync", {
        value: Fn.lookup(bootstrap.repositoryFiles, "clusters/dev/flux-system/gotk-sync.yaml", ""),
      });
      new TerraformOutput(scope, "id", { value: bootstrap.id });
      new TerraformOutput(scope, "namespace", { value: bootstrap.namespace });
      new TerraformOutput(scope, "version", { value: bootstrap.version });
      new TerraformOutput(scope, "network_policy", { value: bootstrap.networkPolicy });
    });

    expect(json.output.files.value).toBe("${flux_bootstrap_git.bootstrap.repository_files}");
    expect(json.output.sync.value).toMatch(/^\$\{.*flux_bootstrap_git\.bootstrap\.repository_files.*gotk-sync\.yaml.*\}$/);
    expect(json.output.id.value).toBe("${flux_bootstrap_git.bootstrap.id}");
    expect(json.output.namespace.value).toBe("${flux_bootstrap_git.bootstrap.namespace}");
    expect(json.output.version.value).toBe("${flux_bootstrap_git.bootstrap.version}");
    expect(json.output.network_policy.value).toBe("${flux_bootstrap_git.bootstrap.network_policy}");
  });

  test("GIVEN timeouts and a multi-line override WHEN synthesized as HCL THEN timeouts is an attribute and the override a heredoc", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new FluxProvider(stack, "flux");
    new BootstrapGit(stack, "bootstrap", {
      timeouts: { create: "20m" },
      kustomizationOverride: KUSTOMIZATION_OVERRIDE,
      networkPolicy: true,
      componentsExtra: ["source-watcher"],
    });

    const hcl = Testing.synthHcl(stack);

    expect(hcl).toMatch(/^resource "flux_bootstrap_git" "bootstrap" \{$/m);
    expect(hcl).toMatch(/^timeouts = \{\ncreate = "20m"\n\}$/m);
    expect(hcl).not.toMatch(/^timeouts \{$/m);
    expect(hcl).toMatch(/^kustomization_override = <<EOF\napiVersion: kustomize\.config\.k8s\.io\/v1beta1$/m);
    expect(hcl).toMatch(/^network_policy = true$/m);
    expect(hcl).toMatch(/^components_extra = \[\n"source-watcher"\n\]$/m);
    expect(hcl).not.toContain("undefined");
    expect(hcl).not.toMatch(/^(path|read|delete) =/m);
  });

  test("GIVEN a value outside the allowed components_extra WHEN type-checked THEN tsc rejects it", () => {
    const config: BootstrapGitConfig = {
      // @ts-expect-error notification-controller is a core component, not an extra one.
      componentsExtra: ["notification-controller"],
    };
    // The check is compile-time (tsc runs over tests); at runtime the value passes through unchanged.
    expect(synthBootstrap(config).components_extra).toEqual(["notification-controller"]);
  });
});
