import type { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { EcrRepository } from "../constructs/aws/ecr-repository";
import { EksOidcProvider } from "../constructs/aws/eks-oidc-provider";
import { GitLabOidcProvider } from "../constructs/aws/gitlab-oidc-provider";
import { ecrReadOnlyPolicy } from "../constructs/aws/iam";
import { IrsaRole } from "../constructs/aws/irsa-role";
import { TeamCiRole } from "../constructs/aws/team-ci-role";
import { TEAM_ECR_READER, teamCiRoleName, teamImageReaderRoleName } from "../naming";
import { ecrSchema, type ClusterSettings, type GitLabSettings } from "../settings/schema";

/** One ECR repository (cross-stack references). */
export interface EcrRepositoryRef {
  readonly url: string;
  readonly arn: string;
}

/**
 * A team's ECR repositories get the lifecycle and deletion settings an app's repository has by
 * default (teams have no settings of their own for them): the ecr defaults of the settings.
 */
const ECR_DEFAULTS = ecrSchema.parse({});
export const TEAM_ECR_POLICY = {
  keepImages: ECR_DEFAULTS.keepImages,
  untaggedExpiryDays: ECR_DEFAULTS.untaggedExpiryDays,
  forceDelete: ECR_DEFAULTS.forceDelete,
} as const;

/**
 * The construct id of a team's repository: by name, not by position, so that reordering
 * ecrRepositories replaces nothing. ECR names never hold "--", so "/" -> "--" keeps them apart.
 */
export function teamEcrId(teamName: string, repositoryName: string): string {
  return `team-${teamName}-ecr-${repositoryName.replaceAll("/", "--")}`;
}

export interface TeamRegistriesProps {
  /** The validated cluster entry: its name and teams. */
  readonly cluster: ClusterSettings;
  /** The stack's id, for the error when props.gitlab is missing. */
  readonly stackId: string;
  /**
   * The GitLab instance the teams' CI roles trust (see ClusterStackProps.gitlab).
   * @default - none: a team with ECR repositories is then an error
   */
  readonly gitlab?: Pick<GitLabSettings, "baseUrl" | "awsOidcProvider">;
  /**
   * ARN of the GitLab OIDC provider an earlier cluster stack created.
   * @default - created here (awsOidcProvider "create") or read by URL ("existing"), when a team has ECR repositories
   */
  readonly gitlabOidcProviderArn?: string;
  /** The cluster's OIDC issuer URL (a reference to the cluster), for the teams' image reader roles. */
  readonly clusterIssuerUrl: string;
}

/** What the teams get in AWS (see ClusterStack's fields of the same names). */
export interface TeamRegistries {
  readonly teamEcrRepositories: Readonly<Record<string, Readonly<Record<string, EcrRepositoryRef>>>>;
  readonly teamCiRoleArns: Readonly<Record<string, string>>;
  readonly teamImageReaderRoleArns: Readonly<Record<string, string>>;
  readonly gitlabOidcProviderArn?: string;
}

/**
 * Each team's own ECR repositories, the role its GitLab CI pushes to them with (trusting the
 * GitLab OIDC provider, created here when needed) and the role Flux reads them with. Not a
 * construct: `stack` is the scope of every resource, so their addresses are the ones they always had.
 */
export function teamRegistries(stack: Construct, props: TeamRegistriesProps): TeamRegistries {
  const { cluster } = props;
  const teamEcrRepositories = Object.fromEntries(
    cluster.teams.map((team) => [
      team.name,
      Object.fromEntries(
        team.ecrRepositories.map((name) => {
          const ecr = new EcrRepository(stack, teamEcrId(team.name, name), { repositoryName: name, ...TEAM_ECR_POLICY });
          return [name, { url: ecr.repository.repositoryUrl, arn: ecr.repository.arn }];
        }),
      ),
    ]),
  );
  // A team with no repository has nothing to push: no role, and no OIDC provider for it.
  const pushingTeams = pushing(cluster);
  if (pushingTeams.length === 0) return { teamEcrRepositories, teamCiRoleArns: {}, teamImageReaderRoleArns: {} };

  const gitlab = props.gitlab;
  if (!gitlab) throw new Error(`ClusterStack ${props.stackId}: teams with ECR repositories need props.gitlab (the instance their CI roles trust)`);
  const gitlabOidcProviderArn =
    props.gitlabOidcProviderArn ?? new GitLabOidcProvider(stack, "gitlab-oidc-provider", { issuerUrl: gitlab.baseUrl, mode: gitlab.awsOidcProvider }).arn;
  const arnsOf = (team: string) => Object.values(teamEcrRepositories[team]).map((repository) => repository.arn);
  const teamCiRoleArns = Object.fromEntries(
    pushingTeams.map((team) => {
      const ci = new TeamCiRole(stack, `team-${team.name}-ci`, {
        roleName: teamCiRoleName(cluster.name, team.name),
        oidcProviderArn: gitlabOidcProviderArn,
        gitlabUrl: gitlab.baseUrl,
        gitlabProject: team.gitlabProject,
        ciBranches: team.ciBranches,
        repositoryArns: arnsOf(team.name),
        description: `GitLab CI of ${team.gitlabProject} pushes to the ECR repositories of team ${team.name} in cluster ${cluster.name}`,
      });
      return [team.name, ci.role.arn];
    }),
  );
  const teamImageReaderRoleArns = teamImageReaders(stack, cluster, pushingTeams, props.clusterIssuerUrl, arnsOf);
  return { teamEcrRepositories, teamCiRoleArns, teamImageReaderRoleArns, gitlabOidcProviderArn };
}

/** The teams with ECR repositories: those with a CI role and an image reader. */
function pushing(cluster: ClusterSettings): ClusterSettings["teams"] {
  return cluster.teams.filter((team) => team.ecrRepositories.length > 0);
}

/**
 * Flux's image automation for each team, on the team's own identity: the cluster's IAM OIDC
 * provider, and for each team a role that only the token of the team's ECR reader service
 * account (in its first namespace) may assume, reading only the team's repositories.
 *
 * Not EKS Pod Identity, which the platform's own image scanning uses: Flux 2.9 can act for one
 * object with that object's identity (object-level workload identity, `spec.serviceAccountName`)
 * only through IRSA. It requests a token for the named service account and exchanges it with
 * STS itself (fluxcd/pkg auth/access_token.go and auth/aws/provider.go); EKS Pod Identity hands
 * credentials only to a pod running as the service account (fluxcd/flux2 RFC-0010 dropped it
 * for that reason; fluxcd/flux2#6003 asks for it).
 */
function teamImageReaders(
  stack: Construct,
  cluster: ClusterSettings,
  teams: ClusterSettings["teams"],
  issuerUrl: string,
  repositoryArnsOf: (team: string) => string[],
): Record<string, string> {
  const oidc = new EksOidcProvider(stack, "eks-oidc-provider", { issuerUrl });
  return Object.fromEntries(
    teams.map((team) => {
      const reader = new IrsaRole(stack, `team-${team.name}-image-reader`, {
        roleName: teamImageReaderRoleName(cluster.name, team.name),
        oidcProviderArn: oidc.arn,
        conditionIssuer: oidc.conditionIssuer,
        serviceAccounts: [{ namespace: team.namespaces[0], name: TEAM_ECR_READER.serviceAccount }],
        inlinePolicy: ecrReadOnlyPolicy(repositoryArnsOf(team.name)),
        description: `Flux's image reflector reads the ECR repositories of team ${team.name} in cluster ${cluster.name} (IRSA: ${team.namespaces[0]}/${TEAM_ECR_READER.serviceAccount} only)`,
      });
      return [team.name, reader.role.arn];
    }),
  );
}

/** The teams' outputs, when the cluster has teams: their repositories' URLs, CI roles and image reader roles. */
export function teamOutputs(stack: Construct, cluster: ClusterSettings, teams: TeamRegistries): void {
  if (cluster.teams.length === 0) return;
  new TerraformOutput(stack, "team_ecr_repository_urls", {
    value: Object.fromEntries(
      pushing(cluster).map((team) => [
        team.name,
        Object.fromEntries(Object.entries(teams.teamEcrRepositories[team.name]).map(([name, repository]) => [name, repository.url])),
      ]),
    ),
    description: "Where each team's images are pushed, by team name and repository name",
  });
  new TerraformOutput(stack, "team_ci_role_arns", {
    value: teams.teamCiRoleArns,
    description: "The role each team's GitLab CI assumes (AWS_ROLE_ARN) to push to its repositories, by team name",
  });
  new TerraformOutput(stack, "team_image_reader_role_arns", {
    value: teams.teamImageReaderRoleArns,
    description: `The role Flux's image reflector reads each team's repositories with (IRSA, through the team's ${TEAM_ECR_READER.serviceAccount} service account), by team name`,
  });
}
