/*
 * Names built from settings in more than one place: the constructs create resources with them and
 * the settings schema checks them against AWS length limits, so both must build them the same way.
 */
import { ADDONS, isInstalledOn } from "./addons";
import type { ClusterSettings } from "./settings/schema";

/** The EKS node group of a cluster: "<cluster>-<node group>". */
export function nodeGroupName(clusterName: string, groupName: string): string {
  return `${clusterName}-${groupName}`;
}

/** The IAM role of a node group's nodes: "<node group name>-node". */
export function nodeRoleName(fullNodeGroupName: string): string {
  return `${fullNodeGroupName}-node`;
}

/**
 * The IAM role a team's GitLab CI assumes to push to its ECR repositories:
 * "<cluster>-team-<team>-ci". The cluster name is in it because IAM names are per account and
 * two clusters may have a team of the same name.
 */
export function teamCiRoleName(clusterName: string, teamName: string): string {
  return `${clusterName}-team-${teamName}-ci`;
}

/**
 * The IAM role Flux's image reflector reads a team's ECR repositories with, through the team's
 * {@link TEAM_ECR_READER} service account: "<cluster>-team-<team>-ro" (read-only), no longer than
 * the team's CI role, so the one length limit of the settings covers both.
 */
export function teamImageReaderRoleName(clusterName: string, teamName: string): string {
  return `${clusterName}-team-${teamName}-ro`;
}

/**
 * The service account a team's ImageRepositories name (spec.serviceAccountName) to scan the team's
 * ECR repositories: in the team's first namespace (where its GitRepository, and so its image
 * automation, live), annotated with the team's image reader role. It has no Kubernetes rights.
 */
export const TEAM_ECR_READER = { serviceAccount: "flux-ecr-reader" } as const;

/** The stacks of the app: one GitLab stack for the repository, two per cluster. */
export const stackNames = {
  /** Deploy keys and branch protection of the GitOps repository, shared by every cluster. */
  repository: "gitops-repository",
  /** AWS: network, EKS, nodes, add-ons, ECR. */
  cluster: (cluster: string) => `${cluster}-eks`,
  /** Flux bootstrap and the manifests committed for one cluster. */
  gitops: (cluster: string) => `${cluster}-gitops`,
} as const;

/** Title of a cluster's Flux deploy key in GitLab (shown in the project's deploy keys and branch rules). */
export function deployKeyTitle(clusterName: string): string {
  return `Flux (cluster ${clusterName})`;
}

/** Logical image name in an app's Deployment; the image component sets the real repository and tag. */
export function logicalImageName(appName: string): string {
  // ".invalid" never resolves (RFC 2606): without the component the pod fails to pull instead of
  // silently running a public image of the same name.
  return `image.invalid/${appName}`;
}

/**
 * The Secret holding the GitLab token for Flux's commit statuses: the GitOps stack creates it and
 * the notifications layer's Provider names it. It lives beside the Provider (a Provider's
 * secretRef reads its own namespace only); the token itself never goes to Git.
 */
export const COMMIT_STATUS_TOKEN_SECRET = { namespace: "flux-system", name: "gitlab-commit-status-token" } as const;

/** Name of a cluster's project access token for commit statuses (shown in the project's access tokens). */
export function commitStatusTokenName(clusterName: string): string {
  return `flux-commit-status-${clusterName}`;
}

/**
 * `ssh://git@host[:port]/group/project.git`, the form Flux accepts, for the GitOps project or
 * another project of the same GitLab instance (a team's).
 */
export function sshGitUrl(gitlab: { readonly baseUrl: string; readonly project: string; readonly sshHost?: string }, projectPath = gitlab.project): string {
  const host = gitlab.sshHost ?? new URL(gitlab.baseUrl).hostname;
  return `ssh://git@${host}/${projectPath}.git`;
}

/** The Secret holding a team's deploy key, in the team's first namespace, named by its GitRepository. */
export function teamGitSecretName(team: string): string {
  return `flux-git-${team}`;
}

/** Title of a team's deploy key on its own project. */
export function teamDeployKeyTitle(clusterName: string, team: string): string {
  return `Flux (cluster ${clusterName}, team ${team})`;
}

/**
 * The Pod Identity roles of a cluster's controllers that are no add-on, by purpose (IAM names are
 * account-wide); each add-on names its own (stacks/addons/).
 */
export const controllerRoleNames = {
  imageReflector: (cluster: string) => `${cluster}-flux-image-reflector`,
} as const;

/** The role VPC flow logs deliver to CloudWatch Logs with. */
export const flowLogsRoleName = (cluster: string) => `${cluster}-vpc-flow-logs`;

/**
 * Every IAM role name one cluster's stacks create, with the setting it comes from: IAM names are
 * unique per account (case-insensitively), so two clusters must not share one. `from` is the
 * setting's path inside the cluster.
 */
export function accountWideRoleNames(cluster: {
  readonly name: string;
  readonly nodeGroup: { readonly name: string };
  readonly teams: readonly { readonly name: string; readonly ecrRepositories: readonly string[] }[];
  readonly dns?: ClusterSettings["dns"];
}): { readonly name: string; readonly from: readonly (string | number)[] }[] {
  return [
    { name: nodeRoleName(nodeGroupName(cluster.name, cluster.nodeGroup.name)), from: ["nodeGroup", "name"] },
    ...ADDONS.flatMap((addon) => (addon.identity && isInstalledOn(addon, cluster) ? [{ name: addon.identity.roleName(cluster.name), from: ["name"] }] : [])),
    { name: controllerRoleNames.imageReflector(cluster.name), from: ["name"] },
    { name: flowLogsRoleName(cluster.name), from: ["name"] },
    ...cluster.teams
      .map((t, i) => ({ t, i }))
      .filter(({ t }) => t.ecrRepositories.length > 0)
      .flatMap(({ t, i }) => [
        { name: teamCiRoleName(cluster.name, t.name), from: ["teams", i, "name"] },
        { name: teamImageReaderRoleName(cluster.name, t.name), from: ["teams", i, "name"] },
      ]),
  ];
}
