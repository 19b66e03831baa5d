import * as fs from "fs";
import * as path from "path";
import { rotationTargets, stacksHoldingCredentials, type SynthesizedStack } from "../security/credentials";
import type { Settings } from "../settings/schema";
import { stackSet, type PipelineFacts } from "../stack-set";

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

/** A backend's settings, or a `terraform_remote_state` block's config. */
type BackendConfig = Readonly<Record<string, unknown>>;

/** The part of a synthesized stack (cdk.tf.json) the graph reads, beside what credentials.ts reads. */
interface StackJson extends SynthesizedStack {
  /** `{ <backend type>: <its settings> }`: where the stack keeps its state. */
  readonly terraform?: { readonly backend?: Readonly<Record<string, BackendConfig>> };
}

/**
 * The stack whose state a `terraform_remote_state` block reads, by what Terraform reads: the one
 * stack whose backend has the block's type and agrees with its config on every setting both name.
 * cdktf writes the block from the producer's backend settings (stacks/state/state-backend.ts); only
 * the block has what a read adds (S3's workspace) and only the backend what a write needs (S3's
 * use_lockfile), so the settings both name are the state's address: a local path, an HTTP address,
 * an S3 bucket and key. Block ids are cdktf's own naming, which this does not rely on.
 */
function producerOf(reader: string, id: string, block: unknown, backends: ReadonlyMap<string, readonly [string, BackendConfig]>): string {
  const { backend, config = {} } = block as { backend?: string; config?: BackendConfig };
  const matches = [...backends]
    .filter(([, [type, settings]]) => {
      const shared = Object.keys(settings).filter((key) => key in config);
      return type === backend && shared.length > 0 && shared.every((key) => JSON.stringify(settings[key]) === JSON.stringify(config[key]));
    })
    .map(([name]) => name);
  if (matches.length !== 1) {
    throw new Error(
      `${reader}: terraform_remote_state.${id} (${backend} ${JSON.stringify(config)}) reads ${matches.length === 0 ? "no stack's state" : `the state of several stacks: ${matches.join(", ")}`}`,
    );
  }
  return matches[0];
}

/**
 * The stacks of a synthesized app (`outdir` holds cdktf's manifest.json), in the order of
 * stacks/stack-set.ts, with what each one reads. The reads come from the synthesized remote-state
 * blocks, matched to the stack whose state they name, so they are exactly what Terraform will read:
 * not the manifest's `dependencies`, which also hold the explicit ordering between GitOps stacks
 * (not a read; their resource group serializes them), nor a second list beside the cross-stack
 * references the stacks make (a cluster stack reads another only for a shared OIDC provider).
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
  const backends = new Map(
    [...json].map(([name, stack]) => {
      const [entry, ...more] = Object.entries(stack.terraform?.backend ?? {});
      if (!entry || more.length > 0)
        throw new Error(`stack ${name} has ${more.length > 0 ? "several backends" : "no backend"}: no one state the others can read`);
      return [name, entry] as const;
    }),
  );
  const reads = new Map(
    [...json].map(([name, stack]) => {
      const blocks = Object.entries(stack.data?.terraform_remote_state ?? {});
      return [name, [...new Set(blocks.map(([id, block]) => producerOf(name, id, block, backends)))].sort()] as const;
    }),
  );
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
