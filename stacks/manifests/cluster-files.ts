import {
  APP_AUTOSCALING_LAYER,
  APP_LAYER,
  APPS_INDEX_LAYER,
  CLUSTER_LAYER,
  IMAGE_POLICY_LAYER,
  INDEX_FILE,
  INFRASTRUCTURE_LAYER,
  NAMESPACE_LAYER,
  NOTIFICATIONS_LAYER,
  repositoryPaths,
} from "../layout";
import type { RepositoryFileSpec } from "../constructs/gitops/repository-files";
import type { ClusterSettings, GitLabSettings } from "../settings/schema";
import { renderLayer, type RenderedFile, type RenderOptions } from "./render";
import {
  appNamespaces,
  appTemplateValues,
  appsIndexTemplateValues,
  clusterTemplateValues,
  imagePolicyTemplateValues,
  infrastructureTemplateValues,
  namespaceTemplateValues,
  notificationsTemplateValues,
} from "./values";

/** The URL of each app's ECR repository, by app name (usually cross-stack references). */
export type EcrRepositoryUrls = Readonly<Record<string, string>>;

/** How the files are rendered (see RenderOptions), and the values only the stack knows. */
export interface ClusterFilesOptions extends RenderOptions {
  /**
   * The address of the GitLab project for Flux's commit statuses, `<GitLab base URL>/<numeric
   * project id>` (gitlabProjectAddress in ./values); usually a token, as the id is read at plan time.
   * Required when the cluster's flux.commitStatuses is on, unused otherwise.
   */
  readonly gitlabProjectAddress?: string;
}

/**
 * Every file Terraform commits for one cluster, rendered and checked, in commit order:
 * 1. the infrastructure layer (objects, then its kustomization.yaml);
 * 2. the apps layer: the namespaces first (so that moving a Namespace between files never leaves
 *    it out of a build, which would make Flux prune it), then each app's folder, its
 *    kustomization.yaml last, then the layer's kustomization.yaml listing them;
 * 3. the cluster's Flux objects: the layer Kustomizations, whose paths are complete by then, each
 *    app's image objects, and the image automation;
 * 4. with flux.commitStatuses, the notifications (Provider and Alert) last: the Secret they name is
 *    created before the first commit of the chain (see stacks/gitops-stack.ts).
 * Terraform deletes removed files after every creation and update, newest first, so a removed app
 * leaves the layer's kustomization.yaml before its folder goes.
 */
export function renderClusterFiles(
  cluster: ClusterSettings,
  gitlab: GitLabSettings,
  ecrRepositoryUrls: EcrRepositoryUrls,
  options: ClusterFilesOptions = {},
): RepositoryFileSpec[] {
  const under = (base: string, files: RenderedFile[]) => files.map((f) => ({ ...f, path: `${base}/${f.path}` }));
  const renamed = (target: string, files: RenderedFile[]) => files.map((f) => ({ ...f, path: target }));
  const urlOf = (app: string) => {
    const url = ecrRepositoryUrls[app];
    if (url === undefined) throw new Error(`no ECR repository URL for app ${app}`);
    return url;
  };

  const apps = cluster.apps.flatMap((app) => {
    const values = appTemplateValues(cluster, app, urlOf(app.name));
    const files = under(repositoryPaths.app(cluster.name, app.name), renderLayer(APP_LAYER, values, options));
    const index = files.filter((f) => f.path.endsWith(`/${INDEX_FILE}`) && !f.path.includes("/image/"));
    const autoscaling = app.autoscaling
      ? under(repositoryPaths.appAutoscaling(cluster.name, app.name), renderLayer(APP_AUTOSCALING_LAYER, values, options))
      : [];
    return [...files.filter((f) => !index.includes(f)), ...autoscaling, ...index];
  });
  const [infrastructureIndex, appsIndex, imageAutomation] = CLUSTER_LAYER.files.map((f) => f.path);
  const clusterFiles = under(repositoryPaths.cluster(cluster.name), renderLayer(CLUSTER_LAYER, clusterTemplateValues(cluster, gitlab), options));
  const clusterFile = (name: string) => clusterFiles.filter((f) => f.path.endsWith(`/${name}`));

  return [
    ...under(repositoryPaths.infrastructureLayer(cluster.name), renderLayer(INFRASTRUCTURE_LAYER, infrastructureTemplateValues(cluster), options)),
    ...appNamespaces(cluster).flatMap((ns) =>
      renamed(repositoryPaths.namespace(cluster.name, ns.namespace), renderLayer(NAMESPACE_LAYER, namespaceTemplateValues(cluster, ns), options)),
    ),
    ...apps,
    ...under(repositoryPaths.appsLayer(cluster.name), renderLayer(APPS_INDEX_LAYER, appsIndexTemplateValues(cluster), options)),
    ...clusterFile(infrastructureIndex),
    ...clusterFile(appsIndex),
    ...cluster.apps.flatMap((app) =>
      renamed(
        repositoryPaths.imagePolicy(cluster.name, app.name),
        renderLayer(IMAGE_POLICY_LAYER, imagePolicyTemplateValues(cluster, app, urlOf(app.name)), options),
      ),
    ),
    ...clusterFile(imageAutomation),
    ...notifications(cluster, options),
  ];
}

/** clusters/<cluster>/notifications.yaml when the cluster posts commit statuses, else nothing. */
function notifications(cluster: ClusterSettings, options: ClusterFilesOptions): RepositoryFileSpec[] {
  if (!cluster.flux.commitStatuses) return [];
  const { gitlabProjectAddress, ...renderOptions } = options;
  // A caller's mistake, not the user's: the stack always passes it.
  if (gitlabProjectAddress === undefined) throw new Error(`cluster ${cluster.name}: commit statuses need the GitLab project address`);
  const values = notificationsTemplateValues(cluster, gitlabProjectAddress);
  return renderLayer(NOTIFICATIONS_LAYER, values, renderOptions).map((f) => ({ ...f, path: repositoryPaths.notifications(cluster.name) }));
}
