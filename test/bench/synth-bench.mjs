#!/usr/bin/env node
// Times `cdktf synth` over several runs and reports wall time and peak memory.
//
//   node test/bench/synth-bench.mjs [--runs N] [--warmup N] [--app "<command>"] [--cwd DIR] [--json]
//   node test/bench/synth-bench.mjs --fleet [--runs N] [--warmup N] [--json]
//
// --fleet synthesizes two scratch projects side by side, alternating run by run: one cluster (the
// committed settings) and a fleet of 10 clusters with 10 apps each (test/bench/fleet-settings.mjs),
// each a cdktf.json beside the same app, and prints both medians and the fleet's ratio to one cluster.
//
// Each run executes the project's local `node_modules/.bin/cdktf synth --output <fresh temp dir>`
// (with CHECKPOINT_DISABLE=1, so the CLI does not call its telemetry host, and CI=1 unless CI is
// already set, so it runs non-interactively; output is captured) and checks that the
// run wrote a manifest and at least one stack. `--app` is passed through to `cdktf synth --app`,
// so another app command can be timed with the same CLI for comparison.
//
// Memory, per run:
//   - tree peak RSS: the largest SUM of RSS over the whole process tree (CLI, shell, app,
//     terraform, ...) seen by sampling /proc every --sample-ms ms (Linux only). Shared pages
//     (e.g. the node binary) are counted once per process, so this errs on the high side; a
//     peak shorter than the sampling interval can be missed.
//   - tree peak PSS: the same samples with each process's proportional set size (shared pages
//     divided among the processes sharing them): the real footprint of the whole tree.
//   - largest process maxrss: the kernel's exact high-water mark of the single largest process
//     in the tree, from GNU time (`/usr/bin/time -f %M`), when that exists.
// Where neither source is available the figure is reported as n/a with the reason.
//
// Plain Node ESM, no dependencies.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const USAGE = `Usage: node test/bench/synth-bench.mjs [options]

  --runs N        measured runs (default 5)
  --warmup N      unmeasured runs first, to warm the disk cache (default 1)
  --app "<cmd>"   app command passed to \`cdktf synth --app\` (default: cdktf.json's "app")
  --cwd DIR       project directory to synthesize (default: the current directory)
  --cdktf PATH    cdktf CLI to run (default: <cwd>/node_modules/.bin/cdktf, else this repo's)
  --sample-ms N   /proc sampling interval for the tree RSS (default 50)
  --fleet         one cluster and a 10 x 10 fleet side by side, alternating; prints the ratio
  --json          print the results as JSON on stdout (progress goes to stderr)
  -h, --help      this text`;

