import { parseSettings, SettingsError } from "../../stacks/settings/load";

/** The lines of the SettingsError parseSettings throws for `raw`; empty when the settings are valid. */
export function settingsErrorLines(raw: unknown): string[] {
  try {
    parseSettings(raw);
  } catch (e) {
    if (e instanceof SettingsError) return [...e.lines];
    throw e;
  }
  return [];
}

/** One refusal as parseSettings words it: the setting's path (without `settings.`), the value, what is allowed. */
export const refusalLine = (path: string, value: unknown, allowed: string): string =>
  `settings.${path}: ${JSON.stringify(value)} is not allowed; allowed: ${allowed}`;
