// Stryker for one group of test/mutation/groups.mjs, named by MUTATION_GROUP (test/mutation/run.mjs
// sets it). Each group keeps its own incremental file, so a re-run tests only what changed.
import { createRequire } from "module";
import { GROUPS } from "./groups.mjs";

const require = createRequire(import.meta.url);
const group = process.env.MUTATION_GROUP;
if (!group || !(group in GROUPS)) {
  throw new Error(`MUTATION_GROUP must be one of ${Object.keys(GROUPS).join(", ")}; got ${group ?? "nothing"}`);
}
const { mutate, tests, ignore = [] } = GROUPS[group];
// The unit tier's project config (package.json's jest.projects), with this group's tests.
const { displayName: _tier, ...jestConfig } = require("../../package.json").jest.projects.find((p) => p.displayName === "unit");

export default {
  packageManager: "npm",
  testRunner: "jest",
  jest: {
    projectType: "custom",
    config: { ...jestConfig, reporters: ["default"], testMatch: tests.map((t) => `<rootDir>/${t}`), testPathIgnorePatterns: ["/node_modules/", ...ignore] },
    enableFindRelatedTests: false,
  },
  // Drops the mutants that do not type-check before any test runs them (the tests are transpiled
  // only, so such a mutant could otherwise survive).
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  mutate,
  ignorePatterns: [".cache", "cdktf.out", "reports", ".gitlab-ci-local", ".bench", "coverage"],
  incremental: true,
  incrementalFile: `.cache/stryker/${group}.json`,
  tempDirName: ".cache/stryker/tmp",
  concurrency: 2,
  timeoutMS: 60000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${group}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${group}/mutation.json` },
  thresholds: { high: 95, low: 90, break: null },
};
