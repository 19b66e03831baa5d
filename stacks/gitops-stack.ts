import type { Construct } from "constructs";
import { Fn, TerraformOutput, Token } from "cdktf";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataKubernetesSecretV1 } from "@cdktf/provider-kubernetes/lib/data-kubernetes-secret-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { ecrReadOnlyPolicy } from "./constructs/aws/iam";
import { PodIdentityRole } from "./constructs/aws/pod-identity-role";
import { DeployIdentity } from "./constructs/gitlab/deploy-identity";
import { gitopsProject } from "./constructs/gitlab/gitops-project";
import { eksClusterConnection, type EksClusterConnectionProps } from "./constructs/gitops/cluster-connection";
import { ClusterVariables } from "./constructs/gitops/cluster-variables";
import { CommitStatusToken } from "./constructs/gitops/commit-status-token";
import { TeamAccess } from "./constructs/gitops/team-access";
import { FluxBootstrap } from "./constructs/gitops/flux-bootstrap";
import { RepositoryFiles } from "./constructs/gitops/repository-files";
import { repositoryPaths } from "./repository-paths";
import { renderClusterFiles } from "./manifests/cluster-files";
import { gitlabProjectAddress } from "./manifests/values";
import { commitStatusTokenName, controllerRoleNames, sshGitUrl, stackNames, teamGitSecretName } from "./naming";
import { ProjectStack, type ProjectStackProps } from "./project-stack";
import type { ClusterOutputs } from "./cluster-stack";
import type { FluxGitAccess, TeamGitAccess } from "./repository-stack";
import { awsDefaultTags } from "./tags";
import type { ClusterSettings, GitLabSettings } from "./settings/schema";

/** Namespace and service account of Flux's image reflector (fixed by the Flux install). */
export const IMAGE_REFLECTOR = { namespace: "flux-system", serviceAccount: "image-reflector-controller" } as const;

export interface GitOpsStackProps extends ProjectStackProps {
  /** One validated cluster entry of the settings. */
  readonly cluster: ClusterSettings;
  /** The GitOps repository. */
  readonly gitlab: GitLabSettings;
  /** The cluster's AWS stack. */
  readonly clusterOutputs: ClusterOutputs;
  /** The cluster's deploy key, from the repository stack. */
  readonly gitAccess: FluxGitAccess;
  /**
   * Each team's deploy key on its own project, by team name, from the repository stack.
   * @default none (the cluster has no teams)
   */
  readonly teamGitAccess?: Readonly<Record<string, TeamGitAccess>>;
}

export { sshGitUrl } from "./naming";

/**
 * Flux for one cluster: ECR read access for the image reflector through Pod Identity, the
 * bootstrap (with the cluster's deploy key from the repository stack), with flux.commitStatuses
 * the GitLab token for commit statuses in a Secret of the cluster, and the rendered manifests of
 * config_files/ committed in the order stacks/layout.ts gives.
 *
 * Values read from other stacks come through terraform_remote_state, which drops the sensitive
 * mark cdktf puts on cross-stack outputs: plans show them, so the private key is marked again.
 */
