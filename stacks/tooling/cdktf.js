// `npm run synth|diff|deploy|destroy`: the cdktf CLI, after a check of cdktf.json.
//
// cdktf parses cdktf.json before it runs the app: a syntax error there ends in a stack trace
// that never names the file, and leaves the stacks of the previous synth in cdktf.out/ for
// `--skip-synth` or a plain `terraform apply` to deploy. This reads cdktf.json first; when it is
// not valid JSON it removes those stacks and prints one line naming the file, line and column.
"use strict";
const path = require("path");
const { spawnSync } = require("child_process");
require("./swc-register");
const { readJsonFile } = require("../settings/json-file");
const { removeSynthOutput } = require("../synth-output");

const root = path.resolve(__dirname, "..", "..");
const args = process.argv.slice(2);

/** The output directory cdktf will use: --output/-o, else cdktf.json's "output", else cdktf.out. */
function outdir(cdktfJson) {
  const flag = args.findIndex((a) => a === "--output" || a === "-o");
  if (flag >= 0 && args[flag + 1]) return path.resolve(root, args[flag + 1]);
  const inline = args.find((a) => a.startsWith("--output="));
  if (inline) return path.resolve(root, inline.slice("--output=".length));
  return path.resolve(root, (cdktfJson && cdktfJson.output) || "cdktf.out");
}

try {
  readJsonFile(path.join(root, "cdktf.json"));
} catch (err) {
  removeSynthOutput(outdir(undefined));
  console.error(err.message);
  process.exit(1);
}

const cli = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "cdktf.cmd" : "cdktf");
const run = spawnSync(cli, args, { cwd: root, stdio: "inherit", env: { CHECKPOINT_DISABLE: "1", ...process.env } });
if (run.error) {
  console.error(`could not run ${cli}: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status === null ? 1 : run.status);
