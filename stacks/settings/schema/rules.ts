/*
 * How the cross-field rules of the settings are written: a rule is a named function of the parsed
 * value that reports its refusals to a zod-like context, so a superRefine is only the list of its
 * rules, and a test can call one rule alone with a minimal value.
 */

/**
 * A refusal as a rule reports it: the path is relative to the value the rule checks. A type literal,
 * not an interface: zod's issue type has an index signature, which only a type literal satisfies implicitly.
 */
export type CustomIssue = {
  readonly code: "custom";
  readonly path: (string | number)[];
  readonly input: unknown;
  readonly message: string;
};

/** What a rule needs of zod's refinement context (a `z.RefinementCtx` is one). */
export interface RuleContext {
  addIssue(issue: CustomIssue): void;
}

/** A cross-field rule: reports each refusal of `value` to `ctx`, in the order the user should read them. */
export type Rule<T> = (value: T, ctx: RuleContext) => void;

/** Reports one custom refusal. */
export function refuse(ctx: RuleContext, path: (string | number)[], input: unknown, message: string): void {
  ctx.addIssue({ code: "custom", path, input, message });
}

/**
 * A check of one element of a list, made once per checked value so that it can remember the
 * elements before (to refuse a repeated name, say).
 */
export type ElementCheck<T, E> = (value: T, ctx: RuleContext) => (element: E, index: number) => void;

/**
 * Runs `checks` element by element: every check of the first element, then of the second, so that
 * one element's refusals come together, in the order of `checks`, and a refusal the dedup of
 * load.ts keeps (the first per path) is the first check's.
 */
export function eachElement<T, E>(value: T, elements: readonly E[], ctx: RuleContext, checks: readonly ElementCheck<T, E>[]): void {
  const each = checks.map((check) => check(value, ctx));
  elements.forEach((element, i) => each.forEach((check) => check(element, i)));
}
