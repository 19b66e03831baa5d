import { pathOf, TEAM_LAYER, type FileRole } from "../layout";
import { relativePath, repositoryPaths } from "../repository-paths";
import { sshGitUrl, TEAM_ECR_READER, teamGitSecretName } from "../naming";
import type { ClusterSettings, GitLabSettings, TeamSettings } from "../settings/schema";
import { flowList, type Values } from "./values";

/*
 * The values of the team layers (see stacks/layout.ts): each team's folder and namespaces, and the
 * teams layer's index and Flux Kustomization. The other layers' values are in values.ts.
 */

/** Values of config_files/tenant/ and tenant-namespace/, rendered once per team (and per team namespace). */
export interface TeamTemplateValues extends Values {
  readonly CLUSTER_NAME: string;
  readonly REGION: string;
  readonly ENVIRONMENT: string;
  /** Usually a token: the account of the GitOps stack's AWS provider. */
  readonly AWS_ACCOUNT_ID: string;
  readonly ECR_REGISTRY: string;
  readonly TEAM_NAME: string;
  /** The team's first namespace: its ServiceAccount, GitRepository, Kustomization and variables live there. */
  readonly TEAM_HOME: string;
  /** The namespace a tenant-namespace file is rendered for. */
  readonly TEAM_NAMESPACE: string;
  /**
   * "true" for a team with one namespace, "false" for one with several: the sync's section with
   * targetNamespace (a team with several namespaces has none: its manifests name theirs).
   */
  readonly TEAM_SINGLE_NAMESPACE: "true" | "false";
  readonly TEAM_PROJECT: string;
  readonly TEAM_GIT_URL: string;
  readonly TEAM_BRANCH: string;
  readonly TEAM_PATH: string;
  readonly GIT_SECRET_NAME: string;
  readonly SOURCE_INTERVAL: string;
  readonly LAYER_INTERVAL: string;
  readonly LAYER_TIMEOUT: string;
  /** The team folder's resources, as a flow sequence: its namespace files, then its own files (see teamFolderRoles). */
  readonly TEAM_RESOURCES: string;
  /** The service account the team's ImageRepositories name for ECR (config_files/tenant-image-reader/). */
  readonly ECR_READER_SERVICE_ACCOUNT: string;
  /**
   * ARN of the team's image reader role (usually a cross-stack reference); "none" for a team
   * without ECR repositories, whose folder has no ECR reader (no template uses it then).
   */
  readonly TEAM_IMAGE_READER_ROLE_ARN: string;
  /** The ResourceQuota of each team namespace (teams[].quota). */
  readonly TEAM_QUOTA_CPU: string;
  readonly TEAM_QUOTA_MEMORY: string;
  readonly TEAM_QUOTA_PODS: string;
  /** The LimitRange's defaults for a container that names no resources (teams[].containerDefaults). */
  readonly TEAM_DEFAULT_CPU_REQUEST: string;
  readonly TEAM_DEFAULT_MEMORY_REQUEST: string;
  readonly TEAM_DEFAULT_CPU_LIMIT: string;
  readonly TEAM_DEFAULT_MEMORY_LIMIT: string;
}

/**
 * The values of one team's files. `imageReaderRoleArn` is the team's image reader role, for a team
 * with ECR repositories (its folder then also lists ecr-reader.yaml); undefined for one without.
 */
export function teamTemplateValues(
  cluster: ClusterSettings,
  gitlab: GitLabSettings,
  team: TeamSettings,
  awsAccountId: string,
  imageReaderRoleArn: string | undefined,
  namespace = team.namespaces[0],
): TeamTemplateValues {
  const at = { cluster: cluster.name, team: team.name };
  const relative = (p: string) => relativePath(pathOf("team.index", at), p);
  const own = teamFolderRoles(imageReaderRoleArn !== undefined)
    .filter((role) => role !== "team.index")
    .map((role) => relative(pathOf(role, at)));
  return {
    CLUSTER_NAME: cluster.name,
    REGION: cluster.region,
    ENVIRONMENT: cluster.environment,
    AWS_ACCOUNT_ID: awsAccountId,
    ECR_REGISTRY: `${awsAccountId}.dkr.ecr.${cluster.region}.amazonaws.com`,
    TEAM_NAME: team.name,
    TEAM_HOME: team.namespaces[0],
    TEAM_NAMESPACE: namespace,
    TEAM_SINGLE_NAMESPACE: team.namespaces.length === 1 ? "true" : "false",
    TEAM_PROJECT: team.gitlabProject,
    TEAM_GIT_URL: sshGitUrl(gitlab, team.gitlabProject),
    TEAM_BRANCH: team.branch,
    TEAM_PATH: team.path,
    GIT_SECRET_NAME: teamGitSecretName(team.name),
    SOURCE_INTERVAL: cluster.flux.interval,
    LAYER_INTERVAL: cluster.flux.layerInterval,
    LAYER_TIMEOUT: cluster.flux.layerTimeout,
    TEAM_RESOURCES: flowList([...team.namespaces.map((namespace) => relative(pathOf("team.namespace", { ...at, namespace }))), ...own]),
    ECR_READER_SERVICE_ACCOUNT: TEAM_ECR_READER.serviceAccount,
    TEAM_IMAGE_READER_ROLE_ARN: imageReaderRoleArn ?? "none",
    TEAM_QUOTA_CPU: team.quota.cpu,
    TEAM_QUOTA_MEMORY: team.quota.memory,
    TEAM_QUOTA_PODS: String(team.quota.pods),
    TEAM_DEFAULT_CPU_REQUEST: team.containerDefaults.cpuRequest,
    TEAM_DEFAULT_MEMORY_REQUEST: team.containerDefaults.memoryRequest,
    TEAM_DEFAULT_CPU_LIMIT: team.containerDefaults.cpuLimit,
    TEAM_DEFAULT_MEMORY_LIMIT: team.containerDefaults.memoryLimit,
  };
}

/**
 * The roles of a team's own files (after its namespace files), in commit order, which is also the
 * order its kustomization.yaml lists them in: with an ECR reader (`withImageReader`), the reader
 * right after the team's service account, before the sync that starts the team's objects.
 */
export function teamFolderRoles(withImageReader: boolean): FileRole[] {
  return TEAM_LAYER.files.flatMap((f): FileRole[] => (f.role === "team.service-account" && withImageReader ? [f.role, "team.ecr-reader"] : [f.role]));
}

/** Values of config_files/tenants/ and cluster-tenants/: the teams layer of a cluster. */
export interface TeamsTemplateValues extends Values {
  readonly CLUSTER_NAME: string;
  readonly TEAMS_PATH: string;
  readonly TEAMS_RESOURCES: string;
  readonly LAYER_INTERVAL: string;
  readonly LAYER_TIMEOUT: string;
}

export function teamsTemplateValues(cluster: ClusterSettings): TeamsTemplateValues {
  return {
    CLUSTER_NAME: cluster.name,
    TEAMS_PATH: repositoryPaths.teamsLayer(cluster.name),
    TEAMS_RESOURCES: flowList(
      cluster.teams.map((t) => relativePath(pathOf("teams.index", { cluster: cluster.name }), repositoryPaths.team(cluster.name, t.name))),
    ),
    LAYER_INTERVAL: cluster.flux.layerInterval,
    LAYER_TIMEOUT: cluster.flux.layerTimeout,
  };
}
