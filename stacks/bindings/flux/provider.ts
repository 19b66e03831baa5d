/**
 * Hand-written cdktf binding for the `fluxcd/flux` Terraform provider configuration.
 *
 * No prebuilt binding exists and `cdktf get` cannot reach the registry from here, so the schema
 * below is transcribed from the provider's own schema (internal/provider/provider.go) and docs
 * (docs/index.md) of fluxcd/terraform-provider-flux.
 *
 * Unlike most providers, `kubernetes`, `git` and everything inside them are *nested attributes*
 * (plugin-framework SingleNestedAttribute), not blocks. Terraform JSON therefore needs plain
 * objects (`"kubernetes": {...}`), never the one-element arrays cdktf emits for blocks, and HCL
 * needs `kubernetes = { ... }`, not `kubernetes { ... }`.
 */
import type { Construct } from "constructs";
import { type IResolvable, Lazy, TerraformProvider, Tokenization, booleanToTerraform, hashMapper, listMapper, stringToTerraform } from "cdktf";

/** Registry address of the provider. */
export const FLUX_PROVIDER_SOURCE = "fluxcd/flux";
/**
 * The exact provider release: it embeds the Flux release (2.9.x) the manifests in config_files/ are
 * validated against. Moving it moves Flux; see the README ("Moving the Flux version").
 */
export const FLUX_PROVIDER_VERSION_CONSTRAINT = "1.9.5";

/** `kubernetes.exec`: an exec credential plugin run before the provider talks to the cluster. */
export interface FluxProviderKubernetesExec {
  /** Kubernetes client authentication API version, e.g. `client.authentication.k8s.io/v1beta1`. Required. */
  readonly apiVersion: string;
  /** Command to run, e.g. `aws`. Required. */
  readonly command: string;
  /** Arguments passed to the command. */
  readonly args?: string[];
  /**
   * Environment variables for the command. Names are emitted exactly as given (cdktf would
   * otherwise snake_case provider map keys, turning `AWS_PROFILE` into `aws_profile`).
   */
  readonly env?: { [name: string]: string };
}

/**
 * `kubernetes`: how the provider reaches the cluster (kubeconfig file, explicit credentials or an
 * exec plugin). All fields are optional. With neither `config_path` nor `config_paths` set, the
 * provider falls back to the `KUBE_CONFIG_PATH` / `KUBE_CONFIG_PATHS` environment variables.
 */
export interface FluxProviderKubernetes {
  /** Hostname (URI) of the Kubernetes API server. */
  readonly host?: string;
  /** PEM-encoded root certificate bundle for TLS authentication. */
  readonly clusterCaCertificate?: string;
  /**
   * Service-account token. Secret material, but NOT marked Sensitive in the provider schema:
   * Terraform does not redact it on its own.
   */
  readonly token?: string;
  /** PEM-encoded client certificate for TLS authentication. */
  readonly clientCertificate?: string;
  /** PEM-encoded client certificate key. Secret material, NOT marked Sensitive in the provider schema. */
  readonly clientKey?: string;
  /** Username for HTTP basic authentication to the API server. */
  readonly username?: string;
  /** Password for HTTP basic authentication. Secret material, NOT marked Sensitive in the provider schema. */
  readonly password?: string;
  /** Access the server without verifying its TLS certificate. */
  readonly insecure?: boolean | IResolvable;
  /** Path to a kubeconfig file. Can also be set with `KUBE_CONFIG_PATH`. */
  readonly configPath?: string;
  /** Paths to kubeconfig files (a set). Can also be set with `KUBE_CONFIG_PATHS`. */
  readonly configPaths?: string[];
  /** Kubeconfig context to use. */
  readonly configContext?: string;
  /** Kubeconfig user to use (`kubectl --user`). */
  readonly configContextAuthInfo?: string;
  /** Kubeconfig cluster to use (`kubectl --cluster`). */
  readonly configContextCluster?: string;
  /** Proxy URL for all API requests. */
  readonly proxyUrl?: string;
  /** Exec credential plugin, e.g. `aws eks get-token` on EKS. */
  readonly exec?: FluxProviderKubernetesExec;
}

/** `git.ssh`: SSH credentials for the bootstrap repository (only valid with an `ssh://` URL). */
export interface FluxProviderGitSsh {
  /** Username on the Git SSH server, e.g. `git`. */
  readonly username?: string;
  /** Password of the SSH private key. Sensitive. */
  readonly password?: string;
  /** Private key (PEM) used to authenticate to the Git SSH server. Sensitive. */
  readonly privateKey?: string;
  /** Host key algorithms to use, most preferred first. */
  readonly hostkeyAlgos?: string[];
}

