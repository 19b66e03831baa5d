import { APP_LAYER, CLUSTER_LAYER, repositoryPaths } from "../layout";
import type { RepositoryFileSpec } from "../constructs/gitops/repository-files";
import type { ClusterSettings, GitLabSettings } from "../settings/schema";
import { renderLayer, type RenderedFile, type RenderOptions } from "./render";
import { appTemplateValues, clusterTemplateValues } from "./values";

/**
 * Every file Terraform commits for one cluster, rendered and checked, in commit order: the app
 * folders first, then the cluster's Flux objects, whose apps Kustomization then finds its path
 * complete (see stacks/layout.ts). `ecrRepositoryUrl` is usually a cross-stack reference.
 */
export function renderClusterFiles(
  cluster: ClusterSettings,
  gitlab: GitLabSettings,
  ecrRepositoryUrl: string,
  options: RenderOptions = {},
): RepositoryFileSpec[] {
  const under = (base: string, files: RenderedFile[]) => files.map((f) => ({ ...f, path: `${base}/${f.path}` }));
  return [
    ...under(repositoryPaths.app(cluster.name, cluster.app.name), renderLayer(APP_LAYER, appTemplateValues(cluster, ecrRepositoryUrl), options)),
    ...under(repositoryPaths.cluster(cluster.name), renderLayer(CLUSTER_LAYER, clusterTemplateValues(cluster, gitlab, ecrRepositoryUrl), options)),
  ];
}
