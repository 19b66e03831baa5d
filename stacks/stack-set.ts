import { stackNames } from "./naming";
import type { ClusterSettings, Settings } from "./settings/schema";

/** The pipeline stage of a stack's plan and deploy: AWS and GitLab stacks first, then the GitOps stacks. */
export type PipelineStage = "infrastructure" | "gitops";

/** Where a stack's deploys land in the pipeline. */
export interface PipelineFacts {
  /** The stack's name: its construct id, its directory in cdktf.out/stacks and its state's name. */
  readonly name: string;
  /** The GitLab environment its deploys are recorded in. */
  readonly environment: string;
  /** The resource group that serializes its deploys and destroys. */
  readonly resourceGroup: string;
  /** The pipeline stage of its plan and deploy. */
  readonly stage: PipelineStage;
}

/**
 * One stack of the app: what main.ts builds and what the pipeline deploys.
 * - `repository`: deploy keys and branch protection of the GitOps repository, shared by every cluster;
 * - `cluster`: AWS for one cluster (network, EKS, nodes, add-ons, ECR);
 * - `gitops`: Flux and the committed manifests of one cluster, reading the other two.
 */
export type DeclaredStack =
  (PipelineFacts & { readonly kind: "repository" }) | (PipelineFacts & { readonly kind: "cluster" | "gitops"; readonly cluster: ClusterSettings });

/** The resource group of every GitOps stack: they all commit to one branch, which GitLab rejects when it moved underneath. */
export function gitopsResourceGroup(branch: string): string {
  return `gitops-branch-${branch.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/**
 * Every stack the settings declare, in the order the app builds them: the repository stack, then
 * each cluster's AWS stack and GitOps stack, in settings order (a stack comes after those it reads).
 * The one list of stacks: main.ts builds from it and the pipeline (stacks/pipeline/) reads it.
 */
export function stackSet(settings: Pick<Settings, "gitlab" | "clusters">): DeclaredStack[] {
  const repository = stackNames.repository;
  return [
    { kind: "repository", name: repository, environment: repository, resourceGroup: repository, stage: "infrastructure" },
    ...settings.clusters.flatMap((cluster): DeclaredStack[] => {
      const eks = stackNames.cluster(cluster.name);
      return [
        { kind: "cluster", cluster, name: eks, environment: cluster.name, resourceGroup: eks, stage: "infrastructure" },
        {
          kind: "gitops",
          cluster,
          name: stackNames.gitops(cluster.name),
          environment: cluster.name,
          resourceGroup: gitopsResourceGroup(settings.gitlab.branch),
          stage: "gitops",
        },
      ];
    }),
  ];
}
