import * as path from "path";

/*
 * Where things are in the GitOps repository: the folders and files of each layer, and how one file
 * names another. stacks/layout.ts declares which file lives where (by role) from these.
 */

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
  /** What needs the infrastructure layer's CRDs, for a cluster with `dns`. */
  infrastructureConfigsLayer: (cluster: string) => `infrastructure-configs/${cluster}`,
  infrastructureConfigsSync: (cluster: string) => `clusters/${cluster}/infrastructure-configs.yaml`,
  /** The apps layer of a cluster: its kustomization.yaml, the namespaces and one folder per app. */
  appsLayer: (cluster: string) => `apps/${cluster}`,
  namespace: (cluster: string, namespace: string) => `apps/${cluster}/namespaces/${namespace}.yaml`,
  app: (cluster: string, app: string) => `apps/${cluster}/${app}`,
  appAutoscaling: (cluster: string, app: string) => `apps/${cluster}/${app}/autoscaling`,
  appExpose: (cluster: string, app: string) => `apps/${cluster}/${app}/expose`,
  /**
   * The teams layer of a cluster: one folder per team. The folder (and clusters/<cluster>/tenants.yaml,
   * the Kustomization `tenants`, the label toolkit.fluxcd.io/tenant, the variable TENANT_NAME)
   * keep the names Flux's multi-tenancy guides give them, and so do the template folders that
   * render them (config_files/tenant/ and the other tenant folders, named in each file's Owner
   * line): settings and code say "team", but renaming what is in Git would move every team's
   * files and recreate its Kustomization on the next deploy.
   */
  teamsLayer: (cluster: string) => `tenants/${cluster}`,
  team: (cluster: string, team: string) => `tenants/${cluster}/${team}`,
  teamNamespace: (cluster: string, team: string, namespace: string) => `tenants/${cluster}/${team}/namespaces/${namespace}.yaml`,
  /** A team's ECR reader service account (teams with ECR repositories). */
  teamImageReader: (cluster: string, team: string) => `tenants/${cluster}/${team}/ecr-reader.yaml`,
  teamsSync: (cluster: string) => `clusters/${cluster}/tenants.yaml`,
  /** Where image automation looks for setter markers: the whole apps layer of the cluster. */
  imageUpdates: (cluster: string) => `apps/${cluster}`,
} as const;

/** A Flux `spec.path`: relative to the repository root, with the "./" Flux's docs use. */
export function fluxPath(repositoryPath: string): string {
  return `./${repositoryPath}`;
}

/**
 * How a repository file names another one (a kustomization.yaml its resources, a component its
 * folder): `to` relative to the folder of `from`, both relative to the repository root.
 */
export function relativePath(from: string, to: string): string {
  return path.posix.relative(path.posix.dirname(from), to);
}
