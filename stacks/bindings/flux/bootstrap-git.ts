/**
 * Hand-written cdktf binding for the `flux_bootstrap_git` resource of the `fluxcd/flux` provider.
 *
 * Transcribed from the provider's schema (internal/provider/resource_bootstrap_git.go) and docs
 * (docs/resources/bootstrap_git.md). The resource commits the Flux manifests to the repository
 * configured in the provider's `git` settings, installs Flux into the cluster configured in its
 * `kubernetes` settings and points Flux at that repository. On destroy it uninstalls Flux and, by
 * default, deletes the manifests from Git.
 *
 * Import: `terraform import flux_bootstrap_git.<name> <flux namespace>` (use `importFrom`).
 */
import type { Construct } from "constructs";
import { type IResolvable, type TerraformMetaArguments, TerraformResource, booleanToTerraform, listMapper, stringToTerraform } from "cdktf";
import { FLUX_PROVIDER_VERSION_CONSTRAINT, toHclAttributes } from "./provider";

/** Toolkit controllers `components` accepts. */
export type FluxComponent = "source-controller" | "kustomize-controller" | "helm-controller" | "notification-controller";

/** Optional controllers `components_extra` accepts. */
export type FluxExtraComponent = "image-reflector-controller" | "image-automation-controller" | "source-watcher";

/** Log levels the toolkit controllers accept. */
export type FluxLogLevel = "info" | "debug" | "error";

/**
 * `timeouts`: a nested attribute (an object in Terraform JSON, `timeouts = {...}` in HCL), not
 * the `timeouts {}` block most providers have. Values are Go durations such as "30s" or "2h45m".
 */
export interface BootstrapGitTimeouts {
  /** @default "15m" */
  readonly create?: string;
  /** Used by refresh and plan. @default "15m" */
  readonly read?: string;
  /** @default "15m" (pushes to Git are retried until then) */
  readonly update?: string;
  /** Only takes effect if saved to state before the destroy. @default "5m" */
  readonly delete?: string;
}

export interface BootstrapGitConfig extends TerraformMetaArguments {
  /**
   * Path in the repository, relative to its root, that the cluster syncs from. Documented as
   * immutable.
   */
  readonly path?: string;
  /**
   * Flux release to install: `latest` or a tag starting with `v`. Ignored when
   * `embeddedManifests` is true.
   * @default the Flux release bundled with the provider build (a v2.9.x release for provider
   * v1.9.x; "v2.8.5" in provider v1.8.5)
   */
  readonly version?: string;
  /**
   * Toolkit controllers to install (a set). At least two, and it must contain
   * `source-controller` and `kustomize-controller`.
   * @default ["source-controller", "kustomize-controller", "helm-controller", "notification-controller"]
   */
  readonly components?: FluxComponent[];
  /**
   * Extra controllers to install as well (a set, up to three). The image controllers are needed
   * for image update automation.
   * @default none
   */
  readonly componentsExtra?: FluxExtraComponent[];
  /**
   * Namespace Flux is installed into; created if missing. Changing it replaces the resource.
   * @default "flux-system"
   */
  readonly namespace?: string;
  /**
   * Secret holding (or receiving) the Git credentials Flux syncs with. Changing it replaces the
   * resource.
   * @default "flux-system"
   */
  readonly secretName?: string;
  /**
   * Internal DNS domain of the cluster.
   * @default "cluster.local"
   */
  readonly clusterDomain?: string;
  /**
   * Deny ingress to the controllers from other namespaces with NetworkPolicies.
   * @default true
   */
  readonly networkPolicy?: boolean | IResolvable;
  /**
   * Log level of the controllers.
   * @default "info"
   */
  readonly logLevel?: FluxLogLevel;
  /**
   * Watch Flux custom resources in all namespaces, not only Flux's own.
   * @default true
   */
  readonly watchAllNamespaces?: boolean | IResolvable;
  /**
   * How often Flux reconciles the bootstrap repository (Go duration).
   * @default "1m0s"
   */
  readonly interval?: string;
  /**
   * Container registry the controller images are pulled from.
   * @default "ghcr.io/fluxcd"
   */
  readonly registry?: string;
  /** Name of the image pull secret for a private `registry`. */
  readonly imagePullSecret?: string;
  /**
   * Registry credentials as `user:password`; requires `imagePullSecret`. Secret material, but NOT
   * marked Sensitive in the provider schema: Terraform does not redact it on its own.
   */
  readonly registryCredentials?: string;
  /** Toleration keys that let the controller pods run on nodes with matching taints (a set). */
  readonly tolerationKeys?: string[];
  /** A Kustomization (YAML) patching the generated Flux manifests. */
  readonly kustomizationOverride?: string;
  /**
   * Keep the namespace when Flux is uninstalled.
   * @default false
   */
  readonly keepNamespace?: boolean | IResolvable;
  /**
   * Delete the Flux manifests from the repository when the resource is destroyed.
   * @default true
   */
  readonly deleteGitManifests?: boolean | IResolvable;
  /**
   * Take the manifests from the provider binary instead of downloading them from GitHub
   * (air-gapped installs); `version` then has no effect.
   * @default false
   */
  readonly embeddedManifests?: boolean | IResolvable;
  /** Make the GitRepository source include Git submodules. */
  readonly recurseSubmodules?: boolean | IResolvable;
  /** Do not create the sync Secret; Flux uses an existing `secretName` Secret instead. */
  readonly disableSecretCreation?: boolean | IResolvable;
  /**
   * Where the install manifests come from: a GitHub releases URL or a local kustomize overlay.
   * @default "https://github.com/fluxcd/flux2/releases"
   * @deprecated Deprecated by the provider; use `embeddedManifests` for air-gapped installs.
   */
  readonly manifestsPath?: string;
  /** Operation timeouts. */
  readonly timeouts?: BootstrapGitTimeouts;
}

