import type { SynthesizedJson } from "../support";

/* What the state-backend tests read from a synthesized stack (state-backend.test.ts and its replay). */

/** The remote-state reads of a stack: [the stack read, backend type, config]. */
export function remoteStates(json: SynthesizedJson): [string, string, Record<string, unknown>][] {
  return Object.entries(json.data?.terraform_remote_state ?? {}).map(([id, block]) => {
    const { backend, config } = block as { backend: string; config: Record<string, unknown> };
    return [id.replace(/^cross-stack-reference-input-/, ""), backend, config];
  });
}
