/*
 * The GitOps repository's layout: every path this program writes to, who owns each file, and
 * the order the files are committed in. Flux's own files (clusters/<cluster>/flux-system/) are
 * written by flux_bootstrap_git and listed here only so that the layout is complete.
 *
 *   clusters/<cluster>/                Flux objects only; Flux's flux-system Kustomization applies
 *     flux-system/                       this folder (it has no kustomization.yaml, so
 *     infrastructure.yaml                kustomize-controller generates one listing every YAML file
 *     apps.yaml                          below it and taking flux-system/ as one entry)
 *     tenants.yaml                       the tenants layer's Kustomization (when the cluster has teams)
 *     images/<app>.yaml                  ImageRepository and ImagePolicy of one app
 *     image-automation.yaml              one ImageUpdateAutomation for every app
 *     notifications.yaml                 Provider and Alert: commit statuses to GitLab (flux.commitStatuses),
 *                                          committed last, after Terraform created the token's Secret
 *   infrastructure/<cluster>/          the infrastructure layer: what makes the cluster usable
 *     kustomization.yaml, cluster-autoscaler.yaml,
 *     image-repository-identity.yaml      the admission policy that keeps teams off the reflector's identity
 *   tenants/<cluster>/                 the tenants layer (when the cluster has teams)
 *     kustomization.yaml                 lists the team folders
 *     <team>/namespaces/<ns>.yaml        a team namespace and the team's admin RoleBinding in it
 *     <team>/service-account.yaml, cluster-vars.yaml, sync.yaml, kustomization.yaml
 *     <team>/ecr-reader.yaml             the team's ECR reader service account (teams with ECR repositories)
 *   apps/<cluster>/                    the apps layer, applied after infrastructure is Ready
 *     kustomization.yaml                 lists the namespaces and the app folders
 *     namespaces/<namespace>.yaml        one per namespace (apps may share one)
 *     <app>/kustomization.yaml, deployment.yaml, service.yaml
 *     <app>/image/kustomization.yaml     the image name and tag: the only file Flux rewrites
 *     <app>/autoscaling/                 a HorizontalPodAutoscaler component, when the app asks for one
 *
 * Why this split: kustomize-controller builds a path all-or-nothing, and the Flux provider
 * re-bootstraps (and then fails) whenever flux-system is not Ready. Keeping the manifests out of
 * clusters/<cluster>/ means a half-written app can never break the build of flux-system; the
 * commit order (see stacks/manifests/cluster-files.ts) keeps every path buildable after every
 * single commit, up and down: Terraform creates and updates files in the order given and deletes
 * removed files afterwards, newest first.
 */
import { fluxAddons } from "./addons";

/** Who writes a file after Terraform created it. */
export type FileOwner =
  /** Terraform: every deploy writes the rendered template. */
  | "terraform"
  /** Flux image automation: Terraform creates the file once and then never reverts Flux's commits. */
  | "flux";

/** One file of a template layer: config_files/<layer>/<path> is committed to <layer base>/<path>. */
export interface LayerFile {
  /** POSIX path relative to the layer's template folder and to its folder in the repository. */
  readonly path: string;
  readonly owner: FileOwner;
}

/** A folder of templates rendered into one folder of the repository. */
export interface TemplateLayer {
  /** Folder under config_files/. */
  readonly templateDir: string;
  /** Every template of the layer, in commit order (destroy removes them in reverse). */
  readonly files: readonly LayerFile[];
}

/** The file of a folder that lists the others: committed after them, removed before them. */
export const INDEX_FILE = "kustomization.yaml";

/** The infrastructure layer of a cluster, rendered into infrastructure/<cluster>/. */
export const INFRASTRUCTURE_LAYER: TemplateLayer = {
  templateDir: "infrastructure",
  files: [
    { path: "image-repository-identity.yaml", owner: "terraform" },
    // Each add-on Flux installs (stacks/addons/), in the registry's order.
    ...fluxAddons().map((addon): LayerFile => ({ path: addon.templateFile, owner: "terraform" })),
    { path: INDEX_FILE, owner: "terraform" },
  ],
};

