import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserInputError } from "../../stacks/errors";
import { readRawSettings } from "../../stacks/settings/load";
import { type Json, MINIMAL_SETTINGS } from "../support";
import { settingsErrorLines as errorLines } from "./settings-errors";

/*
 * stacks/settings/load.ts: where the settings come from (readRawSettings) and how a zod issue
 * becomes the one line `settings.<path>: <value> is not allowed; allowed: <what>` (parseSettings).
 */

/** MINIMAL_SETTINGS with `edit` applied to a deep copy. */
function settingsWhere(edit: (s: Json) => void): Record<string, unknown> {
  // Untyped: raw JSON edited in place before validation.
  const raw: Json = structuredClone(MINIMAL_SETTINGS);
  edit(raw);
  return raw;
}

describe("parseSettings: one line per refused value", () => {
  test.each<[string, unknown]>([
    ["null", null],
    ["undefined", undefined],
  ])("GIVEN settings that are %s WHEN parsed THEN they are missing, with where they belong", (_case, raw) => {
    expect(errorLines(raw)).toEqual(["settings: missing; allowed: an object under context.settings in cdktf.json"]);
  });

  test("GIVEN settings that are a string WHEN parsed THEN the value is shown and an object is asked for", () => {
    expect(errorLines("settings")).toEqual(['settings: "settings" is not allowed; allowed: an object']);
  });

  test("GIVEN MINIMAL_SETTINGS WHEN parsed THEN they are valid (the rows below change one thing)", () => {
    expect(errorLines(MINIMAL_SETTINGS)).toEqual([]);
  });

  test.each<[string, (s: Json) => void, string[]]>([
    [
      "a value whose JSON is 80 characters",
      (s) => (s.gitlab.protectBranch = "y".repeat(78)),
      [`settings.gitlab.protectBranch: "${"y".repeat(78)}" is not allowed; allowed: true or false`],
    ],
    [
      "a value whose JSON is 81 characters",
      (s) => (s.gitlab.protectBranch = "z".repeat(79)),
      [`settings.gitlab.protectBranch: "${"z".repeat(76)}... is not allowed; allowed: true or false`],
    ],
    [
      "a string for a number",
      (s) => (s.clusters[0].nodeGroup = { minSize: "two" }),
      ['settings.clusters[0].nodeGroup.minSize: "two" is not allowed; allowed: a number'],
    ],
    [
      "a string for a record (a type without plain words)",
      (s) => (s.clusters[0].tags = "team=platform"),
      ['settings.clusters[0].tags: "team=platform" is not allowed; allowed: a record'],
    ],
    ["a string for a list", (s) => (s.clusters = "test-cluster"), ['settings.clusters: "test-cluster" is not allowed; allowed: a list']],
    [
      "a whole number above the safe integers",
      (s) => (s.clusters[0].apps = [{ name: "web", runAsUser: 1e308 }]),
      ["settings.clusters[0].apps[0].runAsUser: 1e+308 is not allowed; allowed: a number at most 9007199254740991"],
    ],
    [
      "a whole number below the safe integers",
      (s) => (s.clusters[0].apps = [{ name: "web", autoscaling: { minReplicas: -1e308 } }]),
      ["settings.clusters[0].apps[0].autoscaling.minReplicas: -1e+308 is not allowed; allowed: a number at least -9007199254740991"],
    ],
    [
      "a required value left out",
      (s) => delete s.gitlab.project,
      ["settings.gitlab.project: missing; allowed: a project path with its namespace, such as my-group/my-project or group/subgroup/project"],
    ],
    [
      "two unknown keys in a cluster",
      (s) => Object.assign(s.clusters[0], { nodes: 3, zone: "a" }),
      [
        "settings.clusters[0].nodes: unknown key is not allowed; allowed: the keys name, environment, region, tags, network, eks, nodeGroup, apps, flux, dns, teams",
        "settings.clusters[0].zone: unknown key is not allowed; allowed: the keys name, environment, region, tags, network, eks, nodeGroup, apps, flux, dns, teams",
      ],
    ],
    ["an unknown key at the top", (s) => (s.extra = true), ["settings.extra: unknown key is not allowed; allowed: the keys gitlab, clusters, state, policy"]],
    [
      "an unknown key in a record keyed by an enum",
      (s) => (s.policy.acceptedRisks.CKV_AWS_58 = "secrets unencrypted on purpose"),
      ["settings.policy.acceptedRisks.CKV_AWS_58: unknown key is not allowed; allowed: the keys CKV_AWS_38, CKV_AWS_39, CKV2_AWS_11"],
    ],
  ])("GIVEN %s WHEN parsed THEN the line says what is allowed", (_case, edit, lines) => {
    expect(errorLines(settingsWhere(edit))).toEqual(lines);
  });
});

/*
 * Shapes the settings schema does not have today (an object inside a union, an object-level check
 * next to an unknown key, own messages quoting zod's words): a small schema stands in for
 * stacks/settings/schema.ts, in a module registry of its own, so load.ts and introspect.ts see it.
 */
