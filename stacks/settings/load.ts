import * as fs from "fs";
import * as path from "path";
import type { z } from "zod";
import { UserInputError } from "../errors";
import { keysAt } from "./introspect";
import { readJsonFile } from "./json-file";
import { renameKeys } from "./renamed-keys";
import { type Settings, settingsSchema } from "./schema";

/** The key of cdktf.json's `context` block that holds the settings. */
export const SETTINGS_CONTEXT_KEY = "settings";

/** A settings value that failed validation. `message` has one line per bad value. */
export class SettingsError extends UserInputError {}

/** `clusters[0].eks.kubernetesVersion` from `["clusters", 0, "eks", "kubernetesVersion"]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((acc, seg) => {
    if (typeof seg === "number") return `${acc}[${seg}]`;
    return acc ? `${acc}.${String(seg)}` : String(seg);
  }, "");
}

/** A value as the refusal line shows it (describeIssue words a missing one itself). */
function show(value: unknown): string {
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** Plain words for zod's type names. */
const TYPE_WORDS: Record<string, string> = {
  array: "a list",
  object: "an object",
  boolean: "true or false",
  number: "a number",
  int: "a whole number",
  string: "a string",
};

/** Turns one zod issue into lines `settings.<path>: <value> is not allowed; allowed: <what>`. */
function describeIssue(issue: z.core.$ZodIssue, asWritten: (path: readonly PropertyKey[]) => PropertyKey[] = (p) => [...p]): string[] {
  const where = formatPath(["settings", ...asWritten(issue.path)]);
  if (issue.code === "unrecognized_keys") {
    const keys = keysAt(issue.path);
    const allowed = keys.length > 0 ? `the keys ${keys.join(", ")}` : "only the keys documented in the settings table";
    return issue.keys.map((key) => `${formatPath(["settings", ...asWritten(issue.path), key])}: unknown key is not allowed; allowed: ${allowed}`);
  }
  const input = "input" in issue ? issue.input : undefined;
  let allowed = issue.message;
  if (issue.code === "invalid_type" && /^Invalid input/.test(issue.message)) {
    // zod's default wording; a schema's own message (z.string("...")) says more.
    allowed = TYPE_WORDS[issue.expected] ?? `a ${issue.expected}`;
  } else if ((issue.code === "too_big" || issue.code === "too_small") && /^Too (big|small)/.test(issue.message)) {
    // zod's own bounds (e.g. a whole number must be a safe integer), in our words.
    const bound = issue.code === "too_big" ? issue.maximum : issue.minimum;
    allowed = `a number ${issue.code === "too_big" ? "at most" : "at least"} ${String(bound)}`;
  }
  if (input === undefined) return [`${where}: missing; allowed: ${allowed}`];
  return [`${where}: ${show(input)} is not allowed; allowed: ${allowed}`];
}

/** How parseSettings reports what still works but will not forever. */
export interface ParseOptions {
  /**
   * Receives one line per deprecated key the settings use (stacks/settings/renamed-keys.ts).
   * @default console.error, so that synth shows it on stderr beside cdktf's own output
   */
  readonly warn?: (line: string) => void;
}

/** Validates raw settings once and fills in every default. Throws {@link SettingsError}. */
export function parseSettings(raw: unknown, options: ParseOptions = {}): Settings {
  if (raw === undefined || raw === null) {
    throw new SettingsError([`settings: missing; allowed: an object under context.${SETTINGS_CONTEXT_KEY} in cdktf.json`]);
  }
  const renamed = renameKeys(raw, (at) => formatPath(["settings", ...at]));
  const refused = renamed.refusals.map((r) => `${formatPath(["settings", ...r.path])}: ${show(r.value)} is not allowed; allowed: ${r.allowed}`);
  const result = settingsSchema.safeParse(renamed.settings, { reportInput: true });
  if (!result.success || refused.length > 0) {
    // One line per bad value: a value failing several checks is reported by the first.
    const seen = new Set<string>();
    const issues = (result.error?.issues ?? []).filter((issue) => {
      if (issue.code === "unrecognized_keys") return true;
      const key = formatPath(issue.path);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    throw new SettingsError([...refused, ...issues.flatMap((issue) => describeIssue(issue, renamed.asWritten))]);
  }
  const warn = options.warn ?? ((line: string) => console.error(line));
  renamed.deprecations.forEach((line) => warn(line));
  return result.data;
}

/**
 * Reads the settings from the cdktf context (the CLI passes cdktf.json's `context` block),
 * falling back to cdktf.json itself when the app runs outside the CLI.
 */
export function readRawSettings(context: Record<string, unknown>, cdktfJsonPath = path.resolve("cdktf.json")): unknown {
  if (SETTINGS_CONTEXT_KEY in context) return context[SETTINGS_CONTEXT_KEY];
  if (!fs.existsSync(cdktfJsonPath)) return undefined;
  const cdktfJson = readJsonFile(cdktfJsonPath) as { context?: Record<string, unknown> };
  return cdktfJson.context?.[SETTINGS_CONTEXT_KEY];
}