export class GitOpsStack extends ProjectStack {
  constructor(scope: Construct, id: string, props: GitOpsStackProps) {
    // Its state holds the deploy keys (read from the repository stack), the commit-status token and the Secrets it writes.
    super(scope, id, { ...props, holdsCredentials: true });
    const { cluster, gitlab, clusterOutputs } = props;
    const clusterPath = repositoryPaths.cluster(cluster.name);

    new AwsProvider(this, "aws", { region: cluster.region, defaultTags: [{ tags: awsDefaultTags(cluster) }] });
    // The token comes from GITLAB_TOKEN in the environment at deploy time, never from code or settings.
    new GitlabProvider(this, "gitlab", { baseUrl: `${gitlab.baseUrl}/api/v4/` });

    const project = gitopsProject(this, gitlab);
    new DeployIdentity(this, "deploy-identity", {
      projects: [gitlab.project],
      neededFor: `the ${id} stack (commits to the branch${cluster.flux.commitStatuses ? ", the commit-status token" : ""})`,
    });

    // Controller-level ECR auth: no static keys in the cluster, no token-refresh CronJob.
    // The cluster's ARN from its parts: the cluster stack exports only its name.
    const partition = new DataAwsPartition(this, "partition").partition;
    const caller = new DataAwsCallerIdentity(this, "caller");
    const accountId = caller.accountId;
    const reflector = new PodIdentityRole(this, "image-reflector-identity", {
      accountId,
      clusterArn: `arn:${partition}:eks:${cluster.region}:${accountId}:cluster/${clusterOutputs.clusterName}`,
      clusterName: clusterOutputs.clusterName,
      namespace: IMAGE_REFLECTOR.namespace,
      serviceAccount: IMAGE_REFLECTOR.serviceAccount,
      roleName: controllerRoleNames.imageReflector(cluster.name),
      // Every app repository of this cluster, and nothing else.
      inlinePolicy: ecrReadOnlyPolicy(cluster.apps.map((app) => clusterOutputs.ecrRepositories[app.name].arn)),
    });

    // Where every provider that talks to the cluster finds it (known at plan time: cross-stack references).
    const clusterAt: EksClusterConnectionProps = {
      clusterName: clusterOutputs.clusterName,
      region: cluster.region,
      clusterEndpoint: clusterOutputs.clusterEndpoint,
      clusterCaData: clusterOutputs.clusterCaData,
    };

    const flux = new FluxBootstrap(this, "flux", {
      ...clusterAt,
      gitUrl: sshGitUrl(gitlab),
      branch: gitlab.branch,
      sshPrivateKeyPem: Token.asString(Fn.sensitive(props.gitAccess.privateKeyPem)),
      deployKeyFingerprint: props.gitAccess.publicKeyFingerprint,
      commitAuthor: gitlab.commitAuthor,
      path: clusterPath,
      interval: cluster.flux.interval,
      // The association waits for the role's permissions itself.
      dependsOn: reflector.association ? [reflector.association] : [],
    });

    // One Kubernetes provider for everything Terraform writes into the cluster, connected like Flux's.
    const needsKubernetes = cluster.flux.commitStatuses || cluster.teams.length > 0 || cluster.dns !== undefined;
    const kubernetes = needsKubernetes ? kubernetesProvider(this, clusterAt) : undefined;
    const commitStatus = kubernetes && cluster.flux.commitStatuses ? this.commitStatusToken(cluster, kubernetes, project.id, flux) : undefined;
    const teamSecrets = kubernetes ? this.teamAccess(cluster, kubernetes, props.teamGitAccess ?? {}, flux) : [];
    const variables = kubernetes ? this.clusterVariables(cluster, clusterOutputs, kubernetes, accountId, flux) : undefined;

    new RepositoryFiles(this, "manifests", {
      projectId: project.id,
      branch: gitlab.branch,
      files: renderClusterFiles(
        cluster,
        gitlab,
        Object.fromEntries(cluster.apps.map((app) => [app.name, clusterOutputs.ecrRepositories[app.name].url])),
        // The numeric id, known at plan time: the data source reads it.
        {
          gitlabProjectAddress: gitlabProjectAddress(gitlab, project.id),
          awsAccountId: cluster.teams.length > 0 ? accountId : undefined,
          // Each team's ECR reader names its image reader role, from the cluster stack.
          teamImageReaderRoleArns: clusterOutputs.teamImageReaderRoleArns,
        },
      ),
      label: cluster.name,
      // The whole chain waits for the Secret, so notifications.yaml (its last file) never names a
      // Secret that is not there yet, and a destroy removes the file before the Secret.
      // Likewise for the teams' Secrets (and namespaces), which their GitRepositories need.
      // And for the cluster variables, which the infrastructure layer substitutes from.
      dependsOn: [flux.bootstrap, ...(commitStatus ? [commitStatus.secret] : []), ...teamSecrets, ...(variables ? [variables.configMap] : [])],
    });

    new TerraformOutput(this, "gitops_path", {
      value: `${gitlab.baseUrl}/${gitlab.project}/-/tree/${gitlab.branch}/${clusterPath}`,
      description: "Where the cluster's Flux objects live in GitLab",
    });
    new TerraformOutput(this, "image_reflector_role_arn", {
      value: reflector.role.arn,
      description: "IAM role Flux's image reflector uses to read ECR",
    });
    if (commitStatus) {
      new TerraformOutput(this, "commit_status_token_expires_at", {
        value: commitStatus.token.expiresAt,
        description: "When the GitLab token for Flux's commit statuses expires; a deploy within flux.commitStatusTokenRotateDays of it rotates the token",
      });
    }
  }

