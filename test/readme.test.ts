import * as fs from "fs";
import * as path from "path";
import { leafPaths } from "../stacks/settings/introspect";

const README = fs.readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");

describe("README settings table", () => {
  const paths = leafPaths();

  test("GIVEN the schema WHEN its settings are listed THEN the walk finds them all (sanity)", () => {
    expect(paths).toEqual(expect.arrayContaining(["gitlab.project", "clusters[].eks.kubernetesVersion", "clusters[].apps[].semverRange", "state.backend"]));
    expect(paths.length).toBeGreaterThan(35);
  });

  test("GIVEN every setting WHEN the README is read THEN each has a row in the settings table", () => {
    const missing = paths.filter((p) => !README.includes(`| \`${p}\` |`));
    expect(missing).toEqual([]);
  });

  test("GIVEN the table WHEN read THEN it documents no setting the schema lacks (a row may describe a list or object as a whole)", () => {
    const documented = [...README.matchAll(/^\| `((?:gitlab\.|clusters|state\.|policy\.)[^`]*)` \|/gm)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(35);
    const known = (p: string) => paths.includes(p) || paths.some((leaf) => leaf.startsWith(`${p}.`) || leaf.startsWith(`${p}[]`));
    expect(documented.filter((p) => !known(p))).toEqual([]);
  });
});

describe("README links", () => {
  /** GitHub's and GitLab's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
  const anchor = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^a-z0-9 _-]/g, "")
      .replace(/ /g, "-");

  test("GIVEN the README WHEN its in-page links are followed THEN every one names a heading", () => {
    const headings = new Set([...README.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1])));
    const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((l) => !headings.has(l))).toEqual([]);
  });

  test("GIVEN the README WHEN its links to files are followed THEN every file exists", () => {
    const files = [...README.matchAll(/\]\(((?:stacks|config_files|test|\.ci)[^)#]*|cdktf\.json)\)/g)].map((m) => m[1]);
    expect(files.length).toBeGreaterThan(2);
    expect(files.filter((f) => !fs.existsSync(path.resolve(__dirname, "..", f)))).toEqual([]);
  });
});

describe("README accepted checkov checks", () => {
  test("GIVEN the checks the scan accepts WHEN the README is read THEN each has a row saying why and what changes it", () => {
    const { ACCEPTED_CHECKS } = require("./security/accepted-checks") as typeof import("./security/accepted-checks");
    expect(ACCEPTED_CHECKS.filter((c) => !README.includes(`| \`${c.id}\` |`)).map((c) => c.id)).toEqual([]);
  });
});

describe("README policy at synth", () => {
  const { POLICY_RULES } = require("../stacks/policy/rules") as typeof import("../stacks/policy/rules");
  const { ACCEPTABLE_RULE_IDS } = require("../stacks/policy/rule-ids") as typeof import("../stacks/policy/rule-ids");
  const section = README.split(/^## Policy at synth$/m)[1]?.split(/^## /m)[0] ?? "";
  /** Rule id -> its "accept knowingly" cell. */
  const rows = new Map([...section.matchAll(/^\| `([A-Z0-9_]+)` \| [^|]+ \| ([^|]+) \|$/gm)].map((m) => [m[1], m[2].trim()]));

  test("GIVEN the policy rules WHEN the README is read THEN each has a row, and no row names a rule that does not exist", () => {
    expect(rows.size).toBeGreaterThan(15);
    expect([...rows.keys()].sort()).toEqual(POLICY_RULES.map((r) => r.id).sort());
  });

  test("GIVEN the rules whose risk may be accepted WHEN the README is read THEN exactly those say how, the others say no", () => {
    for (const [id, accept] of rows) {
      if ((ACCEPTABLE_RULE_IDS as readonly string[]).includes(id)) expect([id, accept]).toEqual([id, `\`policy.acceptedRisks\` \`${id}\``]);
      else expect([id, accept]).toEqual([id, "no"]);
    }
  });
});
