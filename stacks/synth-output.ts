import * as fs from "fs";
import * as path from "path";

/**
 * Removes the stacks of an earlier synth. cdktf cleans its output only after a successful synth,
 * so without this a failed synth would leave the old stacks for `cdktf deploy --skip-synth` or a
 * plain `terraform apply` in cdktf.out/stacks/ to deploy.
 */
export function removeSynthOutput(outdir: string): void {
  fs.rmSync(path.join(outdir, "stacks"), { recursive: true, force: true });
  fs.rmSync(path.join(outdir, "manifest.json"), { force: true });
}
