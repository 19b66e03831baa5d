import { ADDONS, type Addon, fluxAddons, installedAddons } from "../addons";
import { type FileRole, INFRASTRUCTURE_LAYER, pathOf } from "../layout";
import { relativePath, repositoryPaths } from "../repository-paths";
import { COMMIT_STATUS_TOKEN_SECRET, logicalImageName } from "../naming";
import type { AppSettings, ClusterSettings, GitLabSettings } from "../settings/schema";

/*
 * The values each template layer may use (see stacks/layout.ts). A template that uses a
 * placeholder its layer does not have stops the synth. Numbers are written as YAML numbers by
 * the templates (unquoted), so they are passed as their decimal text; lists as JSON flow sequences.
 * The team layers' values are in team-values.ts.
 */

/** What every layer's values are: a string per placeholder. */
export type Values = { readonly [placeholder: string]: string | readonly string[] };

/** Values of config_files/app/ (and app-autoscaling/), rendered once per app into apps/<cluster>/<app>/. */
export interface AppTemplateValues extends Values {
  readonly CLUSTER_NAME: string;
  readonly APP_NAME: string;
  readonly APP_NAMESPACE: string;
  /** The logical image name of the Deployment, replaced by the image component. */
  readonly IMAGE_NAME: string;
  /** Usually a token: a cross-stack reference to the app's ECR repository. */
  readonly ECR_REPOSITORY_URL: string;
  readonly INITIAL_TAG: string;
  readonly CONTAINER_PORT: string;
  readonly RUN_AS_USER: string;
  readonly REPLICAS: string;
  readonly CPU_REQUEST: string;
  readonly MEMORY_REQUEST: string;
  readonly CPU_LIMIT: string;
  readonly MEMORY_LIMIT: string;
  /** The kustomize components of the app, as a flow sequence: "image", then "autoscaling" and "expose" when it has them. */
  readonly APP_COMPONENTS: string;
  /** The path of the app's readiness and liveness probes (the load balancer checks it too). */
  readonly PROBE_PATH: string;
  readonly MIN_REPLICAS: string;
  readonly MAX_REPLICAS: string;
  readonly TARGET_CPU_UTILIZATION: string;
}

/** Values of config_files/namespace/, rendered once per namespace of the apps. */
export interface NamespaceTemplateValues extends Values {
  readonly CLUSTER_NAME: string;
  readonly APP_NAMESPACE: string;
  /** The apps in it, for the comment. */
  readonly NAMESPACE_APPS: string;
}

/** Values of config_files/apps/: the apps layer's own kustomization.yaml. */
export interface AppsIndexTemplateValues extends Values {
  readonly CLUSTER_NAME: string;
  /** Namespace files, then app folders, as a flow sequence of paths relative to apps/<cluster>/. */
  readonly APPS_RESOURCES: string;
}

/**
 * Values of config_files/infrastructure/, rendered once per cluster into infrastructure/<cluster>/:
 * the layer's own, and each Flux add-on's (its templateValues, stacks/addons/).
 */
export interface InfrastructureTemplateValues extends Values {
  readonly CLUSTER_NAME: string;
  readonly REGION: string;
  /** Every other file of the layer, in commit order: what its kustomization.yaml lists, one line each. */
  readonly INFRASTRUCTURE_RESOURCES: readonly string[];
}

/** Values of config_files/cluster/, rendered once per cluster into clusters/<cluster>/. */
export interface ClusterTemplateValues extends Values {
  readonly CLUSTER_NAME: string;
  readonly GIT_BRANCH: string;
  readonly INFRASTRUCTURE_PATH: string;
  readonly APPS_PATH: string;
  readonly IMAGE_UPDATE_PATH: string;
  readonly LAYER_INTERVAL: string;
  readonly LAYER_TIMEOUT: string;
  readonly INFRASTRUCTURE_TIMEOUT: string;
  readonly IMAGE_UPDATE_INTERVAL: string;
  readonly COMMIT_AUTHOR_NAME: string;
  readonly COMMIT_AUTHOR_EMAIL: string;
  /**
   * "true" for a cluster with the configs layer (and the ConfigMap cluster-variables): `dns`; then
   * the apps wait for infrastructure-configs and the infrastructure layer substitutes the variables.
   */
  readonly CONFIGS_LAYER: "true" | "false";
  /** The other value of CONFIGS_LAYER, for the sections of a cluster without it. */
  readonly NO_CONFIGS_LAYER: "true" | "false";
}

