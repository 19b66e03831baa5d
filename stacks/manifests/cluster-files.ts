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
  TENANT_IMAGE_READER_LAYER,
  TENANT_LAYER,
  TENANT_NAMESPACE_LAYER,
  TENANTS_INDEX_LAYER,
  TENANTS_SYNC_LAYER,
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
  tenantsTemplateValues,
  tenantTemplateValues,
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
  /**
   * The AWS account of the cluster (usually a token), for the teams' cluster variables.
   * Required when the cluster has teams, unused otherwise.
   */
  readonly awsAccountId?: string;
  /**
   * ARN of each team's image reader role, by team name (usually cross-stack references): what its
   * ECR reader service account is annotated with. Required for every team with ECR repositories.
   * @default {} (no team has ECR repositories)
   */
  readonly teamImageReaderRoleArns?: Readonly<Record<string, string>>;
}

/** Rendered files placed under a folder of the repository. */
const under = (base: string, files: RenderedFile[]) => files.map((f) => ({ ...f, path: `${base}/${f.path}` }));
/** A one-file layer rendered to a path of its own (e.g. namespaces/<namespace>.yaml). */
const renamed = (target: string, files: RenderedFile[]) => files.map((f) => ({ ...f, path: target }));

/**
 * Every file Terraform commits for one cluster, rendered and checked, in commit order:
 * 1. the infrastructure layer (objects, then its kustomization.yaml);
 * 2. the tenants layer, when the cluster has teams: each team's namespace files, its own files
 *    (with ECR repositories, its ECR reader after its service account), its kustomization.yaml,
 *    then the layer's kustomization.yaml listing the teams;
 * 3. the apps layer: the namespaces first (so that moving a Namespace between files never leaves
 *    it out of a build, which would make Flux prune it), then each app's folder, its
 *    kustomization.yaml last, then the layer's kustomization.yaml listing them;
 * 4. the cluster's Flux objects: the layer Kustomizations, whose paths are complete by then, each
 *    app's image objects, and the image automation;
 * 5. with flux.commitStatuses, the notifications (Provider and Alert) last: the Secret they name is
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
  const teams = tenants(cluster, gitlab, options);

  return [
    ...under(repositoryPaths.infrastructureLayer(cluster.name), renderLayer(INFRASTRUCTURE_LAYER, infrastructureTemplateValues(cluster), options)),
    ...teams.layer,
    ...appNamespaces(cluster).flatMap((ns) =>
      renamed(repositoryPaths.namespace(cluster.name, ns.namespace), renderLayer(NAMESPACE_LAYER, namespaceTemplateValues(cluster, ns), options)),
    ),
    ...apps,
    ...under(repositoryPaths.appsLayer(cluster.name), renderLayer(APPS_INDEX_LAYER, appsIndexTemplateValues(cluster), options)),
    ...clusterFile(infrastructureIndex),
    ...clusterFile(appsIndex),
    ...teams.sync,
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
  return renamed(repositoryPaths.notifications(cluster.name), renderLayer(NOTIFICATIONS_LAYER, values, renderOptions));
}

/**
 * The tenants layer (each team's folder, then the layer's kustomization.yaml) and its Flux
 * Kustomization, when the cluster has teams; nothing otherwise.
 */
function tenants(cluster: ClusterSettings, gitlab: GitLabSettings, options: ClusterFilesOptions): { layer: RepositoryFileSpec[]; sync: RepositoryFileSpec[] } {
  if (cluster.tenants.length === 0) return { layer: [], sync: [] };
  const { awsAccountId, gitlabProjectAddress: _unused, teamImageReaderRoleArns = {}, ...renderOptions } = options;
  // A caller's mistake, not the user's: the stack always passes it.
  if (awsAccountId === undefined) throw new Error(`cluster ${cluster.name}: teams need the AWS account id`);
  const layer = cluster.tenants.flatMap((tenant) => {
    const folder = repositoryPaths.tenant(cluster.name, tenant.name);
    const readerArn = tenant.ecrRepositories.length > 0 ? teamImageReaderRoleArns[tenant.name] : undefined;
    // Likewise: the cluster stack creates a role for every team with repositories.
    if (tenant.ecrRepositories.length > 0 && readerArn === undefined) throw new Error(`cluster ${cluster.name}: no image reader role for team ${tenant.name}`);
    const values = (ns?: string) => tenantTemplateValues(cluster, gitlab, tenant, awsAccountId, readerArn, ns);
    const namespaces = tenant.namespaces.flatMap((ns) =>
      renamed(repositoryPaths.tenantNamespace(cluster.name, tenant.name, ns), renderLayer(TENANT_NAMESPACE_LAYER, values(ns), renderOptions)),
    );
    // A team with several namespaces has no targetNamespace: its manifests say where they go.
    const own = under(folder, renderLayer(TENANT_LAYER, values(), renderOptions)).map((f) =>
      tenant.namespaces.length > 1 && f.path === `${folder}/sync.yaml` ? { ...f, content: withoutTargetNamespace(f.content) } : f,
    );
    const reader = readerArn
      ? renamed(repositoryPaths.tenantImageReader(cluster.name, tenant.name), renderLayer(TENANT_IMAGE_READER_LAYER, values(), renderOptions))
      : [];
    // Its ECR reader right after the team's service account, as its kustomization.yaml lists them.
    const at = own.findIndex((f) => f.path === `${folder}/service-account.yaml`) + 1;
    return [...namespaces, ...own.slice(0, at), ...reader, ...own.slice(at)];
  });
  const values = tenantsTemplateValues(cluster);
  return {
    layer: [...layer, ...under(repositoryPaths.tenantsLayer(cluster.name), renderLayer(TENANTS_INDEX_LAYER, values, renderOptions))],
    sync: renamed(repositoryPaths.tenantsSync(cluster.name), renderLayer(TENANTS_SYNC_LAYER, values, renderOptions)),
  };
}

/** The team sync without its targetNamespace line and the two comment lines above it. */
function withoutTargetNamespace(content: string): string {
  const out = content.replace(/^( {2}#[^\n]*\n){2} {2}targetNamespace: [^\n]*\n/m, "");
  if (out === content) throw new Error("config_files/tenant/sync.yaml: no targetNamespace line to drop");
  return out;
}