/** One namespace of the apps layer, rendered into apps/<cluster>/namespaces/<namespace>.yaml. */
export const NAMESPACE_LAYER: TemplateLayer = {
  templateDir: "namespace",
  files: [{ path: "namespace.yaml", owner: "terraform" }],
};

/**
 * One app, rendered into apps/<cluster>/<app>/. The objects come first and the kustomization.yaml
 * that lists them last, so the folder builds as soon as it has a kustomization.yaml.
 */
export const APP_LAYER: TemplateLayer = {
  templateDir: "app",
  files: [
    { path: "service.yaml", owner: "terraform" },
    { path: "deployment.yaml", owner: "terraform" },
    { path: "pdb.yaml", owner: "terraform" },
    { path: "image/kustomization.yaml", owner: "flux" },
    { path: INDEX_FILE, owner: "terraform" },
  ],
};

/** An app's HorizontalPodAutoscaler component, rendered into apps/<cluster>/<app>/autoscaling/ before the app's kustomization.yaml. */
export const APP_AUTOSCALING_LAYER: TemplateLayer = {
  templateDir: "app-autoscaling",
  files: [
    { path: "hpa.yaml", owner: "terraform" },
    { path: INDEX_FILE, owner: "terraform" },
  ],
};

/** The apps layer's own kustomization.yaml, listing the namespaces and the app folders. */
export const APPS_INDEX_LAYER: TemplateLayer = {
  templateDir: "apps",
  files: [{ path: INDEX_FILE, owner: "terraform" }],
};

/**
 * The Flux objects of a cluster, rendered into clusters/<cluster>/ after both layers' folders are
 * complete: the layer Kustomizations first, image automation last (after the apps' image
 * policies), so Flux starts committing to the branch only once Terraform's own commits are done.
 */
export const CLUSTER_LAYER: TemplateLayer = {
  templateDir: "cluster",
  files: [
    { path: "infrastructure.yaml", owner: "terraform" },
    { path: "apps.yaml", owner: "terraform" },
    { path: "image-automation.yaml", owner: "terraform" },
  ],
};

/** The ImageRepository and ImagePolicy of one app, rendered into clusters/<cluster>/images/<app>.yaml. */
export const IMAGE_POLICY_LAYER: TemplateLayer = {
  templateDir: "image-policy",
  files: [{ path: "image-policy.yaml", owner: "terraform" }],
};

/**
 * The cluster's GitLab commit statuses (flux.commitStatuses), rendered into
 * clusters/<cluster>/notifications.yaml after everything else: the Secret it names exists by then
 * (Terraform creates it first), and it reports on Kustomizations that are all in place.
 */
export const NOTIFICATIONS_LAYER: TemplateLayer = {
  templateDir: "notifications",
  files: [{ path: "notifications.yaml", owner: "terraform" }],
};

/** One namespace of a team, with the team's rights there: tenants/<cluster>/<team>/namespaces/<namespace>.yaml. */
export const TENANT_NAMESPACE_LAYER: TemplateLayer = {
  templateDir: "tenant-namespace",
  files: [{ path: "namespace.yaml", owner: "terraform" }],
};

/** One team, rendered into tenants/<cluster>/<team>/ after its namespaces; kustomization.yaml last. */
export const TENANT_LAYER: TemplateLayer = {
  templateDir: "tenant",
  files: [
    { path: "service-account.yaml", owner: "terraform" },
    { path: "cluster-vars.yaml", owner: "terraform" },
    { path: "sync.yaml", owner: "terraform" },
    { path: INDEX_FILE, owner: "terraform" },
  ],
};

