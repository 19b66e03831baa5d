import { providerOf, type TerraformJson } from "./stack-config";

/*
 * What `terraform validate` does not check: every key of every provider block, resource and data
 * source, nested to the leaves, against the schema the real provider reports
 * (`terraform providers schema -json`). Validate rejects an unknown top-level argument, but a key
 * inside a nested attribute of a plugin-framework provider (the Flux provider's `git.ssh`, its
 * `kubernetes.exec`) or inside an object-typed attribute is dropped without a word.
 */

/** A cty type as the schema JSON writes it: "string", ["list", T], ["object", {k: T}], ... */
type CtyType = string | [string, unknown];

interface SchemaAttribute {
  type?: CtyType;
  sensitive?: boolean;
  nested_type?: { attributes: Record<string, SchemaAttribute>; nesting_mode: "single" | "list" | "set" | "map" };
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}

export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, { nesting_mode: "single" | "group" | "list" | "set" | "map"; block: SchemaBlock }>;
}

interface ProviderSchema {
  provider?: { block: SchemaBlock };
  resource_schemas?: Record<string, { block: SchemaBlock }>;
  data_source_schemas?: Record<string, { block: SchemaBlock }>;
}

/** The output of `terraform providers schema -json`. */
export interface ProvidersSchema {
  provider_schemas: Record<string, ProviderSchema>;
}

/** Meta-arguments Terraform itself reads (https://developer.hashicorp.com/terraform/language/meta-arguments); "//" is a JSON comment. */
const META: Record<"resource" | "data" | "provider", ReadonlySet<string>> = {
  resource: new Set(["//", "count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"]),
  data: new Set(["//", "count", "for_each", "depends_on", "provider", "lifecycle"]),
  provider: new Set(["//", "alias"]),
};
const LIFECYCLE = new Set(["create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by", "precondition", "postcondition"]);

/** A value Terraform evaluates (a `${...}` template as a whole): its shape is not known before then. */
const isExpression = (value: unknown) => typeof value === "string" && /^\$\{[\s\S]*\}$/.test(value);

/** Where each problem is: `<block address>.<key path>: <what is wrong>`. */
export type SchemaProblem = string;

/** Checks `value` against a nested block; `where` is the path so far. */
function checkBlock(block: SchemaBlock, value: unknown, where: string, meta: ReadonlySet<string>, problems: SchemaProblem[]): void {
  if (isExpression(value)) return;
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    problems.push(`${where}: expected a block (object), got ${JSON.stringify(value)}`);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const at = `${where}.${key}`;
    if (meta.has(key)) {
      if (key === "lifecycle")
        for (const item of [child].flat())
          for (const k of Object.keys((item as object) ?? {})) if (!LIFECYCLE.has(k)) problems.push(`${at}.${k}: not a lifecycle argument`);
      continue;
    }
    if (key === "dynamic" && child && typeof child === "object") {
      for (const [name, spec] of Object.entries(child)) {
        const nested = block.block_types?.[name];
        if (!nested) problems.push(`${at}.${name}: no such nested block for a dynamic block`);
        else checkBlock(nested.block, (spec as { content?: unknown }).content ?? {}, `${at}.${name}.content`, new Set(), problems);
      }
      continue;
    }
    const attribute = block.attributes?.[key];
    const nested = block.block_types?.[key];
    if (attribute) {
      if (attribute.computed && !attribute.optional && !attribute.required) problems.push(`${at}: read-only (computed) attribute set`);
      checkAttribute(attribute, child, at, problems);
    } else if (nested) {
      if (isExpression(child)) continue;
      const items = nested.nesting_mode === "map" ? Object.values(child as object) : Array.isArray(child) ? child : [child];
      items.forEach((item, i) =>
        checkBlock(nested.block, item, nested.nesting_mode === "map" || !Array.isArray(child) ? at : `${at}[${i}]`, new Set(), problems),
      );
    } else {
      problems.push(`${at}: not in the provider's schema`);
    }
  }
}

function checkAttribute(attribute: SchemaAttribute, value: unknown, where: string, problems: SchemaProblem[]): void {
  if (isExpression(value) || value === null) return;
  if (attribute.nested_type) {
    const { attributes, nesting_mode } = attribute.nested_type;
    const asBlock: SchemaBlock = { attributes };
    if (nesting_mode === "single") checkBlock(asBlock, value, where, new Set(), problems);
    else if (nesting_mode === "map") for (const [k, v] of Object.entries(value as object)) checkBlock(asBlock, v, `${where}["${k}"]`, new Set(), problems);
    else if (Array.isArray(value)) value.forEach((item, i) => checkBlock(asBlock, item, `${where}[${i}]`, new Set(), problems));
    else problems.push(`${where}: expected a list of objects, got ${JSON.stringify(value)}`);
    return;
  }
  if (attribute.type !== undefined) checkType(attribute.type, value, where, problems);
}

