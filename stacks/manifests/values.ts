import { repositoryPaths } from "../layout";
import { logicalImageName } from "../naming";
import type { ClusterSettings, GitLabSettings } from "../settings/schema";

/*
 * The values each template layer may use (see stacks/layout.ts). A template that uses a
 * placeholder its layer does not have stops the synth. Numbers are written as YAML numbers by
 * the templates (unquoted), so they are passed as their decimal text.
 */

/** Values of config_files/app/, rendered once per app into apps/<cluster>/<app>/. */
export interface AppTemplateValues {
  readonly [placeholder: string]: string;
  readonly CLUSTER_NAME: string;
  readonly APP_NAME: string;
  readonly APP_NAMESPACE: string;
  /** The logical image name of the Deployment, replaced by the image component. */
  readonly IMAGE_NAME: string;
  /** Usually a token: a cross-stack reference to the ECR repository. */
  readonly ECR_REPOSITORY_URL: string;
  readonly INITIAL_TAG: string;
  readonly CONTAINER_PORT: string;
  readonly RUN_AS_USER: string;
  readonly REPLICAS: string;
}

/** Values of config_files/cluster/, rendered once per cluster into clusters/<cluster>/. */
export interface ClusterTemplateValues {
  readonly [placeholder: string]: string;
  readonly CLUSTER_NAME: string;
  readonly GIT_BRANCH: string;
  readonly APPS_PATH: string;
  readonly IMAGE_UPDATE_PATH: string;
  readonly LAYER_INTERVAL: string;
  readonly LAYER_TIMEOUT: string;
  readonly IMAGE_SCAN_INTERVAL: string;
  readonly IMAGE_UPDATE_INTERVAL: string;
  readonly COMMIT_AUTHOR_NAME: string;
  readonly COMMIT_AUTHOR_EMAIL: string;
  readonly APP_NAME: string;
  readonly SEMVER_RANGE: string;
  /** Usually a token: a cross-stack reference to the ECR repository. */
  readonly ECR_REPOSITORY_URL: string;
}

/** The values of a cluster's app; `ecrRepositoryUrl` is usually a cross-stack reference. */
export function appTemplateValues(cluster: ClusterSettings, ecrRepositoryUrl: string): AppTemplateValues {
  const { app } = cluster;
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
  };
}

/** The values of a cluster's Flux objects; `ecrRepositoryUrl` is usually a cross-stack reference. */
export function clusterTemplateValues(cluster: ClusterSettings, gitlab: GitLabSettings, ecrRepositoryUrl: string): ClusterTemplateValues {
  return {
    CLUSTER_NAME: cluster.name,
    GIT_BRANCH: gitlab.branch,
    APPS_PATH: repositoryPaths.appsLayer(cluster.name),
    IMAGE_UPDATE_PATH: repositoryPaths.imageUpdates(cluster.name),
    LAYER_INTERVAL: cluster.flux.layerInterval,
    LAYER_TIMEOUT: cluster.flux.layerTimeout,
    IMAGE_SCAN_INTERVAL: cluster.flux.imageScanInterval,
    IMAGE_UPDATE_INTERVAL: cluster.flux.imageUpdateInterval,
    COMMIT_AUTHOR_NAME: gitlab.commitAuthor.name,
    COMMIT_AUTHOR_EMAIL: gitlab.commitAuthor.email,
    APP_NAME: cluster.app.name,
    SEMVER_RANGE: cluster.app.semverRange,
    ECR_REPOSITORY_URL: ecrRepositoryUrl,
  };
}
