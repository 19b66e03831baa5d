import type { IConstruct } from "constructs";
import { AnnotationMetadataEntryType, Aspects, type IAspect, TerraformStack } from "cdktf";
import { PolicyContext, type PolicyRule } from "./context";
import { ACCEPTABLE_RULE_IDS, type AcceptableRuleId } from "./rule-ids";
import { POLICY_RULES } from "./rules";

/** Accepted risks as the settings hold them: rule id -> the reason. */
export type AcceptedRisks = Partial<Record<AcceptableRuleId, string>>;

const isAcceptable = (id: string): id is AcceptableRuleId => (ACCEPTABLE_RULE_IDS as readonly string[]).includes(id);

/** The message of a violation: the rule, where, what, and how to fix or accept it. */
export function violationMessage(rule: PolicyRule, path: string, detail: string): string {
  const accept = isAcceptable(rule.id)
    ? `; or accept the risk knowingly with settings.policy.acceptedRisks {"${rule.id}": "<why>"}`
    : "; this rule cannot be accepted";
  return `${rule.id} (${rule.title}) on ${path}: ${detail}. Fix: ${rule.fix}${accept}`;
}

/** The message of an accepted violation, naming the setting that accepts it. */
export function acceptedMessage(rule: PolicyRule, path: string, detail: string, reason: string): string {
  return `${rule.id} (${rule.title}) on ${path}: ${detail}; accepted by settings.policy.acceptedRisks.${rule.id}: ${reason}`;
}

/**
 * Checks a stack against the policy rules when it is synthesized: a violation is an error
 * annotation (cdktf then stops the synth), or a warning when the settings accept that rule's risk.
 * Apply it to each stack (aspects on the App do not reach stacks in cdktf).
 */
export class PolicyAspect implements IAspect {
  constructor(
    private readonly acceptedRisks: AcceptedRisks = {},
    private readonly rules: readonly PolicyRule[] = POLICY_RULES,
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack)) return;
    const ctx = new PolicyContext(node);
    for (const rule of this.rules) {
      const reason = isAcceptable(rule.id) ? this.acceptedRisks[rule.id] : undefined;
      for (const finding of rule.check(ctx)) {
        const path = finding.node.node.path;
        // As Annotations.of(node).addWarning/addError, without the stack trace: the synthesized
        // manifest must not depend on where the project lies (synth output is compared byte for byte).
        if (reason !== undefined)
          finding.node.node.addMetadata(AnnotationMetadataEntryType.WARN, acceptedMessage(rule, path, finding.detail, reason), { stackTrace: false });
        else finding.node.node.addMetadata(AnnotationMetadataEntryType.ERROR, violationMessage(rule, path, finding.detail), { stackTrace: false });
      }
    }
  }
}

/** Applies the policy to every stack of the app (call once all stacks exist). */
export function applyPolicy(stacks: readonly TerraformStack[], acceptedRisks: AcceptedRisks): void {
  const aspect = new PolicyAspect(acceptedRisks);
  for (const stack of stacks) Aspects.of(stack).add(aspect);
}

/** cdktf's error for error annotations starts so; the annotations follow, one "[path] message" a line. */
const ANNOTATION_ERROR = 'Encountered Annotations with level "ERROR":';

/**
 * The messages of the error annotations in the error cdktf throws when a stack has any (the
 * policy's violations, and any other construct's errors), or undefined for any other error. The
 * hint cdktf appends (an environment variable that ignores them) is left out: accepting a risk is
 * a setting.
 */
export function policyErrorLines(err: unknown): string[] | undefined {
  if (!(err instanceof Error) || !err.message.startsWith(ANNOTATION_ERROR)) return undefined;
  const lines = err.message.slice(ANNOTATION_ERROR.length).split("\n");
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === "");
  return (end === -1 ? lines : lines.slice(0, end)).filter((line) => line.trim() !== "").map((line) => line.replace(/^\[[^\]]*\] /, ""));
}