/** `git.http`: HTTP(S) credentials for the bootstrap repository (only valid with an `http(s)://` URL). */
export interface FluxProviderGitHttp {
  /** Username for basic authentication. */
  readonly username?: string;
  /** Password (or access token) for basic authentication. Sensitive. */
  readonly password?: string;
  /** Allow plain `http://` URLs. Must be true when the URL scheme is `http`. */
  readonly allowInsecureHttp?: boolean | IResolvable;
  /** Certificate authority (PEM) to validate self-signed server certificates. */
  readonly certificateAuthority?: string;
}

/** `git`: the repository Flux is bootstrapped from and commits to. */
export interface FluxProviderGit {
  /** URL of the Git repository; scheme `ssh`, `https` or `http`. Required. */
  readonly url: string;
  /**
   * Branch to commit to and reconcile from.
   * @default "main"
   */
  readonly branch?: string;
  /**
   * Author name of the provider's commits.
   * @default "Flux"
   */
  readonly authorName?: string;
  /** Author email of the provider's commits. */
  readonly authorEmail?: string;
  /** Text appended to the provider's commit messages. */
  readonly commitMessageAppendix?: string;
  /** Path to the GPG key ring used to sign commits. */
  readonly gpgKeyRing?: string;
  /** Passphrase of the GPG private key. Sensitive. */
  readonly gpgPassphrase?: string;
  /** ID of the GPG key to sign with. */
  readonly gpgKeyId?: string;
  /** SSH credentials; set only with an `ssh://` URL. */
  readonly ssh?: FluxProviderGitSsh;
  /** HTTP(S) credentials; set only with an `http(s)://` URL. */
  readonly http?: FluxProviderGitHttp;
}

export interface FluxProviderConfig {
  /** Alias, for configuring more than one instance of the provider. */
  readonly alias?: string;
  /**
   * Cluster connection settings. The provider expects either both `kubernetes` and `git`, or
   * neither (then `flux_bootstrap_git` cannot be used).
   */
  readonly kubernetes?: FluxProviderKubernetes;
  /** Bootstrap repository settings. See `kubernetes` for the both-or-neither rule. */
  readonly git?: FluxProviderGit;
}

/** The `flux` provider (registry.terraform.io/providers/fluxcd/flux). */
export class FluxProvider extends TerraformProvider {
  public static readonly tfResourceType = "flux";

  private readonly config: FluxProviderConfig;
  private _alias?: string;

  constructor(scope: Construct, id: string, config: FluxProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: FluxProvider.tfResourceType,
      terraformGeneratorMetadata: {
        providerName: "flux",
        providerVersionConstraint: FLUX_PROVIDER_VERSION_CONSTRAINT,
      },
      terraformProviderSource: FLUX_PROVIDER_SOURCE,
    });
    this.config = config;
    this._alias = config.alias;
  }

  // The base class reads `alias` for the provider's fqn (`flux.<alias>`) and meta attributes.
  public override get alias(): string | undefined {
    return this._alias;
  }

  public override set alias(value: string | undefined) {
    this._alias = value;
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return this.attributes(false);
  }

  protected override synthesizeHclAttributes(): { [name: string]: unknown } {
    return toHclAttributes(this.attributes(true));
  }

  // `alias` is added by the base class (metaAttributes), so only the nested attributes are here.
  // Unset fields stay undefined here; cdktf drops undefined values when it resolves the config.
  private attributes(hcl: boolean): { [name: string]: unknown } {
    const { kubernetes, git } = this.config;
    return {
      kubernetes: kubernetes === undefined ? undefined : kubernetesToTerraform(kubernetes, hcl),
      git: git === undefined ? undefined : gitToTerraform(git),
    };
  }
}

function kubernetesToTerraform(k: FluxProviderKubernetes, hcl: boolean): { [name: string]: unknown } {
  return {
    host: stringToTerraform(k.host),
    cluster_ca_certificate: stringToTerraform(k.clusterCaCertificate),
    token: stringToTerraform(k.token),
    client_certificate: stringToTerraform(k.clientCertificate),
    client_key: stringToTerraform(k.clientKey),
    username: stringToTerraform(k.username),
    password: stringToTerraform(k.password),
    insecure: booleanToTerraform(k.insecure),
    config_path: stringToTerraform(k.configPath),
    config_paths: listMapper(stringToTerraform, false)(k.configPaths),
    config_context: stringToTerraform(k.configContext),
    config_context_auth_info: stringToTerraform(k.configContextAuthInfo),
    config_context_cluster: stringToTerraform(k.configContextCluster),
    proxy_url: stringToTerraform(k.proxyUrl),
    exec: k.exec === undefined ? undefined : execToTerraform(k.exec, hcl),
  };
}