/** The `flux_bootstrap_git` resource: bootstraps Flux into a cluster from a Git repository. */
export class BootstrapGit extends TerraformResource {
  public static readonly tfResourceType = "flux_bootstrap_git";

  private readonly config: BootstrapGitConfig;

  constructor(scope: Construct, id: string, config: BootstrapGitConfig = {}) {
    super(scope, id, {
      terraformResourceType: BootstrapGit.tfResourceType,
      terraformGeneratorMetadata: {
        providerName: "flux",
        providerVersionConstraint: FLUX_PROVIDER_VERSION_CONSTRAINT,
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    this.config = config;
  }

  // --- Read-only attributes -------------------------------------------------------------------

  /** ID of the resource (the Flux namespace). */
  public get id(): string {
    return this.getStringAttribute("id");
  }

  /** Files the provider committed and manages in the repository: path -> content. */
  public get repositoryFiles(): { [path: string]: string } {
    return this.getStringMapAttribute("repository_files");
  }

  // --- Arguments the provider computes a default for, readable as tokens -------------------------

  /** Effective namespace; referencing it orders dependents after the bootstrap. */
  public get namespace(): string {
    return this.getStringAttribute("namespace");
  }

  public get secretName(): string {
    return this.getStringAttribute("secret_name");
  }

  /** Effective Flux version. */
  public get version(): string {
    return this.getStringAttribute("version");
  }

  public get components(): string[] {
    return this.getListAttribute("components");
  }

  public get clusterDomain(): string {
    return this.getStringAttribute("cluster_domain");
  }

  public get interval(): string {
    return this.getStringAttribute("interval");
  }

  public get logLevel(): string {
    return this.getStringAttribute("log_level");
  }

  public get registry(): string {
    return this.getStringAttribute("registry");
  }

  public get networkPolicy(): IResolvable {
    return this.getBooleanAttribute("network_policy");
  }

  public get watchAllNamespaces(): IResolvable {
    return this.getBooleanAttribute("watch_all_namespaces");
  }

  public get keepNamespace(): IResolvable {
    return this.getBooleanAttribute("keep_namespace");
  }

  public get deleteGitManifests(): IResolvable {
    return this.getBooleanAttribute("delete_git_manifests");
  }

  public get embeddedManifests(): IResolvable {
    return this.getBooleanAttribute("embedded_manifests");
  }

  // --- Synthesis --------------------------------------------------------------------------------

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return this.attributes();
  }

  protected override synthesizeHclAttributes(): { [name: string]: unknown } {
    return toHclAttributes(this.attributes());
  }

  // Unset arguments stay undefined here; cdktf drops undefined values when it resolves the config.
  private attributes(): { [name: string]: unknown } {
    const c = this.config;
    const strings = listMapper(stringToTerraform, false);
    const t = c.timeouts;
    return {
      path: stringToTerraform(c.path),
      version: stringToTerraform(c.version),
      components: strings(c.components),
      components_extra: strings(c.componentsExtra),
      namespace: stringToTerraform(c.namespace),
      secret_name: stringToTerraform(c.secretName),
      cluster_domain: stringToTerraform(c.clusterDomain),
      network_policy: booleanToTerraform(c.networkPolicy),
      log_level: stringToTerraform(c.logLevel),
      watch_all_namespaces: booleanToTerraform(c.watchAllNamespaces),
      interval: stringToTerraform(c.interval),
      registry: stringToTerraform(c.registry),
      image_pull_secret: stringToTerraform(c.imagePullSecret),
      registry_credentials: stringToTerraform(c.registryCredentials),
      toleration_keys: strings(c.tolerationKeys),
      kustomization_override: stringToTerraform(c.kustomizationOverride),
      keep_namespace: booleanToTerraform(c.keepNamespace),
      delete_git_manifests: booleanToTerraform(c.deleteGitManifests),
      embedded_manifests: booleanToTerraform(c.embeddedManifests),
      recurse_submodules: booleanToTerraform(c.recurseSubmodules),
      disable_secret_creation: booleanToTerraform(c.disableSecretCreation),
      // Deprecated, but still accepted by the provider.
      manifests_path: stringToTerraform(c.manifestsPath),
      timeouts: t === undefined ? undefined : timeoutsToTerraform(t),
    };
  }
}

function timeoutsToTerraform(t: BootstrapGitTimeouts): { [name: string]: unknown } {
  return {
    create: stringToTerraform(t.create),
    read: stringToTerraform(t.read),
    update: stringToTerraform(t.update),
    delete: stringToTerraform(t.delete),
  };
}
