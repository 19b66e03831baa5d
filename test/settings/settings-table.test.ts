import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { UserInputError } from "../../stacks/errors";
import { type JsonSchemaNode, maxLength, settingLeaves } from "../../stacks/settings/introspect";
import { parseSettings, readRawSettings } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { settingsSchema } from "../../stacks/settings/schema";
import {
  readmeWithSettingsTable,
  renderSettingsTable,
  settingsTableRows,
  TABLE_BEGIN,
  TABLE_END,
  withSettingsTable,
} from "../../stacks/settings/settings-table";
import { MINIMAL_SETTINGS } from "../support";

const ROOT = path.resolve(__dirname, "..", "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const COMMITTED = readRawSettings({}, path.join(ROOT, "cdktf.json"));

/** The JSON Schema of a throwaway settings schema, as the generator reads the real one. */
const jsonSchemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;

describe("README settings table, generated from the schema", () => {
  const rows = settingsTableRows(COMMITTED);
  const row = (p: string) => rows.find((r) => r.path === p);

  test("GIVEN the schema and cdktf.json WHEN the table is generated THEN the README holds it as it is (else: npm run settings:table)", () => {
    expect(readmeWithSettingsTable(README, COMMITTED)).toBe(README);
  });

  test("GIVEN a row edited in the README alone WHEN checked THEN the README is out of date, and regenerating restores the row", () => {
    const planted = README.replace("| `clusters[].eks.logRetentionDays` | `7` |", "| `clusters[].eks.logRetentionDays` | `14` |");
    expect(planted).not.toBe(README);
    expect(readmeWithSettingsTable(planted, COMMITTED)).not.toBe(planted);
    expect(readmeWithSettingsTable(planted, COMMITTED)).toBe(README);
  });

  test("GIVEN a README without the markers WHEN the table is written THEN the refusal names both markers", () => {
    const unmarked = README.replace(TABLE_END, "");
    expect(() => withSettingsTable(unmarked, "| table |")).toThrow(UserInputError);
    expect(() => withSettingsTable(unmarked, "| table |")).toThrow(`README.md: the settings table needs the lines ${TABLE_BEGIN} and, after it, ${TABLE_END}`);
  });

  test("GIVEN every leaf setting and every list or object described as a whole THEN each has one row, in schema order", () => {
    const leaves = settingLeaves().map((l) => l.path);
    const paths = rows.map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.filter((p) => !leaves.includes(p))).toEqual([
      "clusters[].apps",
      "clusters[].apps[].expose",
      "clusters[].apps[].autoscaling",
      "clusters[].dns",
      "clusters[].teams",
      "clusters[].teams[].quota",
      "clusters[].teams[].containerDefaults",
    ]);
    expect(leaves.filter((p) => !paths.includes(p))).toEqual([]);
    expect(paths.indexOf("gitlab.awsOidcProvider")).toBeLessThan(paths.indexOf("clusters[].name"));
  });

  test("GIVEN defaults of each kind THEN the cell is the JSON to write, the words after it, the required mark or the words alone", () => {
    expect(row("clusters[].eks.logTypes")?.defaultCell).toBe('`["api","audit","authenticator"]`');
    expect(row("clusters[].eks.addonVersions")?.defaultCell).toBe("`{}`: EKS's default for `kubernetesVersion`");
    expect(row("clusters[].teams[].gitlabProject")?.defaultCell).toBe("*(required)*");
    expect(row("gitlab.sshHost")?.defaultCell).toBe("host of `baseUrl`, port 22");
    // Where the committed cdktf.json sets something else, the cell says so.
    expect(row("gitlab.project")?.defaultCell).toBe("*(required)* — committed: `example-group/flux-gitops`");
    expect(row("policy.acceptedRisks")?.defaultCell).toBe("`{}` — committed: `CKV_AWS_38` and `CKV_AWS_39`");
    expect(settingsTableRows().find((r) => r.path === "gitlab.project")?.defaultCell).toBe("*(required)*");
  });

  test("GIVEN a meaning with a | WHEN rendered THEN the cell escapes it, so the row keeps three columns", () => {
    const table = renderSettingsTable(rows);
    expect(row("clusters[].apps[].semverRange")?.meaning).toContain("`||` alternatives");
    expect(table).toContain("`\\|\\|` alternatives");
    expect(table.split("\n").every((line) => line.replace(/\\\|/g, "").split("|").length === 5)).toBe(true);
  });

  test("GIVEN a setting the schema says too little about WHEN the table is generated THEN generation stops naming it and the fix", () => {
    const optional = jsonSchemaOf(z.object({ host: z.string().optional().describe("A host.") }));
    expect(() => settingsTableRows(undefined, optional)).toThrow(
      "stacks/settings/schema: host is optional with no default the schema can state: say what applies with .meta({ defaultInWords })",
    );
    const undescribed = jsonSchemaOf(z.object({ port: z.number().default(22) }));
    expect(() => settingsTableRows(undefined, undescribed)).toThrow("stacks/settings/schema: port has no description: give it .describe() with its meaning");
    const contradictory = jsonSchemaOf(z.object({ name: z.string().meta({ defaultInWords: "the host" }).describe("A name.") }));
    expect(() => settingsTableRows(undefined, contradictory)).toThrow("stacks/settings/schema: name is required, so it has no default to describe in words");
    const said = jsonSchemaOf(z.object({ host: z.string().optional().meta({ defaultInWords: "the host" }).describe("A host.") }));
    expect(settingsTableRows(undefined, said)).toEqual([{ path: "host", defaultCell: "the host", meaning: "A host." }]);
  });

  test("GIVEN every setting with a length limit THEN its description states the limit in characters", () => {
    const unstated = settingLeaves().flatMap(({ path: p, schema }) => {
      const max = maxLength(schema);
      return max !== undefined && !(schema.description ?? "").includes(`${max} characters`) ? [`${p}: at most ${max} characters, unsaid`] : [];
    });
    expect(unstated).toEqual([]);
    // The check can fail: a bounded setting that does not say so.
    const bounded = jsonSchemaOf(z.object({ name: z.string().max(12).describe("A name.") }));
    expect(maxLength(bounded.properties!.name)).toBe(12);
  });

  test("GIVEN settings with only the required values WHEN validated THEN every default the table states is the one applied", () => {
    // A team, an exposed app and an autoscaling block, so that their defaults are filled in too.
    // MINIMAL_SETTINGS accepts the public endpoint's risks: left out here, so policy's default applies.
    const { policy: _accepted, ...required } = MINIMAL_SETTINGS;
    const input: SettingsInput = {
      ...required,
      clusters: [
        {
          ...MINIMAL_SETTINGS.clusters[0],
          dns: { zoneName: "apps.example.com" },
          apps: [{ autoscaling: {}, expose: { host: "nginx.apps.example.com" } }],
          teams: [{ name: "team", gitlabProject: "group/team" }],
        },
      ],
    };
    const parsed = parseSettings(input);
    const at = (p: string): unknown =>
      p.split(".").reduce<unknown>((v, key) => {
        const list = key.endsWith("[]");
        const next = (v as Record<string, unknown>)[list ? key.slice(0, -2) : key];
        return list ? (next as unknown[])[0] : next;
      }, parsed);
    const withDefault = settingLeaves().filter((l) => l.schema.default !== undefined);
    expect(withDefault.length).toBeGreaterThan(50);
    expect(withDefault.filter((l) => JSON.stringify(at(l.path)) !== JSON.stringify(l.schema.default)).map((l) => l.path)).toEqual([]);
  });

  /** The longest `name` accepted beside a cluster name of `clusterLength` characters, by validation. */
  function longestAccepted(clusterLength: number, cluster: (name: string) => Partial<SettingsInput["clusters"][number]>): number {
    let longest = 0;
    for (let n = 1; n <= 63; n++) {
      const input = { ...MINIMAL_SETTINGS, clusters: [{ name: "c".repeat(clusterLength), ...cluster("n".repeat(n)) }] };
      if (settingsSchema.safeParse(input).success) longest = n;
    }
    return longest;
  }

  test("GIVEN names that share an IAM role name WHEN the schema's combined limit is probed THEN the table states it", () => {
    const nodeGroup = 32 + longestAccepted(32, (name) => ({ nodeGroup: { name } }));
    // Tied: a shorter cluster name leaves the node group name more room, the sum stays.
    expect(nodeGroup).toBeLessThan(32 + 38);
    expect(25 + longestAccepted(25, (name) => ({ nodeGroup: { name } }))).toBe(nodeGroup);
    expect(row("clusters[].nodeGroup.name")?.meaning).toContain(`together at most ${nodeGroup} characters`);
    const team = 32 + longestAccepted(32, (name) => ({ teams: [{ name, gitlabProject: "group/team", ecrRepositories: ["team-repo"] }] }));
    expect(team).toBeLessThan(32 + 30);
    expect(row("clusters[].teams[].name")?.meaning).toContain(`together at most ${team} characters`);
  });
});
