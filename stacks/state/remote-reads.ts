/*
 * Which stack a `terraform_remote_state` block reads, found the way Terraform finds the state: by
 * the block's backend and config, matched against each stack's own backend. cdktf writes the block
 * from the producer's backend settings (stacks/state/state-backend.ts); only the block has what a
 * read adds (S3's workspace) and only the backend what a write needs (S3's use_lockfile), so the
 * settings both name are the state's address: a local path, an HTTP address, an S3 bucket and key.
 * Block ids are cdktf's own naming, which nothing here relies on. The pipeline's stack graph
 * (stacks/pipeline/stack-graph.ts) and the tests that follow a cross-stack read both use this.
 */

/** A backend's settings, or a `terraform_remote_state` block's config. */
export type BackendConfig = Readonly<Record<string, unknown>>;

/** The parts of a synthesized stack (cdk.tf.json) this reads. */
export interface StackWithState {
  /** `{ <backend type>: <its settings> }`: where the stack keeps its state. */
  readonly terraform?: { readonly backend?: unknown };
  readonly data?: { readonly terraform_remote_state?: Readonly<Record<string, unknown>> };
}

/** Where `stack` keeps its state: its one backend's type and settings; throws when it has none or several. */
export function backendOf(name: string, stack: StackWithState): readonly [string, BackendConfig] {
  const [entry, ...more] = Object.entries((stack.terraform?.backend ?? {}) as Record<string, BackendConfig>);
  if (!entry || more.length > 0) throw new Error(`stack ${name} has ${more.length > 0 ? "several backends" : "no backend"}: no one state the others can read`);
  return entry;
}

/**
 * The one stack of `backends` whose state the block `id` of stack `reader` reads; throws naming the
 * block when no stack's state matches, or several do.
 */
export function producerOf(reader: string, id: string, block: unknown, backends: ReadonlyMap<string, readonly [string, BackendConfig]>): string {
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

/** For each stack of an app, its remote-state blocks by id, each with the stack whose state it reads. */
export function remoteReads(stacks: Readonly<Record<string, StackWithState>>): Map<string, Map<string, string>> {
  const backends = new Map(Object.entries(stacks).map(([name, stack]) => [name, backendOf(name, stack)] as const));
  return new Map(
    Object.entries(stacks).map(([name, stack]) => [
      name,
      new Map(Object.entries(stack.data?.terraform_remote_state ?? {}).map(([id, block]) => [id, producerOf(name, id, block, backends)] as const)),
    ]),
  );
}

/** The id of the block of stack `reader` that reads `producer`'s state; throws when there is none. */
export function remoteStateBlock(stacks: Readonly<Record<string, StackWithState>>, reader: string, producer: string): string {
  const reads = remoteReads(stacks).get(reader);
  if (!reads) throw new Error(`no stack ${reader} (stacks: ${Object.keys(stacks).join(", ")})`);
  const id = [...reads].find(([, from]) => from === producer)?.[0];
  if (id === undefined) throw new Error(`stack ${reader} reads no state of ${producer} (it reads: ${[...new Set(reads.values())].join(", ") || "none"})`);
  return id;
}
