import { type App, AnnotationMetadataEntryType, Testing, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PolicyAspect, type AcceptedRisks } from "../../stacks/policy/aspect";
import type { Settings } from "../../stacks/settings/schema";

/** One annotation the policy left on a construct. */
export interface PolicyNote {
  readonly level: "error" | "warning";
  /** The rule id the message starts with. */
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

// Metadata types are plain strings; these are the two the policy writes.
const ERROR: string = AnnotationMetadataEntryType.ERROR;
const WARN: string = AnnotationMetadataEntryType.WARN;

/** The policy's annotations on a stack and everything in it. */
export function notesOf(stack: Construct): PolicyNote[] {
  return stack.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === ERROR || m.type === WARN)
      .map((m) => ({
        level: m.type === ERROR ? ("error" as const) : ("warning" as const),
        rule: String(m.data).split(" ")[0],
        path: c.node.path,
        message: String(m.data),
      })),
  );
}

/** Builds constructs in a bare stack with an AWS provider and runs the policy on it, as synth does. */
export function checkConstructs(build: (scope: Construct) => void, acceptedRisks: AcceptedRisks = {}): PolicyNote[] {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "us-west-2" });
  build(stack);
  new PolicyAspect(acceptedRisks).visit(stack);
  return notesOf(stack);
}

/** The whole app for `settings`, its stacks checked as synth checks them (without writing anything). */
export function checkApp(settings: Settings): PolicyNote[] {
  // Required lazily: main.ts pulls in every stack.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (the line above)
  const { buildApp } = require("../../main") as typeof import("../../main");
  const app: App = buildApp(Testing.app(), settings);
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  // Cross-stack references are wired when the stacks are prepared, as App.synth does first.
  stacks.forEach((s) => s.prepareStack());
  stacks.forEach((s) => new PolicyAspect(settings.policy.acceptedRisks).visit(s));
  return stacks.flatMap(notesOf);
}
