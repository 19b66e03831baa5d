/*
 * Evaluates CEL expressions with @marcbachmann/cel-js, for the admission policy replay
 * (./image-repository-admission.replay.test.ts): the package is an ES module, which jest's
 * CommonJS runtime cannot load, so it runs here in plain `node`, JSON in and out.
 *
 * Protocol: stdin  {"cases": [{"id": string, "expression": string, "variables": object}, ...]}
 *           stdout {"results": [{"id": string, "value"?: unknown, "error"?: string}, ...]}
 * A value that is not JSON (a bigint) is written as its string.
 */
import { evaluate } from "@marcbachmann/cel-js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { cases } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const results = cases.map(({ id, expression, variables }) => {
  try {
    const value = evaluate(expression, variables);
    return { id, value: typeof value === "bigint" ? String(value) : value };
  } catch (error) {
    return { id, error: String(error?.message ?? error).split("\n")[0] };
  }
});
process.stdout.write(JSON.stringify({ results }));