describe("parseSettings with a stand-in schema", () => {
  function standInLines(raw: unknown): readonly string[] {
    let lines: readonly string[] = [];
    jest.isolateModules(() => {
      jest.doMock("../../stacks/settings/schema", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the zod of the isolated registry, the one load.ts and introspect.ts get
        const { z } = require("zod") as typeof import("zod");
        return {
          settingsSchema: z
            .object({
              choice: z.union([z.object({ name: z.string() }).strict(), z.number()]).optional(),
              box: z
                .object({ size: z.number().optional() })
                .strict()
                .refine((b) => b.size !== 13, "a size other than 13")
                .optional(),
              count: z.number("a count (zod would say Invalid input)").optional(),
              level: z.number().max(5, "at most 5 (zod would say Too big)").optional(),
            })
            .strict(),
        };
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded inside jest.isolateModules, so that it sees the mocked schema
      const load = require("../../stacks/settings/load") as typeof import("../../stacks/settings/load");
      try {
        load.parseSettings(raw);
      } catch (e) {
        if (!(e instanceof load.SettingsError)) throw e;
        lines = e.lines;
      }
    });
    jest.dontMock("../../stacks/settings/schema");
    return lines;
  }

  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "an unknown key in an object of a union (no keys to list)",
      { choice: { name: "a", extra: 1 } },
      ["settings.choice.extra: unknown key is not allowed; allowed: only the keys documented in the settings table"],
    ],
    [
      "an unknown key and a failed check of the same object",
      { box: { size: 13, extra: 1 } },
      ["settings.box.extra: unknown key is not allowed; allowed: the keys size", 'settings.box: {"size":13} is not allowed; allowed: a size other than 13'],
    ],
    [
      "a wrong type whose own message quotes zod's 'Invalid input'",
      { count: "x" },
      ['settings.count: "x" is not allowed; allowed: a count (zod would say Invalid input)'],
    ],
    ["a bound whose own message quotes zod's 'Too big'", { level: 9 }, ["settings.level: 9 is not allowed; allowed: at most 5 (zod would say Too big)"]],
  ])("GIVEN %s WHEN parsed THEN the line says so", (_case, raw, lines) => {
    expect(standInLines(raw)).toEqual(lines);
  });
});

describe("readRawSettings", () => {
  let dir: string;
  let withSettings: string;
  let withoutContext: string;
  let broken: string;
  const FILE_SETTINGS = { gitlab: { project: "file-group/from-file" } };
  const CONTEXT_SETTINGS = { gitlab: { project: "context-group/from-context" } };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "load-test-"));
    const write = (name: string, text: string) => {
      fs.mkdirSync(path.join(dir, name));
      const file = path.join(dir, name, "cdktf.json");
      fs.writeFileSync(file, text);
      return file;
    };
    withSettings = write("with-settings", JSON.stringify({ app: "npx ts-node main.ts", context: { settings: FILE_SETTINGS } }, null, 2));
    withoutContext = write("without-context", JSON.stringify({ app: "npx ts-node main.ts" }));
    broken = write("broken", '{\n  "app": "npx ts-node main.ts"\n  "context": {}\n}\n');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("GIVEN settings in the cdktf context WHEN read THEN they win over the file", () => {
    expect(readRawSettings({ settings: CONTEXT_SETTINGS }, withSettings)).toEqual(CONTEXT_SETTINGS);
  });

  test("GIVEN settings in the cdktf context and no file WHEN read THEN they are returned", () => {
    expect(readRawSettings({ settings: CONTEXT_SETTINGS, other: 1 }, path.join(dir, "absent", "cdktf.json"))).toEqual(CONTEXT_SETTINGS);
  });

  test("GIVEN a settings key set to undefined in the context WHEN read THEN the context still wins (the file is not read)", () => {
    expect(readRawSettings({ settings: undefined }, withSettings)).toBeUndefined();
  });

  test("GIVEN no settings in the context WHEN read THEN cdktf.json's context.settings are returned", () => {
    expect(readRawSettings({ other: 1 }, withSettings)).toEqual(FILE_SETTINGS);
  });

  test("GIVEN no settings in the context and a cdktf.json without context WHEN read THEN there are none", () => {
    expect(readRawSettings({}, withoutContext)).toBeUndefined();
  });

  test("GIVEN no settings in the context and no cdktf.json WHEN read THEN there are none (not an error)", () => {
    expect(readRawSettings({}, path.join(dir, "absent", "cdktf.json"))).toBeUndefined();
  });

  test("GIVEN a cdktf.json that is not valid JSON WHEN read THEN one line names it, with line and column", () => {
    expect(() => readRawSettings({}, broken)).toThrow(UserInputError);
    expect(() => readRawSettings({}, broken)).toThrow(/^cdktf\.json: line 3, column 3: Expected ',' or '}' after property value$/);
  });

  test("GIVEN no path WHEN read THEN cdktf.json of the working directory is read", () => {
    const cwd = process.cwd();
    process.chdir(path.dirname(withSettings));
    try {
      expect(readRawSettings({})).toEqual(FILE_SETTINGS);
    } finally {
      process.chdir(cwd);
    }
  });
});
