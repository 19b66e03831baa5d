// Times the fast inner loop, `npm test` (typecheck and lint side by side, then the unit tier), step by step, as wall
// clock seconds on this machine: `npm run bench:test [-- --runs N] [-- --all]`. With --all it times
// `npm run test:all` instead. The figure depends on the machine and on what else runs on it: the
// load average is printed next to it. No test asserts a time; this is the measurement.
import { spawnSync } from "child_process";
import { loadavg, cpus } from "os";

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 1;
const all = args.includes("--all");
// The same commands as the scripts in package.json: the checks side by side, then jest.
const steps = all
  ? [
      ["typecheck + lint + synth:check, side by side", "node", ["test/run-checks.mjs", "typecheck", "lint", "synth:check"]],
      ["jest, every tier", "npx", ["jest"]],
    ]
  : [
      ["typecheck + lint, side by side", "node", ["test/run-checks.mjs", "typecheck", "lint"]],
      ["jest, unit tier", "npx", ["jest", "--selectProjects", "unit"]],
    ];

const totals = [];
for (let run = 1; run <= runs; run++) {
  const load = loadavg()[0].toFixed(2);
  let total = 0;
  const parts = [];
  for (const [name, command, commandArgs] of steps) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, commandArgs, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
      console.error(`${name} failed (exit ${result.status}):\n${result.stderr.slice(-4000)}`);
      process.exit(1);
    }
    total += seconds;
    parts.push(`${name} ${seconds.toFixed(1)} s`);
  }
  totals.push(total);
  console.log(
    `run ${run}: ${all ? "npm run test:all" : "npm test"} ${total.toFixed(1)} s wall (${parts.join(", ")}); load average before: ${load}, ${cpus().length} cores`,
  );
}
if (runs > 1) {
  const sorted = [...totals].sort((a, b) => a - b);
  console.log(`median of ${runs}: ${sorted[Math.floor(runs / 2)].toFixed(1)} s`);
}
