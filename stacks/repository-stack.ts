import type { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { DataGitlabProject } from "@cdktf/provider-gitlab/lib/data-gitlab-project";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { BranchProtection } from "./constructs/gitlab/branch-protection";
import { DeployIdentity } from "./constructs/gitlab/deploy-identity";
import { FluxDeployKey } from "./constructs/gitlab/flux-deploy-key";
import { gitopsProject } from "./constructs/gitlab/gitops-project";
import { deployKeyTitle, teamDeployKeyTitle } from "./naming";
import { ProjectStack, type ProjectStackProps } from "./project-stack";
import type { ClusterSettings, GitLabSettings } from "./settings/schema";

/** What a cluster's GitOps stack needs to reach the repository as Flux. */
export interface FluxGitAccess {
  /** PEM private key of the cluster's deploy key (a Terraform reference; it stays in state). */
  readonly privateKeyPem: string;
  /** SHA256 fingerprint of its public key, e.g. "SHA256:...". */
  readonly publicKeyFingerprint: string;
}

export interface RepositoryStackProps extends ProjectStackProps {
  /** The GitOps repository. */
  readonly gitlab: GitLabSettings;
  /** Every cluster syncing from it: each gets a deploy key. */
  readonly clusters: readonly ClusterSettings[];
}

/** What a cluster's GitOps stack needs to reach a team's repository as Flux. */
export interface TeamGitAccess {
  /** PEM private key of the team's deploy key (a Terraform reference; it stays in state). */
  readonly privateKeyPem: string;
  /** Its public key in OpenSSH form. */
  readonly publicKeyOpenssh: string;
}

/**
 * The GitOps repository's side of every cluster, in one stack shared by all of them: a Flux
 * deploy key per cluster and the protection of the branch, whose one rule must list every key.
 *
 * The keys live here, not in the clusters' GitOps stacks, so that the rule exists (and allows
 * them) before any bootstrap pushes, and a key is always known when a GitOps stack is planned.
 */
export class RepositoryStack extends ProjectStack {
  private readonly keys = new Map<string, FluxDeployKey>();
  /** Deploy keys on the teams' own projects, by "<cluster>/<team>". */
  private readonly teamKeys = new Map<string, FluxDeployKey>();

  constructor(scope: Construct, id: string, props: RepositoryStackProps) {
    // Its state holds the private keys of every deploy key.
    super(scope, id, { ...props, holdsCredentials: true });
    const { gitlab } = props;

    // The token comes from GITLAB_TOKEN in the environment at deploy time, never from code or settings.
    new GitlabProvider(this, "gitlab", { baseUrl: `${gitlab.baseUrl}/api/v4/` });
    new TlsProvider(this, "tls");

    const project = gitopsProject(this, gitlab);
    const teamProjectPaths = [...new Set(props.clusters.flatMap((c) => c.teams.map((t) => t.gitlabProject)))];
    new DeployIdentity(this, "deploy-identity", {
      projects: [gitlab.project, ...teamProjectPaths],
      neededFor: "the repository stack (deploy keys, branch protection)",
    });

    for (const cluster of props.clusters) {
      this.keys.set(
        cluster.name,
        new FluxDeployKey(this, `flux-key-${cluster.name}`, {
          projectId: project.id,
          title: deployKeyTitle(cluster.name),
          version: cluster.flux.deployKeyVersion,
        }),
      );
    }

    // Each team's own project: a deploy key per cluster that reconciles it, read-only unless the
    // team runs image automation in its repository (which pushes).
    const teamProjects = new Map<string, DataGitlabProject>();
    for (const cluster of props.clusters) {
      for (const team of cluster.teams) {
        const path = team.gitlabProject;
        if (!teamProjects.has(path)) {
          teamProjects.set(path, new DataGitlabProject(this, `team-project-${path.replace(/[^A-Za-z0-9]+/g, "-")}`, { pathWithNamespace: path }));
        }
        this.teamKeys.set(
          `${cluster.name}/${team.name}`,
          new FluxDeployKey(this, `team-key-${cluster.name}-${team.name}`, {
            projectId: teamProjects.get(path)!.id,
            title: teamDeployKeyTitle(cluster.name, team.name),
            canPush: team.imageAutomation,
          }),
        );
      }
    }

    if (gitlab.protectBranch) {
      new BranchProtection(this, "branch-protection", {
        projectId: project.id,
        branch: gitlab.branch,
        deployKeyIds: [...this.keys.values()].map((k) => k.deployKey.deployKeyId),
      });
    }

    new TerraformOutput(this, "flux_deploy_keys", {
      value: Object.fromEntries([...this.keys].map(([name, key]) => [name, { id: key.deployKey.deployKeyId, title: deployKeyTitle(name) }])),
      description: "The Flux deploy key of each cluster, as GitLab lists it",
    });
  }

  /** The deploy key of one team on one cluster, read by that cluster's GitOps stack (cross-stack references). */
  teamGitAccess(clusterName: string, team: string): TeamGitAccess {
    const key = this.teamKeys.get(`${clusterName}/${team}`);
    if (!key) throw new Error(`RepositoryStack: no deploy key for team ${team} of cluster ${clusterName}`);
    return { privateKeyPem: key.privateKey.privateKeyPem, publicKeyOpenssh: key.privateKey.publicKeyOpenssh };
  }

  /** The deploy key of one cluster, read by its GitOps stack (cross-stack references). */
  gitAccess(clusterName: string): FluxGitAccess {
    const key = this.keys.get(clusterName);
    if (!key) throw new Error(`RepositoryStack: no deploy key for cluster ${clusterName}`);
    return {
      privateKeyPem: key.privateKey.privateKeyPem,
      publicKeyFingerprint: key.privateKey.publicKeyFingerprintSha256,
    };
  }
}
