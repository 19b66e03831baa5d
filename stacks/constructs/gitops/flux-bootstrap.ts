import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { BootstrapGit, type FluxExtraComponent } from "../../bindings/flux/bootstrap-git";
import { FluxProvider } from "../../bindings/flux/provider";
import { eksClusterConnection, type EksClusterConnectionProps } from "./cluster-connection";

/** The image automation controllers: scan the registry, write new tags back to Git. */
export const IMAGE_AUTOMATION_COMPONENTS: readonly FluxExtraComponent[] = ["image-reflector-controller", "image-automation-controller"];

/** The cluster to install Flux into (see cluster-connection.ts) and the repository it syncs from. */
export interface FluxBootstrapProps extends EksClusterConnectionProps {
  /** Git URL in ssh:// form (the provider rejects scp-style `git@host:path`). */
  readonly gitUrl: string;
  /** Branch Flux syncs from. */
  readonly branch: string;
  /** PEM private key of the deploy key (a Terraform reference: it stays in state). */
  readonly sshPrivateKeyPem: string;
  /**
   * SHA256 fingerprint of the deploy key. Written into flux-system/kustomization.yaml, so that a
   * new key changes the bootstrap, whose update then writes the new key into the cluster's
   * flux-system Secret (the provider's own refresh never does).
   */
  readonly deployKeyFingerprint: string;
  /** Author of the bootstrap's commits. */
  readonly commitAuthor: { readonly name: string; readonly email: string };
  /** Path of the cluster in the repository, e.g. "clusters/flux-cluster". */
  readonly path: string;
  /** Reconcile interval of the flux-system objects, e.g. "1m0s". */
  readonly interval: string;
  /**
   * Create/update timeout; the bootstrap waits for every controller to be healthy.
   * @default "20m"
   */
  readonly timeout?: string;
  /**
   * What must exist first, e.g. the Pod Identity association of the image reflector (credentials
   * are injected when its pod is admitted). The deploy key and the branch protection that lets it
   * push live in the repository stack, which is deployed before this one.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** A JSON patch adding one argument to the controllers a `name` regex selects. */
function addArgument(argument: string, controllers: string): string[] {
  return [
    "  - patch: |",
    "      - op: add",
    "        path: /spec/template/spec/containers/0/args/-",
    `        value: ${argument}`,
    "    target:",
    "      kind: Deployment",
    `      name: "${controllers}"`,
  ];
}

/**
 * The multi-tenancy lock-down, as Flux documents it (and fluxcd/flux2-multi-tenancy applies):
 * no controller follows a reference into another namespace, kustomize-controller refuses remote
 * bases, and a Kustomization or HelmRelease that names no service account runs as `default` of
 * its namespace, which has no rights. The platform's own objects therefore name theirs: the
 * flux-system Kustomization (patched below), the layer Kustomizations (kustomize-controller) and
 * the infrastructure HelmReleases (helm-controller, in flux-system).
 */
export const LOCKDOWN_PATCHES: readonly string[] = [
  ...addArgument(
    "--no-cross-namespace-refs=true",
    "(kustomize-controller|helm-controller|notification-controller|image-reflector-controller|image-automation-controller)",
  ),
  ...addArgument("--no-remote-bases=true", "kustomize-controller"),
  ...addArgument("--default-service-account=default", "(kustomize-controller|helm-controller)"),
  "  - patch: |",
  "      - op: add",
  "        path: /spec/serviceAccountName",
  "        value: kustomize-controller",
  "    target:",
  "      kind: Kustomization",
  '      name: "flux-system"',
];

/** The feature gate of Flux's object-level workload identity (fluxcd/pkg auth/feature_gates.go; opt-in since Flux 2.6, still off by default in 2.9). */
export const OBJECT_LEVEL_WORKLOAD_IDENTITY_GATE = "--feature-gates=ObjectLevelWorkloadIdentity=true";

/**
 * Teams scan their own ECR repositories with their own identity: image-reflector-controller may
 * use an ImageRepository's `spec.serviceAccountName` to authenticate (object-level workload
 * identity). Without the gate, such an ImageRepository stalls with FeatureGateDisabled
 * (image-reflector-controller v1.2, internal/controller/imagerepository_controller.go). With it,
 * the reflector requests a token of that service account in the object's own namespace (audience
 * sts.amazonaws.com) and exchanges it with STS for the role the service account's
 * eks.amazonaws.com/role-arn annotation names: IRSA, which is the only AWS identity Flux 2.9
 * supports per object (EKS Pod Identity per object is fluxcd/flux2#6003). Flux's own RBAC already
 * lets the controllers get service accounts and create their tokens (ClusterRole crd-controller,
 * since Flux 2.6).
 *
 * An object that names no service account still uses the controller's own identity, the Pod
 * Identity of the platform's image scanning: that is how the platform's ImageRepositories (in
 * flux-system) keep working. `--default-service-account` is deliberately not set here, although
 * Flux's multi-tenancy guide lists it for this controller: with it, every ImageRepository naming
 * none, the platform's included, would use object-level identity through that service account
 * (fluxcd/pkg auth/access_token.go, getServiceAccountAndProviderInfo), which has no Pod Identity
 * form. The teams are kept off the controller's identity by an admission policy instead
 * (config_files/infrastructure/image-repository-identity.yaml). Cross-team token reuse is ruled
 * out by Flux itself: its token cache keys name the role and the service account.
 */
export const OBJECT_LEVEL_IDENTITY_PATCHES: readonly string[] = addArgument(OBJECT_LEVEL_WORKLOAD_IDENTITY_GATE, "image-reflector-controller");

/**
 * clusters/<cluster>/flux-system/kustomization.yaml: the bootstrap's own resources, the
 * multi-tenancy lock-down, object-level identity for the image reflector, and the fingerprint of the key the cluster pulls with. Changing the
 * key changes this file, which makes the next apply update the bootstrap; the update re-runs it
 * and rewrites the flux-system Secret.
 */
export function fluxSystemKustomization(deployKeyFingerprint: string): string {
  return [
    "# Written by flux_bootstrap_git (kustomization_override of the GitOps stack); edit the stack, not this file.",
    `# Flux deploy key: ${deployKeyFingerprint}`,
    "apiVersion: kustomize.config.k8s.io/v1beta1",
    "kind: Kustomization",
    "resources:",
    "  - gotk-components.yaml",
    "  - gotk-sync.yaml",
    "patches:",
    ...LOCKDOWN_PATCHES,
    ...OBJECT_LEVEL_IDENTITY_PATCHES,
    "",
  ].join("\n");
}

/**
 * Flux installed into the cluster and synced from the repository, with the image automation
 * controllers. Manifests are embedded in the provider (no download at plan time, as its
 * maintainers advise); the Flux version therefore follows the provider release pinned in
 * stacks/bindings/flux/provider.ts.
 */
export class FluxBootstrap extends Construct {
  readonly provider: FluxProvider;
  readonly bootstrap: BootstrapGit;

