import * as fs from "fs";
import * as path from "path";
import { stackNames } from "../naming";
import { rotationTargets, stacksHoldingCredentials, type SynthesizedStack } from "../security/credentials";
import type { Settings } from "../settings/schema";

/** One stack as the pipeline sees it. */
export interface PipelineStack {
  /** The stack's name: its directory in cdktf.out/stacks and its state's name. */
  readonly name: string;
  /** Stacks whose state this one reads through `terraform_remote_state`: they must be applied first. */
  readonly reads: readonly string[];
  /** The GitLab environment its deploys are recorded in. */
  readonly environment: string;
  /** The resource group that serializes its deploys and destroys. */
  readonly resourceGroup: string;
  /** The pipeline stage of its plan and deploy: AWS and GitLab stacks first, then the GitOps stacks. */
  readonly stage: "infrastructure" | "gitops";
  /**
   * Its state holds credentials (stacks/security/credentials.ts): it is planned on the default
   * branch only, by the deploy identity, and its plan file is nobody's download.
   */
  readonly holdsCredentials: boolean;
  /** The addresses a token rotation applies (rotationTargets); none when the stack has no token. */
  readonly rotates: readonly string[];
}

/** The resource group of every GitOps stack: they all commit to one branch, which GitLab rejects when it moved underneath. */
export function gitopsResourceGroup(branch: string): string {
  return `gitops-branch-${branch.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/**
 * The stacks of a synthesized app (`outdir` holds cdktf's manifest.json), in the order the app builds them,
 * with what each one reads. The reads come from the synthesized remote-state blocks, so they are
 * exactly what Terraform will read; the explicit ordering between GitOps stacks is not a read.
 */
export function readStackGraph(outdir: string, settings: Settings): PipelineStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const owner = new Map<string, Omit<PipelineStack, "name" | "reads" | "holdsCredentials" | "rotates">>([
    [stackNames.repository, { environment: stackNames.repository, resourceGroup: stackNames.repository, stage: "infrastructure" }],
  ]);
  for (const cluster of settings.clusters) {
    owner.set(stackNames.cluster(cluster.name), { environment: cluster.name, resourceGroup: stackNames.cluster(cluster.name), stage: "infrastructure" });
    owner.set(stackNames.gitops(cluster.name), { environment: cluster.name, resourceGroup: gitopsResourceGroup(settings.gitlab.branch), stage: "gitops" });
  }
  const unknown = Object.keys(manifest.stacks).filter((name) => !owner.has(name));
  if (unknown.length > 0) throw new Error(`stacks the pipeline does not know: ${unknown.join(", ")} (known: ${[...owner.keys()].join(", ")})`);
  // In the order the app builds them: the repository, then each cluster's stacks in settings order.
  const json = new Map(
    [...owner.keys()].map((name) => {
      const entry = manifest.stacks[name];
      if (!entry) throw new Error(`stack ${name} was not synthesized`);
      return [name, JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8")) as SynthesizedStack] as const;
    }),
  );
  const readsOf = (name: string): string[] =>
    Object.keys(json.get(name)?.data?.terraform_remote_state ?? {})
      .map((id) => id.replace(/^cross-stack-reference-input-/, ""))
      .sort();
  const holding = stacksHoldingCredentials(Object.fromEntries(json), readsOf);
  return [...owner].map(([name, where]) => ({
    name,
    reads: readsOf(name),
    ...where,
    holdsCredentials: holding.has(name),
    rotates: rotationTargets(json.get(name)!),
  }));
}
