import { spawnSync, type SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT, removeTempDirsAfterAll, tempDir } from "../app-process";

/*
 * .ci/gitlab/stack, the script of the plan, deploy and destroy jobs, run for real with Terraform on
 * two small stacks shaped like ours (cdktf.out/stacks/<stack>/cdk.tf.json, the second reading the
 * first through terraform_remote_state), with only Terraform's built-in provider so that it runs
 * offline. What GitLab does with the result is replayed on it: the Terraform report must hold the
 * three counts the merge-request widget reads.
 */

removeTempDirsAfterAll();

const SCRIPT = path.join(ROOT, ".ci", "gitlab", "stack");
const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" });
const jq = spawnSync("jq", ["--version"], { encoding: "utf8" });
const missing = [terraform.status === 0 ? "" : "terraform", jq.status === 0 ? "" : "jq"].filter(Boolean);

/** An upstream stack with one value, and a downstream stack that reads it from the upstream state. */
function writeStacks(project: string, upstreamValue: string, upstreamOutput = true): void {
  const write = (stack: string, json: unknown) => {
    const dir = path.join(project, "cdktf.out", "stacks", stack);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(json, null, 2));
  };
  write("up", {
    terraform: { backend: { local: { path: "../../../terraform.up.tfstate" } } },
    resource: { terraform_data: { value: { input: upstreamValue, triggers_replace: [upstreamValue.startsWith("replace") ? upstreamValue : "keep"] } } },
    ...(upstreamOutput ? { output: { value: { value: "${terraform_data.value.output}" } } } : {}),
  });
  write("down", {
    terraform: { backend: { local: { path: "../../../terraform.down.tfstate" } } },
    data: {
      terraform_remote_state: {
        "cross-stack-reference-input-up": { backend: "local", config: { path: "../../../terraform.up.tfstate" } },
      },
    },
    resource: { terraform_data: { copy: { input: "${data.terraform_remote_state.cross-stack-reference-input-up.outputs.value}" } } },
  });
}

if (missing.length > 0) {
  const why = `${missing.join(" and ")} not on the PATH`;
  console.warn(`.ci/gitlab/stack tests SKIPPED: ${why}`);
  test.skip(`.ci/gitlab/stack with Terraform — skipped: ${why}`, () => undefined);
} else {
  describe(".ci/gitlab/stack with Terraform and two stacks, the second reading the first", () => {
    let project: string;
    let env: NodeJS.ProcessEnv;

    const run = (pipeline: "merge_request_event" | "push", ...args: string[]): SpawnSyncReturns<string> =>
      spawnSync(SCRIPT, args, { cwd: project, env: { ...env, CI_PIPELINE_SOURCE: pipeline }, encoding: "utf8", timeout: 120_000 });
    const report = () => JSON.parse(fs.readFileSync(path.join(project, "plan-report.json"), "utf8"));

    beforeAll(() => {
      project = tempDir("stack-script-");
      writeStacks(project, "one");
      const rc = path.join(project, "terraformrc");
      fs.writeFileSync(rc, "");
      env = { PATH: process.env.PATH, HOME: project, TF_CLI_CONFIG_FILE: rc };
    });

    test("GIVEN a merge request and an upstream stack never applied WHEN the downstream stack is planned THEN it exits 75 (allowed) and says why", () => {
      const result = run("merge_request_event", "plan", "down");
      expect(result.stderr).toContain("down reads a stack that has not been applied yet");
      expect(result.status).toBe(75);
    });

    test("GIVEN the default branch and the same WHEN planned THEN it fails for real (there the plan runs after the upstream deploy)", () => {
      const result = run("push", "plan", "down");
      expect(result.status).not.toBe(0);
      expect(result.status).not.toBe(75);
    });

    test("GIVEN a merge request whose downstream stack reads an output the applied upstream stack does not have yet WHEN planned THEN it exits 75", () => {
      writeStacks(project, "one", false);
      expect(run("push", "plan", "up").status).toBe(0);
      expect(run("push", "apply", "up").status).toBe(0);
      const result = run("merge_request_event", "plan", "down");
      expect(result.stdout).toContain("Unsupported attribute");
      expect(result.status).toBe(75);
      writeStacks(project, "one");
    });

    test("GIVEN the upstream stack WHEN planned THEN the report holds GitLab's three counts and the plan file is kept for deploy", () => {
      const result = run("push", "plan", "up");
      expect(result.status).toBe(0);
      // The output is new, the resource exists already.
      expect(report()).toEqual({ create: 0, update: 0, delete: 0 });
      expect(result.stdout).toContain("up: 0 to create, 0 to update, 0 to delete");
      expect(fs.existsSync(path.join(project, "cdktf.out", "stacks", "up", "plan.cache"))).toBe(true);
    });

    test("GIVEN that plan WHEN deployed THEN exactly it is applied and the downstream stack plans against the applied state", () => {
      expect(run("push", "apply", "up").status).toBe(0);
      expect(fs.existsSync(path.join(project, "terraform.up.tfstate"))).toBe(true);
      const plan = run("merge_request_event", "plan", "down");
      expect(plan.status).toBe(0);
      expect(report()).toEqual({ create: 1, update: 0, delete: 0 });
      expect(run("push", "apply", "down").status).toBe(0);
    });

    test("GIVEN a changed value WHEN planned THEN an update counts as an update, a replacement as a create and a delete", () => {
      writeStacks(project, "two");
      expect(run("push", "plan", "up").status).toBe(0);
      expect(report()).toEqual({ create: 0, update: 1, delete: 0 });
      writeStacks(project, "replace-me");
      expect(run("push", "plan", "up").status).toBe(0);
      expect(report()).toEqual({ create: 1, update: 0, delete: 1 });
    });

    test("GIVEN a plan that another deploy overtook WHEN it is applied THEN Terraform refuses the stale plan", () => {
      const stale = path.join(project, "stale.cache");
      fs.copyFileSync(path.join(project, "cdktf.out", "stacks", "up", "plan.cache"), stale);
      expect(run("push", "apply", "up").status).toBe(0);
      fs.copyFileSync(stale, path.join(project, "cdktf.out", "stacks", "up", "plan.cache"));
      const again = run("push", "apply", "up");
      expect(again.status).not.toBe(0);
      expect(again.stdout + again.stderr).toMatch(/Saved plan is stale/);
    });

    test("GIVEN no plan file WHEN deploy runs THEN it stops and names the plan job it needs", () => {
      fs.rmSync(path.join(project, "cdktf.out", "stacks", "down", "plan.cache"), { force: true });
      const result = run("push", "apply", "down");
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("deploy applies the plan of plan:down");
    });

    test("GIVEN both stacks applied WHEN destroyed reader first THEN each destroy reports its deletes and empties its state", () => {
      for (const stack of ["down", "up"]) {
        const result = run("push", "destroy", stack);
        expect({ stack, status: result.status }).toEqual({ stack, status: 0 });
        expect(report()).toEqual({ create: 0, update: 0, delete: 1 });
        const state = JSON.parse(fs.readFileSync(path.join(project, `terraform.${stack}.tfstate`), "utf8"));
        expect(state.resources).toEqual([]);
      }
    });

    test("GIVEN a wrong action WHEN run THEN it prints its usage and exits 64", () => {
      const result = run("push", "deploy", "up");
      expect(result.status).toBe(64);
      expect(result.stderr).toMatch(/^usage: .*stack plan\|apply\|destroy <stack>/);
    });
  });
}
