import * as fs from "fs";
import * as path from "path";
import { ADDONS, type Addon, eksAddons, fluxAddons } from "../stacks/addons";
import { POLICY_RULES } from "../stacks/policy/rules";
import { ACCEPTABLE_RULE_IDS } from "../stacks/policy/rule-ids";
import { ACCEPTED_CHECKS } from "./security/accepted-checks";

const README = fs.readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");

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
    expect(ACCEPTED_CHECKS.filter((c) => !README.includes(`| \`${c.id}\` |`)).map((c) => c.id)).toEqual([]);
  });

  test("GIVEN the README's table of accepted checks THEN it lists no check the scan no longer accepts", () => {
    const section = README.slice(README.indexOf("### Real tools in the tests"), README.indexOf("### Synth speed"));
    const rows = [...section.matchAll(/^\| `(CKV2?_[A-Z0-9]+_\d+)` \|/gm)].map((m) => m[1]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((id) => !ACCEPTED_CHECKS.some((c) => c.id === id))).toEqual([]);
  });
});

/** Does `version` (x.y.z) satisfy an npm `engines` range? The forms package-lock.json holds; others throw. */
function satisfiesEngine(version: string, range: string): boolean {
  const [major, minor, patch] = version.split(".").map(Number);
  const v = major * 1e6 + minor * 1e3 + patch;
  /** [lowest, next after highest] of a partial version such as 20, 20.9, 6.x or 10.*. */
  const span = (partial: string): [number, number] => {
    const parts = partial.split(".").filter((p) => p !== "x" && p !== "*" && p !== "");
    if (!parts.every((p) => /^\d+$/.test(p))) throw new Error(`engines range ${JSON.stringify(range)}: cannot read ${partial}`);
    const [a = 0, b = 0, c = 0] = parts.map(Number);
    const low = a * 1e6 + b * 1e3 + c;
    const high = parts.length === 1 ? (a + 1) * 1e6 : parts.length === 2 ? a * 1e6 + (b + 1) * 1e3 : low + 1;
    return [low, high];
  };
  const comparator = (c: string): boolean => {
    const m = /^(>=|<=|>|<|=|\^|~)?(.*)$/.exec(c)!;
    if (m[2] === "*" || m[2] === "x") return true;
    const [low, high] = span(m[2]);
    switch (m[1]) {
      case ">=":
        return v >= low;
      case ">":
        return v >= high;
      case "<=":
        return v < high;
      case "<":
        return v < low;
      case "^":
        return v >= low && v < (Math.floor(low / 1e6) + 1) * 1e6; // no ^0.x in the lock file
      case "~":
        return v >= low && v < (Math.floor(low / 1e3) + 1) * 1e3;
      default:
        return v >= low && v < high;
    }
  };
  // "a >= b" is one comparator: join operators to their versions before splitting on spaces.
  return range.split("||").some((alt) =>
    alt
      .trim()
      .replace(/([<>=^~]+)\s+/g, "$1")
      .split(/\s+/)
      .every(comparator),
  );
}

describe("README Node.js requirement", () => {
  const root = path.resolve(__dirname, "..");
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { engines: { node: string } };
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
  };
  const floor = /^>=\s*(\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
  const section = README.slice(README.indexOf("**Node.js versions.**"), README.indexOf("Any failed synth stops"));
  /** Packages of the lock file whose declared Node range excludes `version`. */
  const excluding = (version: string) =>
    Object.entries(lock.packages)
      .filter(([, p]) => p.engines && !Array.isArray(p.engines) && p.engines.node && !satisfiesEngine(version, p.engines.node))
      .map(([where, p]) => ({ name: where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length), dev: p.dev === true }));

  test("GIVEN engine ranges WHEN evaluated THEN the reader agrees with npm on the lock file's forms", () => {
    expect(satisfiesEngine("20.9.0", ">= 20.9.0")).toBe(true);
    expect(satisfiesEngine("20.8.1", ">=20.9")).toBe(false);
    expect(satisfiesEngine("20.20.2", ">=22")).toBe(false);
    expect(satisfiesEngine("20.18.0", "^20.19.0 || ^22.12.0 || >=23")).toBe(false);
    expect(satisfiesEngine("22.12.0", "^20.19.0 || ^22.12.0 || >=23")).toBe(true);
    expect(satisfiesEngine("7.1.0", ">=6 <7 || >=8")).toBe(false);
    expect(satisfiesEngine("20.9.0", "6.* || 8.* || >= 10.*")).toBe(true);
    expect(satisfiesEngine("20.9.0", ">=16 || 14 >=14.17")).toBe(true);
    expect(() => satisfiesEngine("20.9.0", ">=v20")).toThrow();
  });

  test("GIVEN package.json's engines WHEN the README is read THEN the quick start states the same floor", () => {
    expect(floor).toBeDefined();
    expect(README).toContain(`Node.js ≥ ${floor} and npm`);
    expect(section).toContain(`${floor} is the floor`);
  });

  test("GIVEN every installed package's engines WHEN the floor does not satisfy one THEN it is a test-only package the README names", () => {
    const below = excluding(`${floor}.0`);
    expect(below.filter((p) => !p.dev).map((p) => p.name)).toEqual([]);
    expect(below.filter((p) => !section.includes(`\`${p.name}\``)).map((p) => p.name)).toEqual([]);
  });

  test("GIVEN the maintained LTS releases the README recommends WHEN installed there THEN no package's engines warn", () => {
    expect(section).toContain("On Node 22.13 or newer `npm ci` prints none");
    expect(excluding("22.13.0").map((p) => p.name)).toEqual([]);
    expect(excluding("24.0.0").map((p) => p.name)).toEqual([]);
  });
});