  /**
   * The project access token for commit statuses and its Secret in flux-system, written through a
   * Kubernetes provider that reaches the cluster exactly as the Flux provider does. The Secret
   * waits for the bootstrap, which creates the namespace.
   */
  private commitStatusToken(cluster: ClusterSettings, kubernetes: KubernetesProvider, projectId: string, flux: FluxBootstrap): CommitStatusToken {
    return new CommitStatusToken(this, "commit-status", {
      projectId,
      name: commitStatusTokenName(cluster.name),
      description: `Flux commit statuses of cluster ${cluster.name}; managed and rotated by the ${stackNames.gitops(cluster.name)} stack`,
      expirationDays: cluster.flux.commitStatusTokenDays,
      rotateBeforeDays: cluster.flux.commitStatusTokenRotateDays,
      kubernetesProvider: kubernetes,
      dependsOn: [flux.bootstrap],
    });
  }

  /**
   * The ConfigMap cluster-variables in flux-system, for a cluster with `dns`: what the
   * infrastructure layers substitute (the load balancer controller's VPC id), and what a manifest
   * may name (the zone, the certificate of the exposed hosts).
   */
  private clusterVariables(
    cluster: ClusterSettings,
    clusterOutputs: ClusterOutputs,
    kubernetes: KubernetesProvider,
    accountId: string,
    flux: FluxBootstrap,
  ): ClusterVariables | undefined {
    const dns = clusterOutputs.dns;
    if (!cluster.dns) return undefined;
    // The cluster stack has a zone for every cluster with dns.
    if (!dns) throw new Error(`GitOpsStack: cluster ${cluster.name} has dns, and its cluster stack no zone`);
    return new ClusterVariables(this, "cluster-variables", {
      variables: {
        CLUSTER_NAME: cluster.name,
        CLUSTER_REGION: cluster.region,
        AWS_ACCOUNT_ID: accountId,
        CLUSTER_VPC_ID: dns.vpcId,
        DNS_ZONE: cluster.dns.zoneName,
        DNS_ZONE_ID: dns.zoneId,
        ...(dns.certificateArn ? { CERTIFICATE_ARN: dns.certificateArn } : {}),
      },
      kubernetesProvider: kubernetes,
      dependsOn: [flux.bootstrap],
    });
  }

  /**
   * Each team's namespaces and Git Secret, written before the team's manifests reach Git. The
   * known_hosts of the GitLab SSH host are the ones the bootstrap scanned into flux-system's own
   * Secret (every team project lives on the same host).
   */
  private teamAccess(
    cluster: ClusterSettings,
    kubernetes: KubernetesProvider,
    access: Readonly<Record<string, TeamGitAccess>>,
    flux: FluxBootstrap,
  ): SecretV1[] {
    if (cluster.teams.length === 0) return [];
    const fluxSecret = new DataKubernetesSecretV1(this, "flux-system-secret", {
      provider: kubernetes,
      metadata: { name: "flux-system", namespace: "flux-system" },
      dependsOn: [flux.bootstrap],
    });
    return cluster.teams.map((team) => {
      const key = access[team.name];
      if (!key) throw new Error(`GitOpsStack: no deploy key for team ${team.name} of cluster ${cluster.name}`);
      return new TeamAccess(this, `team-${team.name}`, {
        team: team.name,
        namespaces: team.namespaces,
        secretName: teamGitSecretName(team.name),
        privateKeyPem: Token.asString(Fn.sensitive(key.privateKeyPem)),
        publicKeyOpenssh: key.publicKeyOpenssh,
        knownHosts: Token.asString(Fn.lookup(fluxSecret.data, "known_hosts", "")),
        kubernetesProvider: kubernetes,
        dependsOn: [flux.bootstrap],
      }).secret;
    });
  }
}

/** The Kubernetes provider of a GitOps stack: it reaches the cluster exactly as the Flux provider does. */
function kubernetesProvider(scope: Construct, clusterAt: EksClusterConnectionProps): KubernetesProvider {
  const connection = eksClusterConnection(clusterAt);
  return new KubernetesProvider(scope, "kubernetes", {
    host: connection.host,
    clusterCaCertificate: connection.clusterCaCertificate,
    exec: [connection.exec],
  });
}
