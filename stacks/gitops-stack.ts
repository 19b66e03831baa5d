import { Construct } from "constructs";
import { Fn, TerraformOutput, Token } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { ecrReadOnlyPolicy } from "./constructs/aws/iam";
import { PodIdentityRole } from "./constructs/aws/pod-identity-role";
import { gitopsProject } from "./constructs/gitlab/gitops-project";
import { FluxBootstrap } from "./constructs/gitops/flux-bootstrap";
import { RepositoryFiles } from "./constructs/gitops/repository-files";
import { repositoryPaths } from "./layout";
import { renderClusterFiles } from "./manifests/cluster-files";
import { ProjectStack, type ProjectStackProps } from "./project-stack";
import type { FluxGitAccess } from "./repository-stack";
import { awsDefaultTags } from "./tags";
import type { ClusterSettings, GitLabSettings } from "./settings/schema";

/** Namespace and service account of Flux's image reflector (fixed by the Flux install). */
export const IMAGE_REFLECTOR = { namespace: "flux-system", serviceAccount: "image-reflector-controller" } as const;

/** What the GitOps stack reads from a cluster's AWS stack (cross-stack references). */
export interface ClusterOutputs {
  readonly clusterName: string;
  /** Kubernetes API endpoint (https URL). */
  readonly clusterEndpoint: string;
  /** Base64-encoded PEM of the cluster CA, as EKS returns it. */
  readonly clusterCaData: string;
  readonly ecrRepositoryUrl: string;
  readonly ecrRepositoryArn: string;
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
 * bootstrap (with the cluster's deploy key from the repository stack), and the rendered
 * manifests of config_files/ committed in the order stacks/layout.ts gives.
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
      inlinePolicy: ecrReadOnlyPolicy([clusterOutputs.ecrRepositoryArn]),
    });

    const flux = new FluxBootstrap(this, "flux", {
      clusterName: clusterOutputs.clusterName,
      region: cluster.region,
      clusterEndpoint: clusterOutputs.clusterEndpoint,
      clusterCaData: clusterOutputs.clusterCaData,
      gitUrl: sshGitUrl(gitlab),
      branch: gitlab.branch,
      sshPrivateKeyPem: Token.asString(Fn.sensitive(props.gitAccess.privateKeyPem)),
      deployKeyFingerprint: props.gitAccess.publicKeyFingerprint,
      commitAuthor: gitlab.commitAuthor,
      path: clusterPath,
      interval: cluster.flux.interval,
      dependsOn: [reflector.association],
    });

    new RepositoryFiles(this, "manifests", {
      projectId: project.id,
      branch: gitlab.branch,
      files: renderClusterFiles(cluster, gitlab, clusterOutputs.ecrRepositoryUrl),
      label: cluster.name,
      dependsOn: [flux.bootstrap],
    });

    new TerraformOutput(this, "gitops_path", {
      value: `${gitlab.baseUrl}/${gitlab.project}/-/tree/${gitlab.branch}/${clusterPath}`,
      description: "Where the cluster's Flux objects live in GitLab",
    });
    new TerraformOutput(this, "image_reflector_role_arn", {
      value: reflector.role.arn,
      description: "IAM role Flux's image reflector uses to read ECR",
    });
  }
}
