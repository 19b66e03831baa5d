import { Construct } from "constructs";
import { Fn, TerraformOutput, Token } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { ecrReadOnlyPolicy } from "./constructs/aws/iam";
import { PodIdentityRole } from "./constructs/aws/pod-identity-role";
import { gitopsProject } from "./constructs/gitlab/gitops-project";
import { eksClusterConnection, type EksClusterConnectionProps } from "./constructs/gitops/cluster-connection";
import { CommitStatusToken } from "./constructs/gitops/commit-status-token";
import { FluxBootstrap } from "./constructs/gitops/flux-bootstrap";
import { RepositoryFiles } from "./constructs/gitops/repository-files";
import { repositoryPaths } from "./layout";
import { renderClusterFiles } from "./manifests/cluster-files";
import { gitlabProjectAddress } from "./manifests/values";
import { commitStatusTokenName, stackNames } from "./naming";
import { ProjectStack, type ProjectStackProps } from "./project-stack";
import type { FluxGitAccess } from "./repository-stack";
import { awsDefaultTags } from "./tags";
import type { ClusterSettings, GitLabSettings } from "./settings/schema";

/** Namespace and service account of Flux's image reflector (fixed by the Flux install). */
export const IMAGE_REFLECTOR = { namespace: "flux-system", serviceAccount: "image-reflector-controller" } as const;

/** One app's ECR repository (cross-stack references). */
export interface EcrRepositoryRef {
  readonly url: string;
  readonly arn: string;
}

/** What the GitOps stack reads from a cluster's AWS stack (cross-stack references). */
export interface ClusterOutputs {
  readonly clusterName: string;
  /** Kubernetes API endpoint (https URL). */
  readonly clusterEndpoint: string;
  /** Base64-encoded PEM of the cluster CA, as EKS returns it. */
  readonly clusterCaData: string;
  /** Each app's ECR repository, by app name. */
  readonly ecrRepositories: Readonly<Record<string, EcrRepositoryRef>>;
}

export interface GitOpsStackProps extends ProjectStackProps {
  /** One validated cluster entry of the settings. */
  readonly cluster: ClusterSettings;
  /** The GitOps repository. */
  readonly gitlab: GitLabSettings;
  /** The cluster's AWS stack. */
  readonly clusterOutputs: ClusterOutputs;
  /** The cluster's deploy key, from the repository stack. */
  readonly gitAccess: FluxGitAccess;
}

/** `ssh://git@host[:port]/group/project.git`: the form the Flux provider accepts. */
export function sshGitUrl(gitlab: Pick<GitLabSettings, "baseUrl" | "project" | "sshHost">): string {
  const host = gitlab.sshHost ?? new URL(gitlab.baseUrl).hostname;
  return `ssh://git@${host}/${gitlab.project}.git`;
}

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
    super(scope, id, props);
    const { cluster, gitlab, clusterOutputs } = props;
    const clusterPath = repositoryPaths.cluster(cluster.name);

    new AwsProvider(this, "aws", { region: cluster.region, defaultTags: [{ tags: awsDefaultTags(cluster) }] });
    // The token comes from GITLAB_TOKEN in the environment at deploy time, never from code or settings.
    new GitlabProvider(this, "gitlab", { baseUrl: `${gitlab.baseUrl}/api/v4/` });

    const project = gitopsProject(this, gitlab);

    // Controller-level ECR auth: no static keys in the cluster, no token-refresh CronJob.
    const reflector = new PodIdentityRole(this, "image-reflector-identity", {
      clusterName: clusterOutputs.clusterName,
      namespace: IMAGE_REFLECTOR.namespace,
      serviceAccount: IMAGE_REFLECTOR.serviceAccount,
      roleName: `${cluster.name}-flux-image-reflector`,
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
      dependsOn: [reflector.association],
    });

    const commitStatus = cluster.flux.commitStatuses ? this.commitStatusToken(cluster, clusterAt, project.id, flux) : undefined;

    new RepositoryFiles(this, "manifests", {
      projectId: project.id,
      branch: gitlab.branch,
      files: renderClusterFiles(
        cluster,
        gitlab,
        Object.fromEntries(cluster.apps.map((app) => [app.name, clusterOutputs.ecrRepositories[app.name].url])),
        // The numeric id, known at plan time: the data source reads it.
        { gitlabProjectAddress: gitlabProjectAddress(gitlab, project.id) },
      ),
      label: cluster.name,
      // The whole chain waits for the Secret, so notifications.yaml (its last file) never names a
      // Secret that is not there yet, and a destroy removes the file before the Secret.
      dependsOn: [flux.bootstrap, ...(commitStatus ? [commitStatus.secret] : [])],
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
  private commitStatusToken(cluster: ClusterSettings, clusterAt: EksClusterConnectionProps, projectId: string, flux: FluxBootstrap): CommitStatusToken {
    const connection = eksClusterConnection(clusterAt);
    const kubernetes = new KubernetesProvider(this, "kubernetes", {
      host: connection.host,
      clusterCaCertificate: connection.clusterCaCertificate,
      exec: [connection.exec],
    });
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
}
