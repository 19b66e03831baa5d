// npm run mutate [-- [--force] [group...]]: runs Stryker for each group of ./groups.mjs (all by
// default), one after the other, then prints each mutated file's score and fails when a file is under
// 90 %. Without --force a group re-tests only what its incremental file says changed; Stryker keeps a
// survivor's result when only new tests were added, so a score after new tests needs --force.
import { spawnSync } from "child_process";
import * as fs from "fs";
import { GROUPS } from "./groups.mjs";

const TARGET = 90;
const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
const asked = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const unknown = asked.filter((g) => !(g in GROUPS));
if (unknown.length > 0) {
  console.error(`unknown mutation group ${unknown.join(", ")}; the groups are ${Object.keys(GROUPS).join(", ")}`);
  process.exit(2);
}
const groups = asked.length > 0 ? asked : Object.keys(GROUPS);

// Stryker's statuses: Killed and Timeout are detected; Survived and NoCoverage are not; CompileError
// and RuntimeError (the mutant does not type-check or load) and Ignored are out of the score.
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

const rows = [];
for (const group of groups) {
  const run = spawnSync("npx", ["stryker", "run", "test/mutation/stryker.config.mjs", ...flags], {
    stdio: "inherit",
    env: { ...process.env, MUTATION_GROUP: group },
  });
  if (run.status !== 0) {
    console.error(`mutation group ${group}: Stryker exited ${run.status ?? run.signal}`);
    process.exit(1);
  }
  const report = JSON.parse(fs.readFileSync(`reports/mutation/${group}/mutation.json`, "utf8"));
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
    const undetected = mutants.filter((m) => UNDETECTED.has(m.status)).length;
    const total = detected + undetected;
    rows.push({ group, file, detected, undetected, score: total === 0 ? 100 : (100 * detected) / total });
  }
}

console.log("\nmutation score by file (detected / detected + undetected):");
for (const r of rows) {
  console.log(`  ${r.score.toFixed(1).padStart(5)} %  ${String(r.detected).padStart(4)} / ${String(r.detected + r.undetected).padEnd(4)}  ${r.file}`);
}
const detected = rows.reduce((n, r) => n + r.detected, 0);
const total = rows.reduce((n, r) => n + r.detected + r.undetected, 0);
console.log(`  ${((100 * detected) / total).toFixed(1).padStart(5)} %  ${String(detected).padStart(4)} / ${String(total).padEnd(4)}  all`);
const under = rows.filter((r) => r.score < TARGET);
if (under.length > 0) {
  console.error(`under ${TARGET} %: ${under.map((r) => r.file).join(", ")}`);
  process.exit(1);
}
