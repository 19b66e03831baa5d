import { parseSettings, SettingsError } from "../../stacks/settings/load";
import { renameKeys } from "../../stacks/settings/renamed-keys";
import type { SettingsInput } from "../../stacks/settings/schema";
import { MINIMAL_SETTINGS } from "../support";

const TEAM = { name: "payments", gitlabProject: "teams/payments" };

/** Settings whose clusters each hold `cluster` besides a name. */
function withClusters(...clusters: Record<string, unknown>[]): unknown {
  return { ...MINIMAL_SETTINGS, clusters: clusters.map((c, i) => ({ name: `c${i}`, apps: [{ ecr: { repositoryName: `repo-${i}` } }], ...c })) };
}

/** parseSettings with the deprecation lines collected. */
function parse(raw: unknown): { settings: ReturnType<typeof parseSettings>; warnings: string[] } {
  const warnings: string[] = [];
  return { settings: parseSettings(raw, { warn: (line) => warnings.push(line) }), warnings };
}

/** The refusal lines of raw settings. */
function refusal(raw: unknown): readonly string[] {
  try {
    parseSettings(raw, { warn: () => undefined });
  } catch (err) {
    if (err instanceof SettingsError) return err.lines;
    throw err;
  }
  throw new Error("the settings were accepted");
}

describe("GIVEN settings written before clusters[].tenants was renamed to teams", () => {
  test("WHEN parsed THEN they give the same settings as with teams, with one deprecation line per cluster that uses the old key", () => {
    const old = parse(withClusters({ tenants: [TEAM] }, { teams: [{ ...TEAM, gitlabProject: "teams/other" }] }, { tenants: [] }));
    const renamed = parse(withClusters({ teams: [TEAM] }, { teams: [{ ...TEAM, gitlabProject: "teams/other" }] }, { teams: [] }));
    expect(old.settings).toEqual(renamed.settings);
    expect(old.warnings).toEqual([
      "settings.clusters[0].tenants: deprecated, renamed to teams; it still works, rename it in cdktf.json",
      "settings.clusters[2].tenants: deprecated, renamed to teams; it still works, rename it in cdktf.json",
    ]);
    expect(renamed.warnings).toEqual([]);
  });

  test("WHEN parsed without a warn function THEN the deprecation goes to stderr", () => {
    const stderr = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      parseSettings(withClusters({ tenants: [TEAM] }));
      expect(stderr.mock.calls).toEqual([["settings.clusters[0].tenants: deprecated, renamed to teams; it still works, rename it in cdktf.json"]]);
    } finally {
      stderr.mockRestore();
    }
  });

  test("WHEN a team under the old key is invalid THEN the refusal names the key as written", () => {
    expect(refusal(withClusters({ tenants: [{ ...TEAM, name: "Payments" }] }))).toEqual([
      "settings.clusters[0].tenants[0].name: \"Payments\" is not allowed; allowed: team name: lowercase letters, digits and '-', starting with a letter, at most 30 characters",
    ]);
  });

  test("WHEN both keys are set THEN synth stops with one line naming the old key, its value and what is allowed", () => {
    expect(refusal(withClusters({ tenants: [TEAM], teams: [TEAM] }))).toEqual([
      'settings.clusters[0].tenants: [{"name":"payments","gitlabProject":"teams/payments"}] is not allowed; allowed: only teams, its new name, when both are set (move the entries into teams)',
    ]);
  });

  test("WHEN renamed THEN the caller's object is left as it was", () => {
    const raw = withClusters({ tenants: [TEAM] }) as SettingsInput;
    const before = JSON.stringify(raw);
    const { settings } = renameKeys(raw, String);
    expect(JSON.stringify(raw)).toBe(before);
    expect((settings as { clusters: Record<string, unknown>[] }).clusters[0]).toEqual({
      name: "c0",
      apps: [{ ecr: { repositoryName: "repo-0" } }],
      teams: [TEAM],
    });
  });

  test("WHEN clusters is not a list THEN renaming leaves it to the schema to refuse", () => {
    expect(renameKeys({ clusters: { tenants: [] } }, String).deprecations).toEqual([]);
    expect(refusal({ ...MINIMAL_SETTINGS, clusters: { tenants: [] } })).toEqual(['settings.clusters: {"tenants":[]} is not allowed; allowed: a list']);
  });
});
