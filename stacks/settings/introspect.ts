import { settingsSchema } from "./schema";

/*
 * Walking the settings schema generically (for error messages and documentation checks).
 * zod's internal definitions (`_zod.def`) are the only way to do that; `any` below because
 * their shape differs per schema type.
 */
type SchemaNode = { _zod: { def: Record<string, any> } } | undefined;

const WRAPPERS = ["pipe", "default", "prefault", "optional", "nullable", "readonly", "catch"];

/** The schema under defaults, optionals and transforms. */
function unwrap(node: SchemaNode): SchemaNode {
  let def = node?._zod.def;
  while (def && WRAPPERS.includes(def.type)) {
    node = def.type === "pipe" ? def.in : def.innerType;
    def = node?._zod.def;
  }
  return node;
}

/** The object keys the settings schema accepts at `path` (empty when that is no object). */
export function keysAt(path: readonly PropertyKey[]): string[] {
  let node = unwrap(settingsSchema as unknown as SchemaNode);
  for (const segment of path) {
    const def = node?._zod.def;
    if (def?.type === "array" && typeof segment === "number") node = unwrap(def.element);
    else if (def?.type === "object" && typeof segment === "string") node = unwrap(def.shape[segment]);
    else return [];
  }
  const def = node?._zod.def;
  if (def?.type === "object") return Object.keys(def.shape);
  // A record keyed by an enum (policy.acceptedRisks): its keys are the enum's values.
  const keys = def?.type === "record" ? unwrap(def.keyType)?._zod.def : undefined;
  return keys?.type === "enum" ? Object.values(keys.entries as Record<string, string>) : [];
}

/** Dotted paths of every leaf setting under `schema`, lists written as `[]` (e.g. `clusters[].eks.logTypes`). */
export function leafPaths(schema: unknown = settingsSchema, prefix = ""): string[] {
  const node = unwrap(schema as SchemaNode);
  const def = node?._zod.def;
  const join = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (def?.type === "object") return Object.entries(def.shape).flatMap(([key, child]) => leafPaths(child, join(key)));
  if (def?.type === "array" && unwrap(def.element)?._zod.def.type === "object") return leafPaths(def.element, `${prefix}[]`);
  return [prefix];
}
