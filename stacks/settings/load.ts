import * as fs from "fs";
import * as path from "path";
import type { z } from "zod";
import { Settings, settingsSchema } from "./schema";

/** The key of cdktf.json's `context` block that holds the settings. */
export const SETTINGS_CONTEXT_KEY = "settings";

/** A settings value that failed validation. `message` has one line per bad value. */
export class SettingsError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join("\n"));
    this.name = "SettingsError";
  }
}

/** `clusters[0].eks.kubernetesVersion` from `["clusters", 0, "eks", "kubernetesVersion"]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((acc, seg) => {
    if (typeof seg === "number") return `${acc}[${seg}]`;
    return acc ? `${acc}.${String(seg)}` : String(seg);
  }, "");
}

function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** Turns one zod issue into `settings.<path>: <value> is not allowed; allowed: <what>`. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(["settings", ...issue.path]);
  if (issue.code === "unrecognized_keys") {
    return `${where}: unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}; allowed: only the keys documented in the README's settings table`;
  }
  const input = "input" in issue ? issue.input : undefined;
  if (input === undefined && issue.code === "invalid_type") {
    return `${where}: missing; allowed: ${issue.expected}`;
  }
  const allowed = issue.code === "invalid_type" ? `a ${issue.expected}` : issue.message;
  return `${where}: ${show(input)} is not allowed; allowed: ${allowed}`;
}

/** Validates raw settings once and fills in every default. Throws {@link SettingsError}. */
export function parseSettings(raw: unknown): Settings {
  if (raw === undefined || raw === null) {
    throw new SettingsError([`settings: missing; allowed: an object under context.${SETTINGS_CONTEXT_KEY} in cdktf.json`]);
  }
  const result = settingsSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new SettingsError(result.error.issues.map(describeIssue));
  return result.data;
}

/**
 * Reads the settings from the cdktf context (the CLI passes cdktf.json's `context` block),
 * falling back to cdktf.json itself when the app runs outside the CLI.
 */
export function readRawSettings(context: Record<string, unknown>, cdktfJsonPath = path.resolve("cdktf.json")): unknown {
  if (SETTINGS_CONTEXT_KEY in context) return context[SETTINGS_CONTEXT_KEY];
  if (!fs.existsSync(cdktfJsonPath)) return undefined;
  const cdktfJson = JSON.parse(fs.readFileSync(cdktfJsonPath, "utf8")) as { context?: Record<string, unknown> };
  return cdktfJson.context?.[SETTINGS_CONTEXT_KEY];
}
