import type { IConstruct } from "constructs";
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformResource, type TerraformStack, Tokenization } from "cdktf";
import type { RuleId } from "./rule-ids";
import { terraformAddress } from "../constructs/terraform/address";
import { escapeRegExp } from "../text";

/** One resource of a stack as Terraform will see it: snake_case attributes, references as `${type.id.attr}`. */
export interface ResourceView {
  readonly construct: TerraformResource;
  /** e.g. aws_eks_cluster */
  readonly type: string;
  /** e.g. aws_eks_cluster.eks_cluster_1A2B3C4D: how other resources refer to it. */
  readonly address: string;
  /** Its arguments: arbitrary Terraform JSON, so a rule checks what it reads. */
  readonly config: JsonObject;
}

/** An object of Terraform JSON: its values are whatever the resource's schema allows. */
export type JsonObject = Record<string, unknown>;

/** What a rule found wrong, on which construct. */
export interface Finding {
  readonly node: IConstruct;
  /** What is wrong, in words, for this construct. */
  readonly detail: string;
}

/** One control checked at synth. */
export interface PolicyRule {
  /** The checkov check it mirrors, or an EFG_* id of ours. */
  readonly id: RuleId;
  /** What it asks for, in a few words. */
  readonly title: string;
  /** What to change when it fails. */
  readonly fix: string;
  check(ctx: PolicyContext): Finding[];
}

/** A block Terraform JSON may write as one object or as a list of them, as a list. */
export function blocks(value: unknown): JsonObject[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is JsonObject => typeof v === "object" && v !== null);
}

/** A value that is a list or one item, as a list. */
export function asList<T = unknown>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

/** A value as a finding quotes it: a string (a literal, or a `${...}` reference) as it is, anything else as JSON. */
export function textOf(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

/** A JSON policy document held in a string, parsed; undefined when it is an expression (jsonencode, a reference). */
export function parsePolicy(value: unknown): { Statement?: unknown } | undefined {
  if (typeof value !== "string") return typeof value === "object" && value !== null ? value : undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The statements of a policy document, as a list. */
export function statements(policy: { Statement?: unknown } | undefined): JsonObject[] {
  return blocks(policy?.Statement);
}

/**
 * One stack seen by the rules: its resources resolved once, as they will be synthesized, and
 * every element (resources, data sources, providers, backend, outputs) for the rules that read all.
 */
export class PolicyContext {
  private resourceViews?: ResourceView[];
  private elementJson?: { node: TerraformElement; json: unknown }[];

  constructor(readonly stack: TerraformStack) {}

  get resources(): ResourceView[] {
    // From the elements' JSON: each element is resolved once, for every rule.
    this.resourceViews ??= this.elements
      .filter((e): e is { node: TerraformResource; json: unknown } => e.node instanceof TerraformResource)
      .map(({ node: construct, json }) => {
        // toTerraform: { resource: { <type>: { <id>: config } } }
        const config =
          (json as { resource?: Record<string, Record<string, JsonObject>> }).resource?.[construct.terraformResourceType]?.[construct.friendlyUniqueId] ?? {};
        return { construct, type: construct.terraformResourceType, address: terraformAddress(construct), config };
      });
    return this.resourceViews;
  }

  /** Every Terraform element of the stack with its synthesized JSON (backend blocks included). */
  get elements(): { node: TerraformElement; json: unknown }[] {
    this.elementJson ??= this.stack.node
      .findAll()
      .filter((c): c is TerraformElement => c instanceof TerraformElement)
      .map((node) => ({ node, json: this.resolve(node.toTerraform()) }));
    return this.elementJson;
  }

  /** Tokens resolved as the stack's synthesis resolves them (references become `${...}` strings). */
  private resolve(value: unknown): unknown {
    return Tokenization.resolve(value, { scope: this.stack, preparing: false, resolver: RESOLVER });
  }

  ofType(type: string): ResourceView[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** Whether `value` (any attribute, however nested) refers to an attribute of `target`. */
  refersTo(value: unknown, target: ResourceView): boolean {
    const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
    return text.includes(`${target.address}.`) && new RegExp(`\\$\\{[^}]*\\b${escapeRegExp(target.address)}\\.`).test(text);
  }

  /** The resources of `type` that `value` refers to. */
  referenced(value: unknown, type: string): ResourceView[] {
    return this.ofType(type).filter((r) => this.refersTo(value, r));
  }
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());