  constructor(scope: Construct, id: string, props: FluxBootstrapProps) {
    super(scope, id);

    this.provider = new FluxProvider(this, "provider", {
      // Endpoint, CA and a fresh `aws eks get-token` whenever needed (a slow bootstrap outlives a
      // token read once): the same connection as the GitOps stack's Kubernetes provider.
      kubernetes: eksClusterConnection(props),
      git: {
        url: props.gitUrl,
        branch: props.branch,
        authorName: props.commitAuthor.name,
        authorEmail: props.commitAuthor.email,
        ssh: { username: "git", privateKey: props.sshPrivateKeyPem },
      },
    });

    const timeout = props.timeout ?? "20m";
    this.bootstrap = new BootstrapGit(this, "bootstrap", {
      provider: this.provider,
      path: props.path,
      componentsExtra: [...IMAGE_AUTOMATION_COMPONENTS],
      embeddedManifests: true,
      interval: props.interval,
      networkPolicy: true,
      kustomizationOverride: fluxSystemKustomization(props.deployKeyFingerprint),
      // Destroy then only uninstalls Flux; the provider fails a destroy that finds nothing to
      // delete in Git, and the manifests are harmless history there.
      deleteGitManifests: false,
      timeouts: { create: timeout, update: timeout, read: "5m", delete: "10m" },
      dependsOn: props.dependsOn,
    });
  }
}