/** Values of config_files/image-policy/, rendered once per app into clusters/<cluster>/images/<app>.yaml. */
export interface ImagePolicyTemplateValues extends Values {
  readonly CLUSTER_NAME: string;
  readonly APP_NAME: string;
  readonly SEMVER_RANGE: string;
  readonly IMAGE_SCAN_INTERVAL: string;
  /** Usually a token: a cross-stack reference to the app's ECR repository. */
  readonly ECR_REPOSITORY_URL: string;
}

/** Values of config_files/notifications/, rendered once per cluster into clusters/<cluster>/notifications.yaml. */
export interface NotificationsTemplateValues extends Values {
  readonly CLUSTER_NAME: string;
  /**
   * `<GitLab base URL>/<numeric project id>`, the Provider's address. Usually a token: the id is
   * a reference to the project looked up at plan time.
   */
  readonly GITLAB_PROJECT_ADDRESS: string;
  /** The Secret in flux-system that holds the token (created by Terraform, never in Git). */
  readonly TOKEN_SECRET_NAME: string;
}

/** The path the app's probes ask (config_files/app/deployment.yaml), and its load balancer's health check. */
export const APP_PROBE_PATH = "/";

/** A JSON flow sequence, which is also YAML. */
export const flowList = (items: readonly string[]) => JSON.stringify(items);

/** The values of one app; `ecrRepositoryUrl` is usually a cross-stack reference. */
export function appTemplateValues(cluster: ClusterSettings, app: AppSettings, ecrRepositoryUrl: string): AppTemplateValues {
  // Without autoscaling these values are not used by any template, but every layer has the same placeholders.
  const scaling = app.autoscaling ?? { minReplicas: app.replicas, maxReplicas: app.replicas, targetCpuUtilization: 100 };
  return {
    CLUSTER_NAME: cluster.name,
    APP_NAME: app.name,
    APP_NAMESPACE: app.namespace,
    IMAGE_NAME: logicalImageName(app.name),
    ECR_REPOSITORY_URL: ecrRepositoryUrl,
    INITIAL_TAG: app.initialTag,
    CONTAINER_PORT: String(app.containerPort),
    RUN_AS_USER: String(app.runAsUser),
    REPLICAS: String(app.replicas),
    CPU_REQUEST: app.resources.cpuRequest,
    MEMORY_REQUEST: app.resources.memoryRequest,
    CPU_LIMIT: app.resources.cpuLimit,
    MEMORY_LIMIT: app.resources.memoryLimit,
    APP_COMPONENTS: flowList(["image", ...(app.autoscaling ? ["autoscaling"] : []), ...(app.expose ? ["expose"] : [])]),
    PROBE_PATH: APP_PROBE_PATH,
    MIN_REPLICAS: String(scaling.minReplicas),
    MAX_REPLICAS: String(scaling.maxReplicas),
    TARGET_CPU_UTILIZATION: String(scaling.targetCpuUtilization),
  };
}

/** The namespaces of a cluster's apps, in the order of their first app. */
export function appNamespaces(cluster: ClusterSettings): { namespace: string; apps: string[] }[] {
  const byNamespace = new Map<string, string[]>();
  for (const app of cluster.apps) byNamespace.set(app.namespace, [...(byNamespace.get(app.namespace) ?? []), app.name]);
  return [...byNamespace].map(([namespace, apps]) => ({ namespace, apps }));
}

export function namespaceTemplateValues(cluster: ClusterSettings, namespace: { namespace: string; apps: string[] }): NamespaceTemplateValues {
  return { CLUSTER_NAME: cluster.name, APP_NAMESPACE: namespace.namespace, NAMESPACE_APPS: namespace.apps.join(", ") };
}

export function appsIndexTemplateValues(cluster: ClusterSettings): AppsIndexTemplateValues {
  const at = { cluster: cluster.name };
  const relative = (p: string) => relativePath(pathOf("apps.index", at), p);
  return {
    CLUSTER_NAME: cluster.name,
    APPS_RESOURCES: flowList([
      ...appNamespaces(cluster).map(({ namespace }) => relative(pathOf("apps.namespace", { ...at, namespace }))),
      ...cluster.apps.map((app) => relative(repositoryPaths.app(cluster.name, app.name))),
    ]),
  };
}

/**
 * The roles of the infrastructure layer's files a cluster gets, in commit order: the layer's own,
 * and those of the Flux add-ons installed on it (an add-on for exposed apps needs `dns`).
 */
