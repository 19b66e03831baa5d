import { Construct } from "constructs";
import { Fn, TerraformOutput, TerraformStack, Token } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataGitlabProject } from "@cdktf/provider-gitlab/lib/data-gitlab-project";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { ecrReadOnlyPolicy } from "./constructs/aws/iam";
import { PodIdentityRole } from "./constructs/aws/pod-identity-role";
import { FluxBootstrap } from "./constructs/gitops/flux-bootstrap";
import { FluxDeployKey } from "./constructs/gitops/flux-deploy-key";
import { RepositoryFiles } from "./constructs/gitops/repository-files";
import { clusterPath as clusterPathOf, renderConfigFiles, templateValuesFor } from "./manifests/render";
import { awsDefaultTags } from "./tags";
import type { ClusterStack } from "./cluster-stack";
import type { ClusterSettings, GitLabSettings } from "./settings/schema";

/** Namespace and service account of Flux's image reflector (fixed by the Flux install). */
export const IMAGE_REFLECTOR = { namespace: "flux-system", serviceAccount: "image-reflector-controller" } as const;

export interface GitOpsStackProps {
  /** One validated cluster entry of the settings. */
  readonly cluster: ClusterSettings;
  /** The GitOps repository. */
  readonly gitlab: GitLabSettings;
  /** The cluster's AWS stack; read through cross-stack references. */
  readonly clusterStack: ClusterStack;
}

/** `ssh://git@host[:port]/group/project.git`: the form the Flux provider accepts. */
export function sshGitUrl(gitlab: Pick<GitLabSettings, "baseUrl" | "project" | "sshHost">): string {
  const host = gitlab.sshHost ?? new URL(gitlab.baseUrl).hostname;
  return `ssh://git@${host}/${gitlab.project}.git`;
}

/**
 * Flux for one cluster: a deploy key on the GitLab project, ECR read access for the image
 * reflector through Pod Identity, the bootstrap, and the rendered manifests of config_files/
 * committed under clusters/<cluster>/.
 */
export class GitOpsStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: GitOpsStackProps) {
    super(scope, id);
    const { cluster, gitlab, clusterStack } = props;
    const clusterPath = clusterPathOf(cluster.name);
    // cdktf marks every cross-stack output sensitive, which would hide the cluster name and the
    // rendered manifests in every plan. None of these values is a secret.
    const fromClusterStack = (value: string) => Token.asString(Fn.nonsensitive(value));
    const clusterName = fromClusterStack(clusterStack.clusterName);
    const ecrRepositoryUrl = fromClusterStack(clusterStack.ecrRepositoryUrl);

    new AwsProvider(this, "aws", { region: cluster.region, defaultTags: [{ tags: awsDefaultTags(cluster) }] });
    // The token comes from GITLAB_TOKEN in the environment at deploy time, never from code or settings.
    new GitlabProvider(this, "gitlab", { baseUrl: `${gitlab.baseUrl}/api/v4/` });
    new TlsProvider(this, "tls");

    const project = new DataGitlabProject(this, "project", {
      pathWithNamespace: gitlab.project,
      lifecycle: {
        postcondition: [
          {
            condition: "${!self.empty_repo}",
            errorMessage: `GitLab project ${gitlab.project} has no commits: Flux cannot bootstrap into an empty repository. Push an initial commit to its default branch first.`,
          },
        ],
      },
    });

    const key = new FluxDeployKey(this, "deploy-key", { projectId: project.id, title: `flux-${cluster.name}` });

    // Controller-level ECR auth: no static keys in the cluster, no token-refresh CronJob.
    const reflector = new PodIdentityRole(this, "image-reflector-identity", {
      clusterName,
      namespace: IMAGE_REFLECTOR.namespace,
      serviceAccount: IMAGE_REFLECTOR.serviceAccount,
      roleName: `${cluster.name}-flux-image-reflector`,
      inlinePolicy: ecrReadOnlyPolicy([fromClusterStack(clusterStack.ecrRepositoryArn)]),
    });

    const flux = new FluxBootstrap(this, "flux", {
      clusterName,
      region: cluster.region,
      clusterEndpoint: fromClusterStack(clusterStack.clusterEndpoint),
      clusterCaData: fromClusterStack(clusterStack.clusterCaData),
      gitUrl: sshGitUrl(gitlab),
      branch: gitlab.branch,
      sshPrivateKeyPem: key.privateKey.privateKeyPem,
      path: clusterPath,
      interval: cluster.flux.interval,
      dependsOn: [key.deployKey, reflector.association],
    });

    const files = renderConfigFiles(templateValuesFor(cluster, gitlab, ecrRepositoryUrl));

    new RepositoryFiles(this, "manifests", {
      projectId: project.id,
      branch: gitlab.branch,
      basePath: clusterPath,
      files,
      label: cluster.name,
      dependsOn: [flux.bootstrap],
    });

    new TerraformOutput(this, "gitops_path", {
      value: `${gitlab.baseUrl}/${gitlab.project}/-/tree/${gitlab.branch}/${clusterPath}`,
      description: "Where the cluster's manifests live in GitLab",
    });
    new TerraformOutput(this, "image_reflector_role_arn", {
      value: reflector.role.arn,
      description: "IAM role Flux's image reflector uses to read ECR",
    });
  }
}
