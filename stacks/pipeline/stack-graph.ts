import * as fs from "fs";
import * as path from "path";
import { rotationTargets, stacksHoldingCredentials, type SynthesizedStack } from "../security/credentials";
import type { Settings } from "../settings/schema";
import { stackSet, type PipelineFacts } from "../stack-set";
import { remoteReads, type StackWithState } from "../state/remote-reads";

/** One stack as the pipeline sees it: its declaration's pipeline facts (stacks/stack-set.ts) and what its synthesized Terraform reads. */
export interface PipelineStack extends PipelineFacts {
  /** Stacks whose state this one reads through `terraform_remote_state`: they must be applied first. */
  readonly reads: readonly string[];
  /**
   * Its state holds credentials (stacks/security/credentials.ts): it is planned on the default
   * branch only, by the deploy identity, and its plan file is nobody's download.
   */
  readonly holdsCredentials: boolean;
  /** The addresses a token rotation applies (rotationTargets); none when the stack has no token. */
  readonly rotates: readonly string[];
}

/** The part of a synthesized stack (cdk.tf.json) the graph reads, beside what credentials.ts reads. */
type StackJson = SynthesizedStack & StackWithState;

/**
 * The stacks of a synthesized app (`outdir` holds cdktf's manifest.json), in the order of
 * stacks/stack-set.ts, with what each one reads. The reads come from the synthesized remote-state
 * blocks, matched to the stack whose state they name (stacks/state/remote-reads.ts), so they are
 * exactly what Terraform will read: not the manifest's `dependencies`, which also hold the explicit
 * ordering between GitOps stacks (not a read; their resource group serializes them), nor a second
 * list beside the cross-stack references the stacks make (a cluster stack reads another only for a
 * shared OIDC provider).
 */
export function readStackGraph(outdir: string, settings: Settings): PipelineStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const declared = stackSet(settings);
  const names = new Set(declared.map((stack) => stack.name));
  const unknown = Object.keys(manifest.stacks).filter((name) => !names.has(name));
  if (unknown.length > 0) throw new Error(`stacks the pipeline does not know: ${unknown.join(", ")} (known: ${[...names].join(", ")})`);
  const json = new Map(
    declared.map(({ name }) => {
      const entry = manifest.stacks[name];
      if (!entry) throw new Error(`stack ${name} was not synthesized`);
      return [name, JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8")) as StackJson] as const;
    }),
  );
  const producers = remoteReads(Object.fromEntries(json));
  const reads = new Map([...producers].map(([name, blocks]) => [name, [...new Set(blocks.values())].sort()] as const));
  const readsOf = (name: string): string[] => reads.get(name) ?? [];
  const holding = stacksHoldingCredentials(Object.fromEntries(json), readsOf);
  return declared.map(({ name, environment, resourceGroup, stage }) => ({
    name,
    reads: readsOf(name),
    environment,
    resourceGroup,
    stage,
    holdsCredentials: holding.has(name),
    rotates: rotationTargets(json.get(name)!),
  }));
}
