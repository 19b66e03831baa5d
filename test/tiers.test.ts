import * as fs from "fs";
import * as path from "path";
import { jest as jestConfig } from "../package.json";

/*
 * The test tiers (jest projects in package.json): `npm test` runs the unit tier, which spawns no
 * tool, reaches no network and installs nothing, so that it stays a loop of seconds; the replays
 * of what other systems do with our output (Terraform, kustomize, checkov, moto, Go, gitlab-ci-local,
 * git, the cdktf CLI) are `*.replay.test.ts` files, which `npm run test:all` (and CI) runs too.
 *
 * The tier is a file's name, and this test keeps the name true: a unit-tier test file that reaches
 * `child_process` through its imports (within test/) belongs in the replay tier.
 */

const TEST_ROOT = __dirname;
/**
 * The one child process the unit tier starts: Node itself, running our validator of the rendered
 * manifests (./manifests/k8s-validate.mjs), because the Kubernetes and Flux models it uses are
 * ES modules that jest's CommonJS runtime cannot load. It spawns no tool and reaches no network.
 */
const ALLOWED_SPAWNERS = new Set([path.join(TEST_ROOT, "manifests", "api-validator.ts")]);

const testFiles = (fs.readdirSync(TEST_ROOT, { recursive: true }) as string[])
  .filter((file) => file.endsWith(".test.ts"))
  .map((file) => path.join(TEST_ROOT, file));

/** The module specifiers a file imports or requires. */
const importsOf = (file: string) => [...fs.readFileSync(file, "utf8").matchAll(/(?:from\s+|require\(|import\()\s*"([^"]+)"/g)].map((m) => m[1]);

/** Where a relative specifier points inside test/, if it does (a .ts file). */
function resolveInTests(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  const found = [`${base}.ts`, path.join(base, "index.ts"), base].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
  return found && found.startsWith(TEST_ROOT + path.sep) ? found : undefined;
}

/** The chain of test/ files through which `file` reaches child_process, or undefined. */
function spawnChain(file: string, seen = new Set<string>()): string[] | undefined {
  if (seen.has(file) || ALLOWED_SPAWNERS.has(file)) return undefined;
  seen.add(file);
  for (const specifier of importsOf(file)) {
    if (specifier === "child_process" || specifier === "node:child_process") return [file];
    const next = resolveInTests(file, specifier);
    const chain = next ? spawnChain(next, seen) : undefined;
    if (chain) return [file, ...chain];
  }
  return undefined;
}

const relative = (file: string) => path.relative(path.dirname(TEST_ROOT), file);

describe("the test tiers", () => {
  test("GIVEN package.json's jest projects THEN there are exactly the unit and replay tiers, split by the .replay.test.ts name", () => {
    const tiers = jestConfig.projects.map((p) => ({
      name: p.displayName,
      match: p.testMatch,
      ignore: "testPathIgnorePatterns" in p ? p.testPathIgnorePatterns : [],
    }));
    expect(tiers).toEqual([
      { name: "unit", match: ["<rootDir>/test/**/*.test.ts"], ignore: ["/node_modules/", "\\.replay\\.test\\.ts$"] },
      { name: "replay", match: ["<rootDir>/test/**/*.replay.test.ts"], ignore: [] },
    ]);
  });

  test("GIVEN every unit-tier test file THEN none reaches child_process through its imports (a tool it spawns makes it a replay)", () => {
    const offenders = testFiles
      .filter((file) => !file.endsWith(".replay.test.ts"))
      .map((file) => spawnChain(file))
      .filter((chain): chain is string[] => chain !== undefined)
      .map((chain) => chain.map(relative).join(" -> "));
    expect(offenders).toEqual([]);
  });

  test("GIVEN the guard above WHEN a file reaches child_process through a helper THEN it finds the chain (it can fail)", () => {
    expect(spawnChain(path.join(TEST_ROOT, "aws", "moto.ts"))?.map(relative)).toEqual(["test/aws/moto.ts"]);
    const chain = spawnChain(path.join(TEST_ROOT, "gitops", "lockdown.replay.test.ts"))?.map(relative);
    expect(chain).toEqual(["test/gitops/lockdown.replay.test.ts", "test/gitops/kustomize-controller.ts"]);
  });

  test("GIVEN every replay-tier test file THEN it does spawn something (a replay that spawns nothing belongs in the fast tier)", () => {
    const idle = testFiles.filter((file) => file.endsWith(".replay.test.ts") && spawnChain(file) === undefined).map(relative);
    expect(idle).toEqual([]);
  });
});

describe("the tools' environment (jest's globalSetup, test/tool-env.js)", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module jest loads by path
  const toolEnv = require("./tool-env.js") as () => void;
  const saved = process.env.GOGC;
  afterEach(() => {
    if (saved === undefined) delete process.env.GOGC;
    else process.env.GOGC = saved;
  });

  test("GIVEN package.json's jest config THEN test/tool-env.js is its globalSetup, which runs before the workers start", () => {
    expect(jestConfig.globalSetup).toBe("<rootDir>/test/tool-env.js");
  });

  test("GIVEN no GOGC WHEN the global setup runs THEN the Go tools collect garbage at 400", () => {
    delete process.env.GOGC;
    toolEnv();
    expect(process.env.GOGC).toBe("400");
  });

  test("GIVEN a GOGC set by whoever runs the tests WHEN the global setup runs THEN it is kept", () => {
    process.env.GOGC = "100";
    toolEnv();
    expect(process.env.GOGC).toBe("100");
  });
});
