import { remoteReads } from "../../stacks/state/remote-reads";
import type { SynthesizedJson } from "../support";

/* What the state-backend tests read from a synthesized app (state-backend.test.ts and its replay). */

/**
 * The remote-state reads of stack `name` of `stacks`: [the stack read, backend type, config]. The
 * stack read is found by backend (stacks/state/remote-reads.ts), as Terraform finds the state.
 */
export function remoteStates(stacks: Readonly<Record<string, SynthesizedJson>>, name: string): [string, string, Record<string, unknown>][] {
  const producers = remoteReads(stacks).get(name) ?? new Map<string, string>();
  return Object.entries(stacks[name].data?.terraform_remote_state ?? {}).map(([id, block]) => {
    const { backend, config } = block as { backend: string; config: Record<string, unknown> };
    return [producers.get(id)!, backend, config];
  });
}
