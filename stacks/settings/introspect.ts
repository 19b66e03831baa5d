import { z } from "zod";
import { settingsSchema } from "./schema";

/*
 * Walking the settings schema generically (for error messages and documentation checks), through
 * zod's public JSON Schema export rather than its internal definitions, so a zod update cannot
 * silently change what the walk sees.
 *
 * `io: "input"` describes what cdktf.json may hold: objects under a `.transform()` keep their
 * properties (the output side of a transform has no JSON form), and a key with a default is not
 * required. Refinements have no JSON form either; `unrepresentable: "any"` renders them as `{}`
 * instead of throwing. One consequence: zod drops the `default` of a schema that transforms (it
 * is an output value), so a default belongs before a `.transform()`, not after it.
 */

/** The parts of a JSON Schema node the walk reads (zod emits draft 2020-12). */
export interface JsonSchemaNode {
  readonly type?: string | string[];
  readonly description?: string;
  /** What applies when the setting is left out, in words (GlobalMeta in schema/common.ts). */
  readonly defaultInWords?: string;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchemaNode;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly propertyNames?: { readonly enum?: readonly unknown[] };
}

let cached: JsonSchemaNode | undefined;

/** The settings schema as JSON Schema (input side), computed once. */
export function settingsJsonSchema(): JsonSchemaNode {
  cached ??= z.toJSONSchema(settingsSchema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  return cached;
}

/** The object keys the settings schema accepts at `path` (empty when that is no object). */
export function keysAt(path: readonly PropertyKey[]): string[] {
  let node: JsonSchemaNode | undefined = settingsJsonSchema();
  for (const segment of path) {
    if (typeof segment === "number") node = node?.items;
    else if (typeof segment === "string") node = node?.properties?.[segment];
    else return [];
  }
  if (node?.properties) return Object.keys(node.properties);
  // A record keyed by an enum (policy.acceptedRisks): its keys are the enum's values.
  return node?.propertyNames?.enum?.map(String) ?? [];
}

/** One setting the user writes a value for: a JSON Schema node without properties of its own. */
export interface SettingLeaf {
  /** Dotted path, lists written as `[]` (e.g. `clusters[].eks.logTypes`). */
  readonly path: string;
  readonly schema: JsonSchemaNode;
  /** Required in its object (no default, not optional). */
  readonly required: boolean;
}

/** A node of the settings schema: a leaf setting, or an object or list of objects with settings in it. */
export interface SettingNode extends SettingLeaf {
  /** A setting the user writes a value for (no properties of its own, not a list of objects). */
  readonly leaf: boolean;
}

/**
 * Every node under `node`, `node` itself first, in schema order, each before the nodes in it. A
 * list of objects is walked into (its element as `<path>[]`), a record is a leaf.
 */
export function settingNodes(node: JsonSchemaNode = settingsJsonSchema(), prefix = "", required = true): SettingNode[] {
  const here = { path: prefix, schema: node, required, leaf: !node.properties && !node.items?.properties };
  if (node.properties) {
    return [
      here,
      ...Object.entries(node.properties).flatMap(([key, child]) =>
        settingNodes(child, prefix ? `${prefix}.${key}` : key, node.required?.includes(key) ?? false),
      ),
    ];
  }
  if (node.items?.properties) return [here, ...settingNodes(node.items, `${prefix}[]`, required)];
  return [here];
}

/** Every leaf setting under `node`, in schema order (see settingNodes). */
export function settingLeaves(node: JsonSchemaNode = settingsJsonSchema(), prefix = "", required = true): SettingLeaf[] {
  return settingNodes(node, prefix, required).flatMap(({ leaf, ...setting }) => (leaf ? [setting] : []));
}

/** Dotted paths of every leaf setting (see settingLeaves). */
export function leafPaths(): string[] {
  return settingLeaves().map((leaf) => leaf.path);
}

/**
 * The longest string a simple pattern accepts: one made of characters, escapes, character classes,
 * groups, `?`, `|` and `{m,n}` bounds (like the DNS-label patterns). Infinity when it has `*`, `+`
 * or `{m,}`, undefined when it uses anything else (lookarounds, back references).
 */
export function patternMaxLength(pattern: string): number | undefined {
  let i = 0;
  // sequence := (atom quantifier?)*, alternatives separated by '|'; returns the longest branch.
  const sequence = (): number | undefined => {
    let best = 0;
    let total = 0;
    while (i < pattern.length && pattern[i] !== ")") {
      const c = pattern[i];
      if (c === "|") {
        best = Math.max(best, total);
        total = 0;
        i++;
        continue;
      }
      let atom: number | undefined;
      if (c === "^" || c === "$") {
        i++;
        continue;
      } else if (c === "(") {
        i++;
        if (pattern[i] === "?") {
          if (pattern[i + 1] !== ":") return undefined;
          i += 2;
        }
        atom = sequence();
        if (atom === undefined || pattern[i] !== ")") return undefined;
        i++;
      } else if (c === "[") {
        const end = pattern.indexOf("]", i + 2);
        if (end === -1) return undefined;
        // A ']' after an odd number of backslashes is escaped, not the end of the class: give up.
        let backslashes = 0;
        while (pattern[end - 1 - backslashes] === "\\") backslashes++;
        if (backslashes % 2 === 1) return undefined;
        i = end + 1;
        atom = 1;
      } else if (c === "\\") {
        // A back reference or word boundary has no length of its own. (A trailing backslash leaves i
        // past the end, which the caller refuses.)
        if (/[1-9bBk]/.test(pattern.charAt(i + 1))) return undefined;
        i += 2;
        atom = 1;
      } else if ("*+?{".includes(c)) {
        return undefined;
      } else {
        i++;
        atom = 1;
      }
      const q = pattern[i];
      if (q === "?") i++;
      else if (q === "*" || q === "+") {
        i++;
        atom = Infinity;
      } else if (q === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
        if (!m) return undefined;
        i += m[0].length;
        const max = m[2] === undefined ? Number(m[1]) : m[3] === "" ? Infinity : Number(m[3]);
        atom = atom === Infinity || max === Infinity ? (max === 0 ? 0 : Infinity) : atom * max;
      }
      total += atom;
    }
    return Math.max(best, total);
  };
  const max = sequence();
  return i === pattern.length ? max : undefined;
}

/** The most characters a string setting (or each string of a list setting) may have, when bounded. */
export function maxLength(node: JsonSchemaNode): number | undefined {
  const target = node.items ?? node;
  const fromPattern = target.pattern === undefined ? undefined : patternMaxLength(target.pattern);
  const bounds = [target.maxLength, fromPattern].filter((n): n is number => Number.isFinite(n));
  return bounds.length > 0 ? Math.min(...bounds) : undefined;
}
