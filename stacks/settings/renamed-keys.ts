/*
 * Settings keys that were renamed. The old key keeps working: parseSettings moves its value to the
 * new key before validation and says so in one line per place it is used, so a cdktf.json written
 * for an older version synthesizes the same stacks. Setting both keys is refused (which one would
 * win is a guess).
 */

/** A key renamed at every object `under` names ("*": each element of a list). */
export interface RenamedKey {
  /** Where the objects holding the key are, from the settings root, e.g. ["clusters", "*"]. */
  readonly under: readonly string[];
  readonly from: string;
  readonly to: string;
}

export const RENAMED_KEYS: readonly RenamedKey[] = [
  // "tenant" was the code's word for what users configure as a team: one word now, "team".
  { under: ["clusters", "*"], from: "tenants", to: "teams" },
];

/** What renaming found: the settings with the new keys, one deprecation line per old key, one refusal per place with both. */
export interface Renamed {
  readonly settings: unknown;
  readonly deprecations: readonly string[];
  /** `path` is where the refused old key is, from the settings root; `value` what it holds. */
  readonly refusals: readonly { readonly path: readonly PropertyKey[]; readonly value: unknown; readonly allowed: string }[];
  /** A path in `settings` as the user wrote it: a value moved from an old key is named by that key. */
  readonly asWritten: (path: readonly PropertyKey[]) => PropertyKey[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Every object at `under` in `root`, with its path; what is not there (or not an object) is the schema's to refuse. */
function objectsAt(root: unknown, under: readonly string[], at: readonly PropertyKey[] = []): { path: PropertyKey[]; object: Json }[] {
  if (under.length === 0) return isObject(root) ? [{ path: [...at], object: root }] : [];
  const [step, ...rest] = under;
  if (step === "*") return Array.isArray(root) ? root.flatMap((item: unknown, i) => objectsAt(item, rest, [...at, i])) : [];
  return isObject(root) && step in root ? objectsAt(root[step], rest, [...at, step]) : [];
}

/**
 * `raw` with every renamed key under its new name (a copy: the caller's object is not changed).
 * `where` formats a path for the messages.
 */
export function renameKeys(raw: unknown, where: (path: readonly PropertyKey[]) => string, keys: readonly RenamedKey[] = RENAMED_KEYS): Renamed {
  const settings: unknown = structuredClone(raw);
  const deprecations: string[] = [];
  const refusals: Renamed["refusals"][number][] = [];
  const moved: { at: readonly PropertyKey[]; from: string; to: string }[] = [];
  for (const key of keys) {
    for (const { path, object } of objectsAt(settings, key.under)) {
      if (!(key.from in object)) continue;
      const old = object[key.from];
      delete object[key.from];
      if (key.to in object) {
        refusals.push({ path: [...path, key.from], value: old, allowed: `only ${key.to}, its new name, when both are set (move the entries into ${key.to})` });
      } else {
        object[key.to] = old;
        moved.push({ at: path, from: key.from, to: key.to });
        deprecations.push(`${where([...path, key.from])}: deprecated, renamed to ${key.to}; it still works, rename it in cdktf.json`);
      }
    }
  }
  const asWritten = (at: readonly PropertyKey[]): PropertyKey[] => {
    const move = moved.find((m) => m.at.every((segment, i) => at[i] === segment) && at[m.at.length] === m.to);
    return move ? [...move.at, move.from, ...at.slice(move.at.length + 1)] : [...at];
  };
  return { settings, deprecations, refusals, asWritten };
}