/**
 * The service account a team's ImageRepositories scan its ECR repositories with (IRSA), for a team
 * with ECR repositories: tenants/<cluster>/<team>/ecr-reader.yaml, after the team's
 * service-account.yaml and before its sync.
 */
export const TENANT_IMAGE_READER_LAYER: TemplateLayer = {
  templateDir: "tenant-image-reader",
  files: [{ path: "service-account.yaml", owner: "terraform" }],
};

/** The tenants layer's own kustomization.yaml, listing the team folders. */
export const TENANTS_INDEX_LAYER: TemplateLayer = {
  templateDir: "tenants",
  files: [{ path: INDEX_FILE, owner: "terraform" }],
};

/** The Flux Kustomization of the tenants layer: clusters/<cluster>/tenants.yaml, when the cluster has teams. */
export const TENANTS_SYNC_LAYER: TemplateLayer = {
  templateDir: "cluster-tenants",
  files: [{ path: "tenants.yaml", owner: "terraform" }],
};

/** Every template layer: each folder of config_files/ is one of them. */
export const ALL_LAYERS: readonly TemplateLayer[] = [
  INFRASTRUCTURE_LAYER,
  NAMESPACE_LAYER,
  APP_LAYER,
  APP_AUTOSCALING_LAYER,
  APPS_INDEX_LAYER,
  CLUSTER_LAYER,
  IMAGE_POLICY_LAYER,
  NOTIFICATIONS_LAYER,
  TENANT_NAMESPACE_LAYER,
  TENANT_LAYER,
  TENANT_IMAGE_READER_LAYER,
  TENANTS_INDEX_LAYER,
  TENANTS_SYNC_LAYER,
];

/** Paths in the GitOps repository, relative to its root, without leading "./". */
export const repositoryPaths = {
  /** Where flux_bootstrap_git points Flux, and where the cluster's Flux objects live. */
  cluster: (cluster: string) => `clusters/${cluster}`,
  /** Written by flux_bootstrap_git. */
  fluxSystem: (cluster: string) => `clusters/${cluster}/flux-system`,
  /** The ImageRepository and ImagePolicy of one app. */
  imagePolicy: (cluster: string, app: string) => `clusters/${cluster}/images/${app}.yaml`,
  /** The Provider and Alert that post commit statuses to GitLab (when flux.commitStatuses is on). */
  notifications: (cluster: string) => `clusters/${cluster}/notifications.yaml`,
  /** The infrastructure layer of a cluster. */
  infrastructureLayer: (cluster: string) => `infrastructure/${cluster}`,
  /** The apps layer of a cluster: its kustomization.yaml, the namespaces and one folder per app. */
  appsLayer: (cluster: string) => `apps/${cluster}`,
  namespace: (cluster: string, namespace: string) => `apps/${cluster}/namespaces/${namespace}.yaml`,
  app: (cluster: string, app: string) => `apps/${cluster}/${app}`,
  appAutoscaling: (cluster: string, app: string) => `apps/${cluster}/${app}/autoscaling`,
  /** The tenants layer of a cluster: one folder per team. */
  tenantsLayer: (cluster: string) => `tenants/${cluster}`,
  tenant: (cluster: string, team: string) => `tenants/${cluster}/${team}`,
  tenantNamespace: (cluster: string, team: string, namespace: string) => `tenants/${cluster}/${team}/namespaces/${namespace}.yaml`,
  /** A team's ECR reader service account (teams with ECR repositories). */
  tenantImageReader: (cluster: string, team: string) => `tenants/${cluster}/${team}/ecr-reader.yaml`,
  tenantsSync: (cluster: string) => `clusters/${cluster}/tenants.yaml`,
  /** Where image automation looks for setter markers: the whole apps layer of the cluster. */
  imageUpdates: (cluster: string) => `apps/${cluster}`,
} as const;

/** A Flux `spec.path`: relative to the repository root, with the "./" Flux's docs use. */
export function fluxPath(repositoryPath: string): string {
  return `./${repositoryPath}`;
}
