import { spawnSync, type SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Json } from "./support";
import { tempDir } from "./temp-dirs";

/*
 * The app as the cdktf CLI runs it: cdktf.json's `app` command, run by a shell in the project
 * root, with the context in CDKTF_CONTEXT_JSON and the output directory in CDKTF_OUTDIR.
 */

export const ROOT = path.resolve(__dirname, "..");

// Re-exported for the replays, which run the app in temporary copies of the project.
export { removeTempDirsAfterAll, tempDir } from "./temp-dirs";

/** cdktf.json's context block as committed. */
export function committedContext(): Json {
  // Untyped: the raw JSON the tests edit before the app validates it.
  return JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).context;
}

export interface RunAppOptions {
  /** The project directory the app runs in. @default this repository */
  readonly project?: string;
  /** The whole environment of the app. @default this process's environment */
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs cdktf.json's `app` command the way the CLI does. */
export function runApp(ctx: Record<string, unknown>, outdir: string, options: RunAppOptions = {}): SpawnSyncReturns<string> {
  const { app } = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { app: string };
  return spawnSync(app, {
    shell: true,
    cwd: options.project ?? ROOT,
    env: { ...(options.env ?? process.env), CDKTF_CONTEXT_JSON: JSON.stringify(ctx), CDKTF_OUTDIR: outdir },
    encoding: "utf8",
    timeout: 120_000,
  });
}

/** A copy of the project (sources, templates, cdktf.json; node_modules linked) under a new temporary directory. */
export function projectCopy(prefix: string): string {
  const project = tempDir(prefix);
  for (const entry of ["main.ts", "stacks", "tsconfig.json", "config_files", "cdktf.json", "package.json"]) {
    fs.cpSync(path.join(ROOT, entry), path.join(project, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  return project;
}

/** Every file below `dir`, as paths relative to it, sorted. */
export function filesBelow(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}
