import {
  APP_AUTOSCALING_LAYER,
  APP_EXPOSE_LAYER,
  APP_LAYER,
  APPS_INDEX_LAYER,
  CLUSTER_LAYER,
  declaredFile,
  fileWithRole,
  type FileRole,
  IMAGE_POLICY_LAYER,
  INFRASTRUCTURE_CONFIGS_LAYER,
  INFRASTRUCTURE_CONFIGS_SYNC_LAYER,
  INFRASTRUCTURE_LAYER,
  NAMESPACE_LAYER,
  NOTIFICATIONS_LAYER,
  type Place,
  TEAM_IMAGE_READER_LAYER,
  TEAM_LAYER,
  TEAM_NAMESPACE_LAYER,
  TEAMS_INDEX_LAYER,
  TEAMS_SYNC_LAYER,
  type TemplateLayer,
} from "../layout";
import type { RepositoryFileSpec } from "../constructs/gitops/repository-files";
import type { ClusterSettings, GitLabSettings } from "../settings/schema";
import { renderLayer, type RenderOptions, type TemplateValues } from "./render";
import {
  appNamespaces,
  appTemplateValues,
  appsIndexTemplateValues,
  clusterTemplateValues,
  imagePolicyTemplateValues,
  infrastructureRoles,
  infrastructureTemplateValues,
  namespaceTemplateValues,
  notificationsTemplateValues,
} from "./values";
import { appExposeTemplateValues, infrastructureConfigsTemplateValues } from "./expose-values";
import { teamFolderRoles, teamsTemplateValues, teamTemplateValues } from "./team-values";

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

/** A rendered file at its place in the repository, with the role the layout declares it by (for finding it, not committed). */
export type PlacedFile = RepositoryFileSpec & { readonly role: FileRole };

/** Every file of `layer` for the place `at`, rendered and checked, at its declared path, in the layer's commit order. */
function renderAt(layer: TemplateLayer, at: Place, values: TemplateValues, options: RenderOptions): PlacedFile[] {
  // Every layer passed here is one of ALL_LAYERS, so its roles are FileRoles; declaredFile checks it.
  return renderLayer(layer, values, options).map(({ role, content, owner }) => {
    const declared = declaredFile(role as FileRole).file;
    return { role: role as FileRole, path: declared.path(at), content, owner };
  });
}

/** `files` with `inserted` right before the file with `role`. */
function insertBefore(files: readonly PlacedFile[], role: FileRole, inserted: readonly PlacedFile[]): PlacedFile[] {
  const at = files.indexOf(fileWithRole(files, role));
  return [...files.slice(0, at), ...inserted, ...files.slice(at)];
}