export function infrastructureRoles(cluster: ClusterSettings, addons: readonly Addon[] = ADDONS): FileRole[] {
  const installed = new Set(fluxAddons(installedAddons(cluster, addons)).map((a) => `infrastructure.${a.name}`));
  const addonRoles = new Set(fluxAddons(addons).map((a) => `infrastructure.${a.name}`));
  return INFRASTRUCTURE_LAYER.files.map((f) => f.role).filter((role) => !addonRoles.has(role) || installed.has(role));
}

export function infrastructureTemplateValues(cluster: ClusterSettings, addons: readonly Addon[] = ADDONS): InfrastructureTemplateValues {
  const index = pathOf("infrastructure.index", { cluster: cluster.name });
  const listed = infrastructureRoles(cluster, addons)
    .filter((role) => role !== "infrastructure.index")
    .map((role) => relativePath(index, pathOf(role, { cluster: cluster.name })));
  const values: Record<string, string | readonly string[]> = { CLUSTER_NAME: cluster.name, REGION: cluster.region, INFRASTRUCTURE_RESOURCES: listed };
  for (const addon of fluxAddons(installedAddons(cluster, addons))) {
    for (const [placeholder, value] of Object.entries(addon.templateValues(cluster))) {
      // Every template of the layer gets every value: one add-on must not change another's.
      if (placeholder in values) throw new Error(`add-on ${addon.name}: placeholder ${placeholder} is the layer's or another add-on's`);
      values[placeholder] = value;
    }
  }
  return values as InfrastructureTemplateValues;
}

/** The values of a cluster's Flux objects. */
export function clusterTemplateValues(cluster: ClusterSettings, gitlab: GitLabSettings): ClusterTemplateValues {
  return {
    CLUSTER_NAME: cluster.name,
    GIT_BRANCH: gitlab.branch,
    INFRASTRUCTURE_PATH: repositoryPaths.infrastructureLayer(cluster.name),
    APPS_PATH: repositoryPaths.appsLayer(cluster.name),
    IMAGE_UPDATE_PATH: repositoryPaths.imageUpdates(cluster.name),
    LAYER_INTERVAL: cluster.flux.layerInterval,
    LAYER_TIMEOUT: cluster.flux.layerTimeout,
    INFRASTRUCTURE_TIMEOUT: cluster.flux.infrastructureTimeout,
    IMAGE_UPDATE_INTERVAL: cluster.flux.imageUpdateInterval,
    COMMIT_AUTHOR_NAME: gitlab.commitAuthor.name,
    COMMIT_AUTHOR_EMAIL: gitlab.commitAuthor.email,
    CONFIGS_LAYER: cluster.dns ? "true" : "false",
    NO_CONFIGS_LAYER: cluster.dns ? "false" : "true",
  };
}

/** The values of one app's image objects; `ecrRepositoryUrl` is usually a cross-stack reference. */
export function imagePolicyTemplateValues(cluster: ClusterSettings, app: AppSettings, ecrRepositoryUrl: string): ImagePolicyTemplateValues {
  return {
    CLUSTER_NAME: cluster.name,
    APP_NAME: app.name,
    SEMVER_RANGE: app.semverRange,
    IMAGE_SCAN_INTERVAL: cluster.flux.imageScanInterval,
    ECR_REPOSITORY_URL: ecrRepositoryUrl,
  };
}

/**
 * The Provider address Flux's GitLab notifier expects: it takes scheme://host as the instance (its
 * API under /api/v4) and the path as the project. The numeric id, as Flux advises, survives renames
 * and moves of the project; `projectId` is usually a reference to the project looked up at plan time.
 */
export function gitlabProjectAddress(gitlab: Pick<GitLabSettings, "baseUrl">, projectId: string): string {
  return `${gitlab.baseUrl}/${projectId}`;
}

/**
 * The values of a cluster's commit status notifications. `gitlabProjectAddress` is
 * `<GitLab base URL>/<numeric project id>`, usually with the id as a Terraform reference.
 */
export function notificationsTemplateValues(cluster: ClusterSettings, gitlabProjectAddress: string): NotificationsTemplateValues {
  return {
    CLUSTER_NAME: cluster.name,
    GITLAB_PROJECT_ADDRESS: gitlabProjectAddress,
    TOKEN_SECRET_NAME: COMMIT_STATUS_TOKEN_SECRET.name,
  };
}
