// Runs the npm scripts named on the command line side by side (`node test/run-checks.mjs typecheck
// lint`), then prints each one's output in the order given, with its time, and exits 1 if any
// failed. The checks before jest (tsc, ESLint, a synth) are one process each, so on two cores two
// of them cost the time of the longest rather than the sum.
import { spawn } from "child_process";

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error("usage: node test/run-checks.mjs <npm script>...");
  process.exit(64);
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** One script's run: its exit code, its output (stdout and stderr interleaved) and its seconds. */
function run(script) {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(npm, ["run", "--silent", script], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ script, code: 1, output: `${output}${error.message}\n`, seconds: 0 }));
    child.on("close", (code) => resolve({ script, code: code ?? 1, output, seconds: Number(process.hrtime.bigint() - start) / 1e9 }));
  });
}

const results = await Promise.all(scripts.map(run));
for (const { script, code, output, seconds } of results) {
  process.stdout.write(`\n> ${script}: ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${seconds.toFixed(1)} s\n`);
  if (output.trim()) process.stdout.write(output.endsWith("\n") ? output : `${output}\n`);
}
const failed = results.filter((r) => r.code !== 0).map((r) => r.script);
if (failed.length > 0) {
  console.error(`\nchecks failed: ${failed.join(", ")}`);
  process.exit(1);
}