describe("README policy at synth", () => {
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

/** The rows of the README's "## Versions" table: first cell -> [version, where, how to move it]. */
function versionRows(readme: string): Map<string, string[]> {
  const section = readme.split(/^## Versions$/m)[1]?.split(/^## /m)[0] ?? "";
  return new Map(
    [...section.matchAll(/^\| (.+) \|$/gm)]
      .map((m) => m[1].split(" | "))
      .filter((cells) => cells.length === 4 && cells[0] !== "what" && !/^-+$/.test(cells[0]))
      .map(([what, ...rest]) => [what, rest]),
  );
}

/** What the versions table must say of the add-ons, row by row, as problems. */
function addonVersionProblems(readme: string, addons: readonly Addon[]): string[] {
  const rows = versionRows(readme);
  const problems: string[] = [];
  const eksRow = `EKS add-ons ${eksAddons(addons)
    .map((a) => `\`${a.name}\``)
    .join(", ")}`;
  if (!rows.has(eksRow)) problems.push(`no row "${eksRow}" (the EKS add-ons of stacks/addons/index.ts, in its order)`);
  for (const addon of fluxAddons(addons)) {
    const file = `\`stacks/addons/${addon.name}.ts\``;
    const chart = `\`${addon.chart.name}\` ${addon.chart.version} from \`${addon.chart.repository}\``;
    const images = addon.imageTags
      ? Object.entries(addon.imageTags)
          .map(([minor, tag], i) => (i === 0 ? `${tag} (Kubernetes ${minor})` : `${tag} (${minor})`))
          .join(", ")
      : `\`${addon.chartImage}\`, the chart's own`;
    for (const [what, version] of [
      [`${addon.title} chart`, chart],
      [`${addon.title} image`, images],
    ]) {
      const row = rows.get(what);
      if (row?.[0] !== version || row[1] !== file) problems.push(`${what}: the row should say ${version} in ${file}, not ${JSON.stringify(row?.slice(0, 2))}`);
    }
  }
  return problems;
}

describe("README versions of the add-ons", () => {
  test("GIVEN the add-on registry WHEN the versions table is read THEN it names every EKS add-on, and each Flux add-on's chart and images where they are pinned", () => {
    expect(versionRows(README).size).toBeGreaterThan(8);
    expect(addonVersionProblems(README, ADDONS)).toEqual([]);
  });

  test("GIVEN a chart moved in its unit alone, or an add-on the table lacks WHEN checked THEN each is named", () => {
    const [autoscaler] = fluxAddons();
    const moved = { ...autoscaler, chart: { ...autoscaler.chart, version: "9.60.0" } };
    expect(
      addonVersionProblems(
        README,
        ADDONS.map((a) => (a === autoscaler ? moved : a)),
      ),
    ).toEqual([expect.stringMatching(/^Cluster Autoscaler chart: the row should say `cluster-autoscaler` 9\.60\.0 /)]);
    const extra: Addon = { name: "example-agent", title: "Example agent", installedBy: "eks", phase: "after-nodes" };
    expect(addonVersionProblems(README, [...ADDONS, extra])).toEqual([expect.stringContaining("`metrics-server`, `example-agent`")]);
  });
});
