import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { exampleSettings } from "../manifests/fixtures";
import { findResource } from "../constructs/find";
import { removeTempDirsAfterAll, tempDir } from "../temp-dirs";
import { synthApp } from "../support";

/*
 * Living with a cluster, replayed with Terraform: the cluster's support-type precondition, planned
 * against the versions EKS could be running (the rest of day two is in day-two.test.ts).
 */

removeTempDirsAfterAll();

const committed = synthApp(exampleSettings());

const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" });
const describeWithTerraform = terraform.status === 0 ? describe : describe.skip;
if (terraform.status !== 0) console.warn("support-type precondition replay SKIPPED: terraform not on the PATH");

describeWithTerraform("the support-type check, replayed with Terraform", () => {
  const [, cluster] = findResource(committed["flux-cluster-eks"], "aws_eks_cluster");
  const [{ condition, error_message: message }] = cluster.lifecycle.precondition as { condition: string; error_message: string }[];
  const dataRef = /data\.aws_eks_cluster\.[A-Za-z0-9_-]+/g;

  /** Plans a terraform_data with the cluster's precondition, the running cluster's data source replaced by `running`. */
  function planWith(running: string[]): { status: number | null; output: string } {
    const dir = tempDir("support-type-");
    const config = {
      locals: { running: running.map((version) => ({ version })) },
      resource: {
        terraform_data: {
          cluster: {
            input: "x",
            lifecycle: { precondition: [{ condition: condition.replace(dataRef, "local.running"), error_message: message.replace(dataRef, "local.running") }] },
          },
        },
      },
    };
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config));
    fs.writeFileSync(path.join(dir, "rc"), "");
    const env = { ...process.env, TF_CLI_CONFIG_FILE: path.join(dir, "rc") };
    const init = spawnSync("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8" });
    if (init.status !== 0) throw new Error(init.stderr);
    const plan = spawnSync("terraform", ["plan", "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8" });
    return { status: plan.status, output: plan.stdout + plan.stderr };
  }

  test("GIVEN no cluster yet (first deploy) THEN the plan goes on", () => {
    expect(planWith([]).status).toBe(0);
  });

  test("GIVEN the cluster at the settings' version, or older THEN the plan goes on", () => {
    expect(planWith(["1.35"]).status).toBe(0);
    expect(planWith(["1.34"]).status).toBe(0);
  });

  test("GIVEN EKS upgraded the cluster past the settings (standard support ended) THEN the plan stops and says which setting to raise", () => {
    const plan = planWith(["1.36"]);
    expect(plan.status).not.toBe(0);
    expect(plan.output.replace(/\s+/g, " ")).toContain("EKS runs cluster flux-cluster at Kubernetes 1.36, newer than eks.kubernetesVersion 1.35");
  });
});
