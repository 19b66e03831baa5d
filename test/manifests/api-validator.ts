import { spawnSync } from "child_process";
import * as path from "path";

/** What ./k8s-validate.mjs says of one document: the model it was checked against, and every error. */
export interface ValidatorResult {
  id: string;
  model: string | null;
  errors: string[];
}

const VALIDATOR = path.join(__dirname, "k8s-validate.mjs");

/** Runs ./k8s-validate.mjs once for all documents. */
export function validateApiObjects(documents: { id: string; doc: unknown }[]): Map<string, ValidatorResult> {
  const run = spawnSync(process.execPath, [VALIDATOR], {
    input: JSON.stringify({ documents }),
    encoding: "utf8",
    cwd: path.join(__dirname, "..", ".."),
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`k8s-validate.mjs failed (${run.status ?? run.signal}): ${run.stderr}`);
  const { results } = JSON.parse(run.stdout) as { results: ValidatorResult[] };
  return new Map(results.map((r) => [r.id, r]));
}
