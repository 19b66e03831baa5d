import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "child_process";
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
        upstream: { backend: "local", config: { path: "../../../terraform.up.tfstate" } },
      },
    },
    resource: { terraform_data: { copy: { input: "${data.terraform_remote_state.upstream.outputs.value}" } } },
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
      expect(result.stderr).toMatch(/^usage: .*stack plan\|apply\|destroy\|rotate <stack>/);
    });
  });

  /*
   * The same script against a stand-in for GitLab's Terraform state and user APIs with GitLab's
   * rules (test/pipeline/fake-gitlab.mjs): reading a state needs Developer, writing and locking
   * Maintainer, a job token carries the role of whoever started the job, a project the user has no
   * role in answers 404.
   */
  describe(".ci/gitlab/stack against GitLab-managed state, with the roles of a real team", () => {
    const PROJECT = "platform/infrastructure";
    const USERS = {
      "developer-job-token": { username: "dev", roles: { [PROJECT]: "developer" } },
      "maintainer-job-token": { username: "lead", roles: { [PROJECT]: "maintainer" } },
      "deploy-token": { username: "platform-deployer", roles: { [PROJECT]: "maintainer" } },
      "bot-token": { username: "project_42_bot_3f2a9c", bot: true, roles: { [PROJECT]: "maintainer" } },
    };
    let server: ChildProcess;
    let api: string;
    let project: string;
    let requestLog: string;

    beforeAll(async () => {
      project = tempDir("stack-script-gitlab-");
      requestLog = path.join(project, "requests.jsonl");
      fs.writeFileSync(requestLog, "");
      const env = { ...process.env, USERS: JSON.stringify(USERS), REQUEST_LOG: requestLog };
      server = spawn(process.execPath, [path.join(__dirname, "fake-gitlab.mjs")], { env });
      api = await new Promise<string>((resolve, reject) => {
        let out = "";
        server.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
          out += chunk;
          const port = /listening (\d+)\n/.exec(out)?.[1];
          if (port) resolve(`http://127.0.0.1:${port}/api/v4`);
        });
        server.on("error", reject);
      });
      const address = `${api}/projects/${encodeURIComponent(PROJECT)}/terraform/state/solo`;
      const dir = path.join(project, "cdktf.out", "stacks", "solo");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, "cdk.tf.json"),
        JSON.stringify({
          terraform: {
            backend: { http: { address, lock_address: `${address}/lock`, unlock_address: `${address}/lock`, lock_method: "POST", unlock_method: "DELETE" } },
          },
          resource: { terraform_data: { token: { input: "generation-1" }, secret: { input: "${terraform_data.token.output}" }, other: { input: "kept" } } },
        }),
      );
      fs.writeFileSync(path.join(project, "terraformrc"), "");
    });
    afterAll(() => server?.kill());

    /** The requests the stand-in answered since the last call, as "<method> <what> <user> <status>". */
    const answered = (): string[] => {
      const lines = fs
        .readFileSync(requestLog, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { method: string; path: string; username: string | null; status: number });
      fs.writeFileSync(requestLog, "");
      return lines.map(
        (r) =>
          `${r.method} ${r.path.endsWith("/lock") ? "lock" : r.path.includes("/terraform/") ? "state" : r.path.replace(/^\/api\/v4/, "")} ${r.username} ${r.status}`,
      );
    };
    const run = (pipeline: "merge_request_event" | "push" | "schedule", vars: Record<string, string>, ...args: string[]): SpawnSyncReturns<string> =>
      spawnSync(SCRIPT, args, {
        cwd: project,
        env: {
          PATH: process.env.PATH,
          HOME: project,
          TF_CLI_CONFIG_FILE: path.join(project, "terraformrc"),
          CI_API_V4_URL: api,
          CI_PIPELINE_SOURCE: pipeline,
          ...vars,
        },
        encoding: "utf8",
        timeout: 120_000,
      });
    const stateOf = (): { resources: { name: string; instances: { attributes: { input: { value: string } } }[] }[] } =>
      JSON.parse(
        spawnSync("curl", ["-s", "-H", "PRIVATE-TOKEN: deploy-token", `${api}/projects/${encodeURIComponent(PROJECT)}/terraform/state/solo`], {
          encoding: "utf8",
        }).stdout,
      );

    test("GIVEN a Developer merged (the default-branch pipeline runs with their job token) WHEN the stack is planned THEN the plan passes: it reads the state and never asks for the lock, which needs Maintainer", () => {
      answered();
      const result = run("push", { CI_JOB_TOKEN: "developer-job-token" }, "plan", "solo");
      expect(result.status).toBe(0);
      expect(answered().filter((r) => r.startsWith("POST"))).toEqual([]);
    });

    test("GIVEN the deploy identity's token (GITLAB_DEPLOY_TOKEN) WHEN a Developer's pipeline applies THEN the state is written and locked as the deploy identity, not as the Developer", () => {
      expect(run("push", { CI_JOB_TOKEN: "developer-job-token", GITLAB_DEPLOY_TOKEN: "deploy-token" }, "plan", "solo").status).toBe(0);
      answered();
      const result = run("push", { CI_JOB_TOKEN: "developer-job-token", GITLAB_DEPLOY_TOKEN: "deploy-token" }, "apply", "solo");
      expect(result.status).toBe(0);
      const writes = answered().filter((r) => !r.startsWith("GET"));
      expect(writes).toEqual(["POST lock platform-deployer 200", "POST state platform-deployer 200", "DELETE lock platform-deployer 200"]);
    });

    test("GIVEN GITLAB_DEPLOY_TOKEN is a project access token (its bot) WHEN any default-branch job starts THEN it stops with one line naming the identity needed, before Terraform touches anything", () => {
      answered();
      const result = run("push", { CI_JOB_TOKEN: "maintainer-job-token", GITLAB_DEPLOY_TOKEN: "bot-token" }, "plan", "solo");
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split("\n")).toEqual([
        "GITLAB_DEPLOY_TOKEN belongs to project_42_bot_3f2a9c, a project or group access token's bot: use a token (scope api) of a GitLab service account or a dedicated user with the Maintainer role on the GitOps project, the credentials state project and every team project",
      ]);
      expect(answered()).toEqual(["GET /user project_42_bot_3f2a9c 200"]);
    });

    test("GIVEN a merge request WHEN planned THEN the job token is used and GITLAB_DEPLOY_TOKEN is not, even where a runner exposes it", () => {
      answered();
      const result = run("merge_request_event", { CI_JOB_TOKEN: "developer-job-token", GITLAB_DEPLOY_TOKEN: "deploy-token" }, "plan", "solo");
      expect(result.status).toBe(0);
      expect(new Set(answered().map((r) => r.split(" ")[2]))).toEqual(new Set(["dev"]));
    });

    test("GIVEN a scheduled rotation of the token and the Secret it is written to WHEN only they change THEN exactly they are applied", () => {
      const stack = path.join(project, "cdktf.out", "stacks", "solo", "cdk.tf.json");
      const json = JSON.parse(fs.readFileSync(stack, "utf8"));
      json.resource.terraform_data.token.input = "generation-2";
      fs.writeFileSync(stack, JSON.stringify(json));
      const vars = { CI_JOB_TOKEN: "maintainer-job-token", GITLAB_DEPLOY_TOKEN: "deploy-token", ROTATE_TARGETS: "terraform_data.token terraform_data.secret" };
      const result = run("schedule", vars, "rotate", "solo");
      expect(result.status).toBe(0);
      const inputs = Object.fromEntries(stateOf().resources.map((r) => [r.name, r.instances[0].attributes.input.value]));
      expect(inputs).toEqual({ token: "generation-2", secret: "generation-2", other: "kept" });
    });

    test("GIVEN a rotation whose plan would change another resource too WHEN it runs THEN it refuses and names that resource", () => {
      const stack = path.join(project, "cdktf.out", "stacks", "solo", "cdk.tf.json");
      const json = JSON.parse(fs.readFileSync(stack, "utf8"));
      json.resource.terraform_data.token.input = "generation-3";
      json.resource.terraform_data.secret.input = "${terraform_data.other.output}";
      json.resource.terraform_data.other.input = "changed";
      fs.writeFileSync(stack, JSON.stringify(json));
      const result = run("schedule", { GITLAB_DEPLOY_TOKEN: "deploy-token", ROTATE_TARGETS: "terraform_data.token terraform_data.secret" }, "rotate", "solo");
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("solo: the rotation would also change terraform_data.other; run the default-branch pipeline's plan and deploy instead");
      expect(stateOf().resources.find((r) => r.name === "other")?.instances[0].attributes.input.value).toBe("kept");
    });
  });
}