/** Object keys inside cty types (objects, and objects in lists, sets, maps and tuples). */
function checkType(type: CtyType, value: unknown, where: string, problems: SchemaProblem[]): void {
  if (isExpression(value) || value === null || typeof type === "string") return;
  const [kind, inner] = type;
  if (kind === "object" && value && typeof value === "object" && !Array.isArray(value)) {
    const fields = inner as Record<string, CtyType>;
    for (const [k, v] of Object.entries(value)) {
      if (!(k in fields)) problems.push(`${where}.${k}: not an attribute of this object type`);
      else checkType(fields[k], v, `${where}.${k}`, problems);
    }
  } else if ((kind === "list" || kind === "set") && Array.isArray(value)) {
    value.forEach((item, i) => checkType(inner as CtyType, item, `${where}[${i}]`, problems));
  } else if (kind === "map" && value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) checkType(inner as CtyType, v, `${where}["${k}"]`, problems);
  } else if (kind === "tuple" && Array.isArray(value)) {
    value.forEach((item, i) => checkType((inner as CtyType[])[i], item, `${where}[${i}]`, problems));
  }
}

/**
 * Every key of `config`'s provider blocks, resources and data sources that the schema of its
 * provider lacks (or a read-only attribute set), as `<address>.<path>: <problem>` lines.
 * `sources` maps a provider's local name to its schema key (`registry.terraform.io/<source>`).
 */
export function schemaProblems(config: TerraformJson, schema: ProvidersSchema, sources: Readonly<Record<string, string>>): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const schemaOf = (localName: string) => {
    const key = localName === "terraform" ? "terraform.io/builtin/terraform" : sources[localName];
    const found = key ? schema.provider_schemas[key] : undefined;
    if (!found) problems.push(`provider ${localName} (${key ?? "no source"}): no schema`);
    return found;
  };
  for (const [name, blocks] of Object.entries(config.provider ?? {})) {
    const provider = schemaOf(name)?.provider;
    if (provider) for (const [i, body] of blocks.entries()) checkBlock(provider.block, body, `provider.${name}[${i}]`, META.provider, problems);
  }
  for (const kind of ["resource", "data"] as const) {
    for (const [type, instances] of Object.entries(config[kind] ?? {})) {
      const schemas = schemaOf(providerOf(type));
      if (!schemas) continue;
      const found = (kind === "resource" ? schemas.resource_schemas : schemas.data_source_schemas)?.[type];
      for (const [name, body] of Object.entries(instances)) {
        const address = `${kind === "data" ? "data." : ""}${type}.${name}`;
        if (!found) problems.push(`${address}: the provider has no ${kind === "data" ? "data source" : "resource"} ${type}`);
        else checkBlock(found.block, body, address, META[kind], problems);
      }
    }
  }
  return problems;
}

/** Whether a block, or any block nested in it, has an attribute the provider marks sensitive. */
function hasSensitive(block: SchemaBlock): boolean {
  const attribute = (a: SchemaAttribute): boolean => a.sensitive === true || Object.values(a.nested_type?.attributes ?? {}).some(attribute);
  return Object.values(block.attributes ?? {}).some(attribute) || Object.values(block.block_types ?? {}).some((nested) => hasSensitive(nested.block));
}

/**
 * The resource and data-source types `config` uses whose schema marks an attribute sensitive
 * (Terraform keeps those values in state), as "resource.<type>" / "data.<type>", and the types
 * whose provider has no schema in `schema` (not checked), by the same name.
 */
export function sensitiveBlockTypes(
  config: TerraformJson,
  schema: ProvidersSchema,
  sources: Readonly<Record<string, string>>,
): { sensitive: string[]; unchecked: string[] } {
  const sensitive = new Set<string>();
  const unchecked = new Set<string>();
  for (const kind of ["resource", "data"] as const) {
    for (const type of Object.keys(config[kind] ?? {})) {
      const local = providerOf(type);
      // Terraform's built-in provider (terraform_data, terraform_remote_state) is in every schema.
      const provider = schema.provider_schemas[sources[local] ?? (local === "terraform" ? "terraform.io/builtin/terraform" : "")];
      const block = (kind === "resource" ? provider?.resource_schemas : provider?.data_source_schemas)?.[type]?.block;
      if (!block) unchecked.add(`${kind}.${type}`);
      else if (hasSensitive(block)) sensitive.add(`${kind}.${type}`);
    }
  }
  return { sensitive: [...sensitive].sort(), unchecked: [...unchecked].sort() };
}