function fail(message, code = 2) {
  process.stderr.write(`synth-bench: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { runs: 5, warmup: 1, app: undefined, cwd: process.cwd(), cdktf: undefined, sampleMs: 50, json: false, fleet: false };
  const intOpt = (name, value, min) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) fail(`${name} needs an integer >= ${min}, got ${JSON.stringify(value)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) fail(`${arg} needs a value\n\n${USAGE}`);
      return argv[++i];
    };
    switch (arg) {
      case "--runs":
        opts.runs = intOpt(arg, next(), 1);
        break;
      case "--warmup":
        opts.warmup = intOpt(arg, next(), 0);
        break;
      case "--app":
        opts.app = next();
        break;
      case "--cwd":
        opts.cwd = path.resolve(next());
        break;
      case "--cdktf":
        opts.cdktf = path.resolve(next());
        break;
      case "--sample-ms":
        opts.sampleMs = intOpt(arg, next(), 1);
        break;
      case "--json":
        opts.json = true;
        break;
      case "--fleet":
        opts.fleet = true;
        break;
      case "-h":
      case "--help":
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${arg}\n\n${USAGE}`);
    }
  }
  return opts;
}

function resolveCdktf(opts) {
  if (opts.cdktf) {
    if (!fs.existsSync(opts.cdktf)) fail(`--cdktf ${opts.cdktf} does not exist`);
    return opts.cdktf;
  }
  const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
  for (const dir of [opts.cwd, here]) {
    const bin = path.join(dir, "node_modules", ".bin", "cdktf");
    if (fs.existsSync(bin)) return bin;
  }
  fail(`no node_modules/.bin/cdktf under ${opts.cwd} or ${here}; run npm install (cdktf-cli is a devDependency)`);
}

// ---- memory sources ---------------------------------------------------------------------------

const PAGE_SIZE = (() => {
  const r = spawnSync("getconf", ["PAGESIZE"], { encoding: "utf8" });
  const n = Number(r.stdout?.trim());
  return Number.isInteger(n) && n > 0 ? n : 4096;
})();

/** `{ ppid, rssBytes }` from /proc/<pid>/stat, or undefined when the process is gone. */
function readStat(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(rest[1]), rssBytes: Number(rest[21]) * PAGE_SIZE };
}

/** Why /proc sampling cannot work here, or undefined when it can. */
function procUnavailableReason() {
  if (process.platform !== "linux") return `no /proc process table on ${process.platform}`;
  if (!readStat(process.pid)) return "/proc/<pid>/stat is not readable";
  return undefined;
}

/** Samples the RSS sum of `rootPid` and all its descendants; `stop()` returns the peak in bytes. */
function startTreeSampler(rootPid, intervalMs, excludePids) {
  let peak = 0;
  let samples = 0;
  const sample = () => {
    // Parent links of every process (the /proc/<pid>/task/<tid>/children files need
    // CONFIG_PROC_CHILDREN, which not every kernel has, so scan the table instead).
    const byParent = new Map();
    const rss = new Map();
    let entries;
    try {
      entries = fs.readdirSync("/proc");
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
      const st = readStat(name);
      if (!st) continue;
      const pid = Number(name);
      rss.set(pid, st.rssBytes);
      if (!byParent.has(st.ppid)) byParent.set(st.ppid, []);
      byParent.get(st.ppid).push(pid);
    }
    if (!rss.has(rootPid)) return;
    let total = 0;
    let totalPss = 0;
    const queue = [rootPid];
    while (queue.length) {
      const pid = queue.pop();
      if (!excludePids.has(pid)) {
        total += rss.get(pid) ?? 0;
        totalPss += readPss(pid) ?? 0;
      }
      queue.push(...(byParent.get(pid) ?? []));
    }
    samples++;
    if (total > peak) peak = total;
    if (totalPss > peakPss) peakPss = totalPss;
  };
  let peakPss = 0;
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakBytes: peak, peakPssBytes: peakPss || undefined, samples };
    },
  };
}

/**
 * Proportional set size of one process: shared pages divided among the processes sharing them,
 * so a sum over the tree counts the node binary once rather than once per node process.
 */
function readPss(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** GNU time (`-f FORMAT -o FILE`), or the reason it cannot be used. */
function findGnuTime() {
  const bin = "/usr/bin/time";
  if (!fs.existsSync(bin)) return { reason: `${bin} not found` };
  const probe = spawnSync(bin, ["--version"], { encoding: "utf8" });
  const out = `${probe.stdout ?? ""}${probe.stderr ?? ""}`;
  if (!/GNU/i.test(out)) return { reason: `${bin} is not GNU time (no -f %M)` };
  return { bin };
}

// ---- one run ----------------------------------------------------------------------------------

function runOnce({ cdktf, opts, gnuTime, procReason }) {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-bench-out-"));
  const timeFile = path.join(outDir, "..", `${path.basename(outDir)}.maxrss`);
  const cliArgs = ["synth", "--output", outDir];
  if (opts.app !== undefined) cliArgs.push("--app", opts.app);
  let command = cdktf;
  let args = cliArgs;
  if (gnuTime.bin) {
    command = gnuTime.bin;
    args = ["-f", "%M", "-o", timeFile, cdktf, ...cliArgs];
  }
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", CI: process.env.CI ?? "1", FORCE_COLOR: "0" };

  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: opts.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    // Exclude the GNU time wrapper itself (about 2 MB) from the tree sum.
    const sampler = procReason ? undefined : startTreeSampler(child.pid, opts.sampleMs, new Set(gnuTime.bin ? [child.pid] : []));
    let output = "";
    const keep = (chunk) => {
      output += chunk;
      if (output.length > 64_000) output = output.slice(-32_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const finish = (code, signal, spawnError) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const tree = sampler?.stop();
      let maxRssBytes;
      if (gnuTime.bin) {
        try {
          const kb = Number(fs.readFileSync(timeFile, "utf8").trim().split("\n").pop());
          if (Number.isFinite(kb)) maxRssBytes = kb * 1024;
        } catch {
          /* reported as n/a below */
        }
      }
      let stacks = [];
      try {
        const manifest = JSON.parse(fs.readFileSync(path.join(outDir, "manifest.json"), "utf8"));
        stacks = Object.keys(manifest.stacks ?? {});
      } catch {
        /* no manifest: the run failed */
      }
      fs.rmSync(outDir, { recursive: true, force: true });
      fs.rmSync(timeFile, { force: true });
      resolve({
        ok: !spawnError && code === 0 && stacks.length > 0,
        code,
        signal,
        error: spawnError?.message,
        wallMs,
        treePeakRssBytes: tree && tree.samples > 0 ? tree.peakBytes : undefined,
        treePeakPssBytes: tree && tree.samples > 0 ? tree.peakPssBytes : undefined,
        treeSamples: tree?.samples ?? 0,
        maxRssBytes,
        stacks,
        output,
      });
    };
    child.on("error", (err) => finish(null, null, err));
    child.on("close", (code, signal) => finish(code, signal));
  });
}

// ---- statistics and report ----------------------------------------------------------------------

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function summarize(values) {
  if (values.some((v) => v === undefined) || values.length === 0) return undefined;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * A scratch project whose cdktf.json is the repository's with `settings`, running the repository's
 * app by absolute path (the app finds config_files/ beside its own code), so the CLI, the app and
 * the work are the same as in the repository and only the settings differ.
 */
function scratchProject(name, settings) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `synth-bench-${name}-`));
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(REPO, "cdktf.json"), "utf8"));
  cdktfJson.app = `node --enable-source-maps --require ${path.join(REPO, "stacks", "tooling", "swc-register.js")} ${path.join(REPO, "main.ts")}`;
  cdktfJson.context = { ...cdktfJson.context, settings };
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify(cdktfJson, null, 2));
  return dir;
}

/** One cluster and the fleet, alternating run by run so that a change of machine load hits both alike. */
async function compareFleet(opts) {
  const { fleetSettings } = await import("./fleet-settings.mjs");
  const committed = JSON.parse(fs.readFileSync(path.join(REPO, "cdktf.json"), "utf8")).context.settings;
  const projects = { one: scratchProject("one", committed), fleet: scratchProject("fleet", fleetSettings(committed)) };
  const log = (line) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
  const cdktf = resolveCdktf({ ...opts, cwd: REPO });
  const gnuTime = findGnuTime();
  const procReason = procUnavailableReason();
  log(`synth-bench --fleet: ${opts.warmup} warm-up + ${opts.runs} measured run(s) of each, alternating; cli ${cdktf}`);
  const walls = { one: [], fleet: [] };
  const stacks = {};
  try {
    for (let i = 0; i < opts.warmup + opts.runs; i++) {
      const warm = i < opts.warmup;
      for (const name of ["one", "fleet"]) {
        const r = await runOnce({ cdktf, opts: { ...opts, cwd: projects[name], app: undefined }, gnuTime, procReason });
        if (!r.ok) fail(`${name} run ${i + 1} failed (${r.error ?? `exit code ${r.code ?? r.signal}`}); last output:\n${r.output.slice(-4000)}`, 1);
        stacks[name] = r.stacks.length;
        log(`  ${`${name} ${warm ? "warm-up" : `run ${i - opts.warmup + 1}`}`.padEnd(16)} ${sec(r.wallMs).padStart(9)}${warm ? "  (not counted)" : ""}`);
        if (!warm) walls[name].push(r.wallMs);
      }
    }
  } finally {
    for (const dir of Object.values(projects)) fs.rmSync(dir, { recursive: true, force: true });
  }
  const one = summarize(walls.one);
  const fleet = summarize(walls.fleet);
  const ratio = fleet.median / one.median;
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ runs: opts.runs, one: { stacks: stacks.one, wallMs: one }, fleet: { stacks: stacks.fleet, wallMs: fleet }, ratio, node: process.version, cpus: os.cpus().length }, null, 2)}\n`,
    );
    return;
  }
  log("");
  log(`  one cluster   ${stacks.one} stacks   median ${sec(one.median)}   min ${sec(one.min)}   max ${sec(one.max)}`);
  log(`  10 x 10 fleet ${stacks.fleet} stacks  median ${sec(fleet.median)}   min ${sec(fleet.min)}   max ${sec(fleet.max)}`);
  log(`  fleet / one cluster: ${ratio.toFixed(2)}x`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.fleet) return compareFleet(opts);
  if (!fs.existsSync(path.join(opts.cwd, "cdktf.json"))) fail(`no cdktf.json in ${opts.cwd} (use --cwd)`);
  const cdktf = resolveCdktf(opts);
  const procReason = procUnavailableReason();
  const gnuTime = findGnuTime();
  const appCommand = opts.app ?? JSON.parse(fs.readFileSync(path.join(opts.cwd, "cdktf.json"), "utf8")).app;
  const log = (line) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`);

  log(`synth-bench: ${opts.warmup} warm-up + ${opts.runs} measured run(s) of \`cdktf synth\``);
  log(`  cwd:   ${opts.cwd}`);
  log(`  cli:   ${cdktf}`);
  log(`  app:   ${appCommand}${opts.app === undefined ? " (from cdktf.json)" : " (--app)"}`);

  const runs = [];
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    const warm = i < opts.warmup;
    const label = warm ? `warm-up ${i + 1}/${opts.warmup}` : `run ${i - opts.warmup + 1}/${opts.runs}`;
    const r = await runOnce({ cdktf, opts, gnuTime, procReason });
    if (!r.ok) {
      const why = r.error ?? (r.code !== 0 ? `exit code ${r.code ?? r.signal}` : "no stacks in the output manifest");
      process.stderr.write(`synth-bench: ${label} failed (${why}); last output:\n${r.output.slice(-4000)}\n`);
      process.exit(1);
    }
    const mem = [
      r.treePeakRssBytes !== undefined ? `tree ${mb(r.treePeakRssBytes)}` : undefined,
      r.treePeakPssBytes !== undefined ? `tree PSS ${mb(r.treePeakPssBytes)}` : undefined,
      r.maxRssBytes !== undefined ? `largest process ${mb(r.maxRssBytes)}` : undefined,
    ]
      .filter(Boolean)
      .join(", ");
    log(`  ${label.padEnd(14)} ${sec(r.wallMs).padStart(9)}  ${mem}${warm ? "  (not counted)" : ""}`);
    if (!warm) runs.push(r);
  }

  const wall = summarize(runs.map((r) => r.wallMs));
  const tree = procReason ? undefined : summarize(runs.map((r) => r.treePeakRssBytes));
  const pssRuns = runs.map((r) => r.treePeakPssBytes).filter((v) => v !== undefined);
  const treePss = pssRuns.length === runs.length ? summarize(pssRuns) : undefined;
  const largest = gnuTime.bin ? summarize(runs.map((r) => r.maxRssBytes)) : undefined;
  const treeReason = procReason ?? (tree ? undefined : "no /proc sample caught the process tree");
  const largestReason = gnuTime.reason ?? (largest ? undefined : "GNU time wrote no %M value");
  const result = {
    cwd: opts.cwd,
    cli: cdktf,
    app: appCommand,
    runs: opts.runs,
    warmup: opts.warmup,
    stacks: runs[0].stacks,
    wallMs: wall,
    peakTreeRssBytes: tree ? Math.max(...runs.map((r) => r.treePeakRssBytes)) : null,
    treePssBytes: treePss ?? null,
    treeRssBytes: tree ?? null,
    treeRssNa: treeReason ?? null,
    treeRssSampleMs: opts.sampleMs,
    largestProcessMaxRssBytes: largest ?? null,
    largestProcessNa: largestReason ?? null,
    perRun: runs.map((r) => ({
      wallMs: r.wallMs,
      treePeakRssBytes: r.treePeakRssBytes ?? null,
      treePeakPssBytes: r.treePeakPssBytes ?? null,
      maxRssBytes: r.maxRssBytes ?? null,
    })),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.cpus().length,
  };

  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  log("");
  log(`Summary (${opts.runs} run(s), stacks: ${result.stacks.join(", ")})`);
  log(`  wall time        median ${sec(wall.median)}   min ${sec(wall.min)}   max ${sec(wall.max)}`);
  log(
    tree
      ? `  peak RSS (tree)  ${mb(result.peakTreeRssBytes)} highest run; median ${mb(tree.median)}, min ${mb(tree.min)}  [sum over the process tree, /proc sampled every ${opts.sampleMs} ms]`
      : `  peak RSS (tree)  n/a: ${treeReason}`,
  );
  log(
    treePss
      ? `  peak PSS (tree)  ${mb(treePss.max)} highest run; median ${mb(treePss.median)}  [same samples, shared pages split between processes: the tree's real footprint]`
      : `  peak PSS (tree)  n/a: ${treeReason ?? "/proc/<pid>/smaps_rollup is not readable"}`,
  );
  log(
    largest
      ? `  largest process  ${mb(largest.max)} highest run; median ${mb(largest.median)}  [kernel maxrss of the biggest single process, GNU time %M]`
      : `  largest process  n/a: ${largestReason}`,
  );
}

main().catch((err) => fail(err?.stack ?? String(err), 1));
