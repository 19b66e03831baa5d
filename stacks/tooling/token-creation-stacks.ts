// cdktf records where every token was created: each Intrinsic, Lazy, dynamic block and computed
// list captures a complete stack trace (Error.stackTraceLimit raised to MAX_SAFE_INTEGER, the
// frames formatted at once) in its constructor. The trace appears in one message only, the error
// for a token that cannot be resolved, which is a bug in the app, not in the settings. A fleet of
// 10 clusters with 10 apps creates tens of thousands of tokens: the traces cost about 0.6 s, and
// with --enable-source-maps (cdktf.json's app) each frame is also mapped back to TypeScript, 1.6 s
// more, about a third of the fleet's synth.
//
// cdktf 0.21.0 is the final release (archived 2025-12-10, pinned exactly in package.json), so the
// module below cannot move under us. Every caller reads `captureStackTrace` from its exports
// object at call time, which is what lets one assignment here turn the traces off.
// SYNTH_STACK_TRACE=1, the switch main.ts already gives for a failing synth's stack trace, keeps
// them. test/tooling/token-creation-stacks.test.ts checks both and that the output is unchanged.

/** The part of cdktf's private stack-trace module this replaces. */
interface StackTraceModule {
  captureStackTrace: (below?: unknown) => string[];
}

// The module's path inside the cdktf package: cdktf declares no "exports", so it can be required.
const STACK_TRACE_MODULE = "cdktf/lib/tokens/private/stack-trace";

/**
 * Stops cdktf from capturing a creation stack trace for each token, unless `env.SYNTH_STACK_TRACE`
 * is set. Tokens then carry an empty creation stack (cdktf's own value when a trace is empty).
 * Returns whether the traces are off.
 */
export function skipTokenCreationStacks(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.SYNTH_STACK_TRACE) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a private module, typed by the interface above
  const stackTrace = require(STACK_TRACE_MODULE) as StackTraceModule;
  stackTrace.captureStackTrace = () => [];
  return true;
}