function execToTerraform(e: FluxProviderKubernetesExec, hcl: boolean): { [name: string]: unknown } {
  const env: unknown = hashMapper(stringToTerraform)(e.env);
  return {
    api_version: stringToTerraform(e.apiVersion),
    command: stringToTerraform(e.command),
    args: listMapper(stringToTerraform, false)(e.args),
    // TerraformProvider snake_cases every key of its attributes, map keys included. A resolvable
    // is left alone by that pass and resolved afterwards, so the variable names survive verbatim.
    // The HCL escaping below cannot see inside it, so it is applied here first.
    env: env === undefined ? undefined : Lazy.anyValue({ produce: () => (hcl ? escapeForHcl(env) : env) }),
  };
}

function gitToTerraform(g: FluxProviderGit): { [name: string]: unknown } {
  const { ssh, http } = g;
  return {
    url: stringToTerraform(g.url),
    branch: stringToTerraform(g.branch),
    author_name: stringToTerraform(g.authorName),
    author_email: stringToTerraform(g.authorEmail),
    commit_message_appendix: stringToTerraform(g.commitMessageAppendix),
    gpg_key_ring: stringToTerraform(g.gpgKeyRing),
    gpg_passphrase: stringToTerraform(g.gpgPassphrase),
    gpg_key_id: stringToTerraform(g.gpgKeyId),
    ssh: ssh === undefined ? undefined : gitSshToTerraform(ssh),
    http: http === undefined ? undefined : gitHttpToTerraform(http),
  };
}

function gitSshToTerraform(ssh: FluxProviderGitSsh): { [name: string]: unknown } {
  return {
    username: stringToTerraform(ssh.username),
    password: stringToTerraform(ssh.password),
    private_key: stringToTerraform(ssh.privateKey),
    hostkey_algos: listMapper(stringToTerraform, false)(ssh.hostkeyAlgos),
  };
}

function gitHttpToTerraform(http: FluxProviderGitHttp): { [name: string]: unknown } {
  return {
    username: stringToTerraform(http.username),
    password: stringToTerraform(http.password),
    allow_insecure_http: booleanToTerraform(http.allowInsecureHttp),
    certificate_authority: stringToTerraform(http.certificateAuthority),
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers shared with the resource bindings in this folder.

/** One attribute as cdktf's HCL renderer expects it (see synthesizeHclAttributes in cdktf). */
export interface HclAttribute {
  readonly value: unknown;
  readonly isBlock: false;
  readonly type: "simple" | "list" | "any";
  readonly storageClassType: string;
}

/**
 * Describes snake_case attributes for `Testing.synthHcl` / `cdktf synth --hcl`. Everything here is
 * an attribute (`name = value`), nothing a block. Nested objects go through cdktf's generic
 * expression renderer, which neither escapes nor heredocs, so their strings are escaped first.
 */
export function toHclAttributes(attrs: { [name: string]: unknown }): { [name: string]: HclAttribute } {
  const result: { [name: string]: HclAttribute } = {};
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (typeof value === "string") {
      result[name] = { value, isBlock: false, type: "simple", storageClassType: "string" };
    } else if (typeof value === "boolean" || typeof value === "number") {
      result[name] = { value, isBlock: false, type: "simple", storageClassType: typeof value };
    } else if (Array.isArray(value)) {
      // Every list/set argument of this provider holds strings.
      result[name] = { value, isBlock: false, type: "list", storageClassType: "stringList" };
    } else {
      // Nested attribute objects and unresolved tokens (booleans, lists and maps given as tokens).
      result[name] = { value: escapeForHcl(value), isBlock: false, type: "any", storageClassType: "any" };
    }
  }
  return result;
}

/** Escapes backslashes, quotes and line breaks in the plain strings of a nested value. */
function escapeForHcl(value: unknown): unknown {
  if (typeof value === "string") {
    return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r/g, "\\r").replace(/\n/g, "\\n");
  }
  if (Array.isArray(value)) return value.map(escapeForHcl);
  if (value !== null && typeof value === "object" && !Tokenization.isResolvable(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeForHcl(v)]));
  }
  return value;
}