/**
 * Every file Terraform commits for one cluster, rendered and checked, in commit order:
 * 1. the infrastructure layer (objects, then its kustomization.yaml);
 * 2. the teams layer, when the cluster has teams: each team's namespace files, its own files
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
): PlacedFile[] {
  const urlOf = (app: string) => {
    const url = ecrRepositoryUrls[app];
    if (url === undefined) throw new Error(`no ECR repository URL for app ${app}`);
    return url;
  };

  const at: Place = { cluster: cluster.name };
  const apps = cluster.apps.flatMap((app) => {
    const place = { ...at, app: app.name };
    const values = appTemplateValues(cluster, app, urlOf(app.name));
    const autoscaling = app.autoscaling ? renderAt(APP_AUTOSCALING_LAYER, place, values, options) : [];
    const expose = app.expose ? renderAt(APP_EXPOSE_LAYER, place, { ...values, ...appExposeTemplateValues(cluster, app) }, options) : [];
    // The components before the app's kustomization.yaml that lists them.
    return insertBefore(renderAt(APP_LAYER, place, values, options), "app.index", [...autoscaling, ...expose]);
  });
  const clusterFiles = renderAt(CLUSTER_LAYER, at, clusterTemplateValues(cluster, gitlab), options);
  const teams = teamLayer(cluster, gitlab, options);

  // With dns: the configs layer (IngressClasses) after the controllers' layer, and its Kustomization after theirs.
  const configs = cluster.dns ? renderAt(INFRASTRUCTURE_CONFIGS_LAYER, at, infrastructureConfigsTemplateValues(cluster), options) : [];
  const configsSync = cluster.dns ? renderAt(INFRASTRUCTURE_CONFIGS_SYNC_LAYER, at, infrastructureConfigsTemplateValues(cluster), options) : [];

  return [
    ...renderAt(INFRASTRUCTURE_LAYER, at, infrastructureTemplateValues(cluster), { ...options, only: infrastructureRoles(cluster) }),
    ...configs,
    ...teams.layer,
    ...appNamespaces(cluster).flatMap((ns) => renderAt(NAMESPACE_LAYER, { ...at, namespace: ns.namespace }, namespaceTemplateValues(cluster, ns), options)),
    ...apps,
    ...renderAt(APPS_INDEX_LAYER, at, appsIndexTemplateValues(cluster), options),
    fileWithRole(clusterFiles, "cluster.infrastructure-sync"),
    ...configsSync,
    fileWithRole(clusterFiles, "cluster.apps-sync"),
    ...teams.sync,
    ...cluster.apps.flatMap((app) => renderAt(IMAGE_POLICY_LAYER, { ...at, app: app.name }, imagePolicyTemplateValues(cluster, app, urlOf(app.name)), options)),
    fileWithRole(clusterFiles, "cluster.image-automation"),
    ...notifications(cluster, options),
  ];
}

/** clusters/<cluster>/notifications.yaml when the cluster posts commit statuses, else nothing. */
function notifications(cluster: ClusterSettings, options: ClusterFilesOptions): PlacedFile[] {
  if (!cluster.flux.commitStatuses) return [];
  const { gitlabProjectAddress, ...renderOptions } = options;
  // A caller's mistake, not the user's: the stack always passes it.
  if (gitlabProjectAddress === undefined) throw new Error(`cluster ${cluster.name}: commit statuses need the GitLab project address`);
  const values = notificationsTemplateValues(cluster, gitlabProjectAddress);
  return renderAt(NOTIFICATIONS_LAYER, { cluster: cluster.name }, values, renderOptions);
}

/**
 * The teams layer (each team's folder, then the layer's kustomization.yaml) and its Flux
 * Kustomization, when the cluster has teams; nothing otherwise.
 */
function teamLayer(cluster: ClusterSettings, gitlab: GitLabSettings, options: ClusterFilesOptions): { layer: PlacedFile[]; sync: PlacedFile[] } {
  if (cluster.teams.length === 0) return { layer: [], sync: [] };
  const { awsAccountId, gitlabProjectAddress: _unused, teamImageReaderRoleArns = {}, ...renderOptions } = options;
  // A caller's mistake, not the user's: the stack always passes it.
  if (awsAccountId === undefined) throw new Error(`cluster ${cluster.name}: teams need the AWS account id`);
  const at: Place = { cluster: cluster.name };
  const layer = cluster.teams.flatMap((team) => {
    const place = { ...at, team: team.name };
    const readerArn = team.ecrRepositories.length > 0 ? teamImageReaderRoleArns[team.name] : undefined;
    // Likewise: the cluster stack creates a role for every team with repositories.
    if (team.ecrRepositories.length > 0 && readerArn === undefined) throw new Error(`cluster ${cluster.name}: no image reader role for team ${team.name}`);
    const values = (ns?: string) => teamTemplateValues(cluster, gitlab, team, awsAccountId, readerArn, ns);
    const namespaces = team.namespaces.flatMap((namespace) => renderAt(TEAM_NAMESPACE_LAYER, { ...place, namespace }, values(namespace), renderOptions));
    const own = [
      ...renderAt(TEAM_LAYER, place, values(), renderOptions),
      ...(readerArn ? renderAt(TEAM_IMAGE_READER_LAYER, place, values(), renderOptions) : []),
    ];
    // In the order its kustomization.yaml lists them (the ECR reader right after the team's service account).
    return [...namespaces, ...teamFolderRoles(readerArn !== undefined).map((role) => fileWithRole(own, role))];
  });
  const values = teamsTemplateValues(cluster);
  return {
    layer: [...layer, ...renderAt(TEAMS_INDEX_LAYER, at, values, renderOptions)],
    sync: renderAt(TEAMS_SYNC_LAYER, at, values, renderOptions),
  };
}
