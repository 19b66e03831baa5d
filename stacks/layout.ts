/*
 * The GitOps repository's layout: every path this program writes to, who owns each file, and
 * the order the files are committed in. Flux's own files (clusters/<cluster>/flux-system/) are
 * written by flux_bootstrap_git and listed here only so that the layout is complete.
 *
 *   clusters/<cluster>/               Flux objects only; Flux's flux-system Kustomization applies
 *     flux-system/                      this folder (it has no kustomization.yaml, so
 *     apps.yaml                         kustomize-controller generates one listing every YAML file
 *     image-automation.yaml             below it and taking flux-system/ as one entry)
 *   apps/<cluster>/                   the apps layer, applied by the "apps" Kustomization
 *     <app>/kustomization.yaml, namespace.yaml, deployment.yaml, service.yaml
 *     <app>/image/kustomization.yaml  the image name and tag: the only file Flux rewrites
 *
 * Why this split: kustomize-controller builds a path all-or-nothing, and the Flux provider
 * re-bootstraps (and then fails) whenever flux-system is not Ready. Keeping the manifests out of
 * clusters/<cluster>/ means a half-written app can never break the build of flux-system; the
 * commit order below keeps every path buildable after every single commit, up and down.
 */

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

/**
 * One app, rendered into apps/<cluster>/<app>/. The objects come first and the kustomization.yaml
 * that lists them last, so the folder builds as soon as it has a kustomization.yaml.
 */
export const APP_LAYER: TemplateLayer = {
  templateDir: "app",
  files: [
    { path: "namespace.yaml", owner: "terraform" },
    { path: "service.yaml", owner: "terraform" },
    { path: "deployment.yaml", owner: "terraform" },
    { path: "image/kustomization.yaml", owner: "flux" },
    { path: "kustomization.yaml", owner: "terraform" },
  ],
};

/**
 * The Flux objects of a cluster, rendered into clusters/<cluster>/ after every app folder exists:
 * the apps Kustomization first (its path is complete by then), image automation last, so Flux
 * starts committing to the branch only once Terraform's own commits are done.
 */
export const CLUSTER_LAYER: TemplateLayer = {
  templateDir: "cluster",
  files: [
    { path: "apps.yaml", owner: "terraform" },
    { path: "image-automation.yaml", owner: "terraform" },
  ],
};

/** Paths in the GitOps repository, relative to its root, without leading "./". */
export const repositoryPaths = {
  /** Where flux_bootstrap_git points Flux, and where the cluster's Flux objects live. */
  cluster: (cluster: string) => `clusters/${cluster}`,
  /** Written by flux_bootstrap_git. */
  fluxSystem: (cluster: string) => `clusters/${cluster}/flux-system`,
  /** The apps layer of a cluster: one folder per app, no kustomization.yaml of its own. */
  appsLayer: (cluster: string) => `apps/${cluster}`,
  app: (cluster: string, app: string) => `apps/${cluster}/${app}`,
  /** Where image automation looks for setter markers: the whole apps layer of the cluster. */
  imageUpdates: (cluster: string) => `apps/${cluster}`,
} as const;

/** A Flux `spec.path`: relative to the repository root, with the "./" Flux's docs use. */
export function fluxPath(repositoryPath: string): string {
  return `./${repositoryPath}`;
}
