import { spawnSync } from "child_process";
import * as path from "path";
import type { Json } from "../support";

/*
 * CEL, evaluated as the admission policy replays need it: ./cel-evaluate.mjs (@marcbachmann/cel-js,
 * an ES module jest's CommonJS runtime cannot load) in plain node, every case in one process.
 */

/** Each case's value or error, by its id. */
export function evaluateCel(cases: { id: string; expression: string; variables: Json }[]): Map<string, { value?: unknown; error?: string }> {
  const run = spawnSync(process.execPath, [path.join(__dirname, "cel-evaluate.mjs")], {
    input: JSON.stringify({ cases }),
    encoding: "utf8",
    cwd: path.join(__dirname, "..", ".."),
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`cel-evaluate.mjs failed (${run.status ?? run.signal}): ${run.stderr}`);
  const { results } = JSON.parse(run.stdout) as { results: { id: string; value?: unknown; error?: string }[] };
  return new Map(results.map((r) => [r.id, r]));
}
