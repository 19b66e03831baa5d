import { spawnSync, type SpawnSyncReturns } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { buildApp } from "../../main";
import { parseSettings } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { resolveStateBackend, type StateBackend } from "../../stacks/state/resolve";
import { ROOT, committedContext, filesBelow, projectCopy, removeTempDirsAfterAll, runApp, tempDir } from "../app-process";
import { MINIMAL_SETTINGS, type SynthesizedJson, twoClusters } from "../support";

removeTempDirsAfterAll();

const settingsWith = (state: SettingsInput["state"]) => parseSettings({ ...MINIMAL_SETTINGS, state });
const CI_JOB = { GITLAB_CI: "true", CI_API_V4_URL: "https://gitlab.example.com/api/v4", CI_PROJECT_ID: "4242" };

describe("choosing the state backend (settings + environment)", () => {
  test("GIVEN no state settings WHEN run outside GitLab CI THEN each stack keeps a local state file", () => {
    expect(resolveStateBackend(settingsWith(undefined), {})).toEqual({ kind: "local" });
  });

  test("GIVEN no state settings WHEN run in a GitLab CI job THEN the job's own project holds GitLab-managed state", () => {
    expect(resolveStateBackend(settingsWith(undefined), CI_JOB)).toEqual({
      kind: "gitlab",
      projectApiUrl: "https://gitlab.example.com/api/v4/projects/4242",
    });
  });

  test.each([
    ["a path", "platform/infrastructure", "https://gitlab.com/api/v4/projects/platform%2Finfrastructure"],
    ["an ID", 4242, "https://gitlab.com/api/v4/projects/4242"],
  ])("GIVEN the state project named by %s WHEN run on a laptop or in CI THEN both use the same address", (_what, project, url) => {
    const settings = settingsWith({ backend: "gitlab", gitlab: { project } });
    expect(resolveStateBackend(settings, {})).toEqual({ kind: "gitlab", projectApiUrl: url });
    expect(resolveStateBackend(settings, CI_JOB)).toEqual({ kind: "gitlab", projectApiUrl: url });
  });

  test("GIVEN backend s3 WHEN resolved THEN bucket, region, prefix and key come from the settings, in CI too", () => {
    const settings = settingsWith({ backend: "s3", s3: { bucket: "acme-tf-state", region: "eu-west-1" } });
    const expected = { kind: "s3", bucket: "acme-tf-state", region: "eu-west-1", keyPrefix: "eks-flux-gitops" };
    expect(resolveStateBackend(settings, {})).toEqual(expected);
    expect(resolveStateBackend(settings, CI_JOB)).toEqual(expected);
  });

  test("GIVEN backend local WHEN run in a GitLab CI job THEN local is kept (the user asked for it)", () => {
    expect(resolveStateBackend(settingsWith({ backend: "local" }), CI_JOB)).toEqual({ kind: "local" });
  });

  test("GIVEN backend gitlab without a project WHEN run outside CI THEN one line names the missing setting", () => {
    expect(() => resolveStateBackend(settingsWith({ backend: "gitlab" }), {})).toThrow(
      /^settings\.state\.gitlab\.project: missing; allowed: the project that holds the state \(group\/project or its ID\)/,
    );
  });

  test("GIVEN a CI job without CI_PROJECT_ID WHEN resolved THEN one line says which variables are missing", () => {
    expect(() => resolveStateBackend(settingsWith(undefined), { ...CI_JOB, CI_PROJECT_ID: undefined })).toThrow(
      /^settings\.state\.gitlab\.project: missing, and this GitLab CI job's CI_API_V4_URL .* and CI_PROJECT_ID \(""\) do not name a project/,
    );
  });

  test.each([
    [{ backend: "s3" }, 'settings.state.s3.bucket: missing; allowed: a bucket name (required when state.backend is s3)'],
    [{ backend: "consul" }, 'settings.state.backend: "consul" is not allowed; allowed: one of auto, local, gitlab, s3'],
    [{ gitlab: { project: "no-namespace" } }, 'settings.state.gitlab.project: "no-namespace" is not allowed; allowed: a project ID such as 12345678, or a path with its namespace such as my-group/infrastructure'],
    [{ backend: "s3", s3: { bucket: "b", keyPrefix: "/x/" } }, 'settings.state.s3.bucket: "b" is not allowed; allowed: an S3 bucket name: 3 to 63 lowercase letters, digits, \'.\' and \'-\''],
  ])("GIVEN state %j WHEN validated THEN synth stops with the line %s", (state, line) => {
    expect(() => settingsWith(state as SettingsInput["state"])).toThrow(line);
  });
});

type StackJson = SynthesizedJson & { terraform: { backend: Record<string, Record<string, unknown>> } };

/** Each stack's JSON from a synth of two clusters, and the directory the stacks were written to. */
function synthWith(state: StateBackend): { stacksDir: string; stacks: Record<string, StackJson> } {
  const app = buildApp(Testing.app(), twoClusters(), state);
  app.synth();
  const stacksDir = path.join(app.outdir, "stacks");
  const stacks = Object.fromEntries(
    fs.readdirSync(stacksDir).map((name) => [name, JSON.parse(fs.readFileSync(path.join(stacksDir, name, "cdk.tf.json"), "utf8"))]),
  );
  return { stacksDir, stacks };
}

/** The remote-state reads of a stack: [the stack read, backend type, config]. */
function remoteStates(json: SynthesizedJson): [string, string, Record<string, unknown>][] {
  return Object.entries(json.data?.terraform_remote_state ?? {}).map(([id, block]) => {
    const { backend, config } = block as { backend: string; config: Record<string, unknown> };
    return [id.replace(/^cross-stack-reference-input-/, ""), backend, config];
  });
}

describe.each<[string, StateBackend, string]>([
  ["local", { kind: "local" }, "local"],
  ["gitlab", { kind: "gitlab", projectApiUrl: "https://gitlab.example.com/api/v4/projects/4242" }, "http"],
  ["s3", { kind: "s3", bucket: "acme-tf-state", region: "eu-west-1", keyPrefix: "platform/eks" }, "s3"],
])("GIVEN two clusters and the %s backend WHEN the app is synthesized", (_name, state, type) => {
  const { stacksDir, stacks } = synthWith(state);
  const expectedBackend = (stack: string): Record<string, unknown> => {
    switch (state.kind) {
      case "local":
        // Relative to the stack's directory, where Terraform runs: the file beside cdktf.json (the
        // working directory of synth). With cdktf.out in the project that is ../../../terraform.<stack>.tfstate.
        return { path: path.relative(path.join(stacksDir, stack), `terraform.${stack}.tfstate`) };
      case "gitlab": {
        const address = `${state.projectApiUrl}/terraform/state/${stack}`;
        return {
          address,
          lock_address: `${address}/lock`,
          unlock_address: `${address}/lock`,
          lock_method: "POST",
          unlock_method: "DELETE",
          retry_wait_min: 5,
        };
      }
      case "s3":
        return { bucket: state.bucket, key: `${state.keyPrefix}/${stack}.tfstate`, region: state.region, encrypt: true, use_lockfile: true };
    }
  };

  test("THEN every stack has its own state, named after the stack", () => {
    expect(Object.keys(stacks).sort()).toEqual(["gitops-repository", "second-eks", "second-gitops", "test-cluster-eks", "test-cluster-gitops"]);
    for (const [name, json] of Object.entries(stacks)) {
      expect({ name, backend: json.terraform.backend }).toEqual({ name, backend: { [type]: expectedBackend(name) } });
    }
  });

  test("THEN every remote-state read points at the state of the stack it reads, with no credential", () => {
    const reads = Object.entries(stacks).flatMap(([name, json]) => remoteStates(json).map((read) => [name, ...read] as const));
    expect(reads.map(([reader, read]) => `${reader} <- ${read}`).sort()).toEqual([
      "second-gitops <- gitops-repository",
      "second-gitops <- second-eks",
      "test-cluster-gitops <- gitops-repository",
      "test-cluster-gitops <- test-cluster-eks",
    ]);
    for (const [, read, backend, config] of reads) {
      // Reads need no lock: everything but the lock file setting is the backend's own configuration.
      const { use_lockfile: _lock, ...readable } = expectedBackend(read);
      expect({ read, backend, config }).toEqual({ read, backend: type, config: readable });
    }
  });

  test("THEN the Terraform version allows the backend (S3's native lock file needs 1.11)", () => {
    for (const json of Object.values(stacks)) {
      expect(json.terraform.required_version).toBe(state.kind === "s3" ? ">= 1.11.0" : ">= 1.7.0");
    }
  });
});

/** Fresh, random credentials, so a hit can only come from the environment. */
function fakeCredentials() {
  const token = (prefix: string) => `${prefix}${randomBytes(12).toString("hex")}`;
  const jobToken = token("glcbt-");
  return {
    CI_JOB_TOKEN: jobToken,
    TF_HTTP_USERNAME: "gitlab-ci-token",
    TF_HTTP_PASSWORD: jobToken,
    GITLAB_TOKEN: token("glpat-"),
    CI_REGISTRY_PASSWORD: token("reg-"),
    GITLAB_OIDC_TOKEN: `eyJ${token("")}.eyJ${token("")}.${token("")}`,
    AWS_ACCESS_KEY_ID: `AKIA${randomBytes(8).toString("hex").toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: token(""),
    AWS_SESSION_TOKEN: token("IQoJ"),
  };
}

/** What a GitLab CI job's environment holds besides credentials. */
const GITLAB_JOB_ENV = {
  CI: "true",
  GITLAB_CI: "true",
  CI_SERVER_URL: "https://gitlab.example.com",
  CI_API_V4_URL: "https://gitlab.example.com/api/v4",
  CI_PROJECT_ID: "4242",
  CI_PROJECT_PATH: "platform/infrastructure",
  CI_COMMIT_REF_NAME: "main",
  AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/gitlab-plan",
  AWS_REGION: "us-west-2",
};

/** This process's environment without anything GitLab CI or a credential could have set. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0" };
  for (const key of Object.keys(env)) {
    if (/^(CI|GITLAB_CI|CI_.*|TF_HTTP_.*|GITLAB_TOKEN|AWS_.*|CDKTF_.*)$/.test(key)) delete env[key];
  }
  return env;
}

describe("GIVEN a GitLab CI job's environment with credentials in it (CI_JOB_TOKEN, TF_HTTP_PASSWORD, GITLAB_TOKEN, AWS keys)", () => {
  const credentials = fakeCredentials();
  let outdir: string;
  let result: SpawnSyncReturns<string>;

  beforeAll(() => {
    // WHEN `cdktf synth` runs, as the pipeline's synth job runs it
    outdir = tempDir("synth-ci-");
    const terraformrc = path.join(outdir, "..", `${path.basename(outdir)}.terraformrc`);
    fs.writeFileSync(terraformrc, "");
    result = spawnSync(path.join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", outdir], {
      cwd: ROOT,
      env: { ...cleanEnv(), ...GITLAB_JOB_ENV, ...credentials, TF_CLI_CONFIG_FILE: terraformrc },
      encoding: "utf8",
      timeout: 180_000,
    });
    fs.rmSync(terraformrc, { force: true });
  });

  test("THEN the synth succeeds", () => {
    expect(result.status).toBe(0);
  });

  test("THEN no credential from the environment appears in any file of cdktf.out (plain, or as HTTP basic auth)", () => {
    const files = filesBelow(outdir);
    expect(files).toContain("manifest.json");
    const secrets = Object.entries(credentials)
      .filter(([name]) => name !== "TF_HTTP_USERNAME")
      .flatMap(([name, value]) => [
        [name, value],
        [`${name} (basic auth)`, Buffer.from(`gitlab-ci-token:${value}`).toString("base64")],
      ]);
    const hits = files.flatMap((file) => {
      const text = fs.readFileSync(path.join(outdir, file), "utf8");
      return secrets.filter(([, value]) => text.includes(value)).map(([name]) => `${file}: ${name}`);
    });
    expect(hits).toEqual([]);
  });

  test("THEN every stack and every remote-state read uses the job project's GitLab-managed state", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
    const state = (stack: string) => `https://gitlab.example.com/api/v4/projects/4242/terraform/state/${stack}`;
    for (const stack of Object.keys(manifest.stacks)) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as SynthesizedJson & {
        terraform: { backend: { http: Record<string, string> } };
      };
      expect(json.terraform.backend.http.address).toBe(state(stack));
      for (const [read, backend, config] of remoteStates(json)) {
        expect({ backend, address: config.address }).toEqual({ backend: "http", address: state(read) });
        expect(Object.keys(config)).not.toEqual(expect.arrayContaining(["username"]));
        expect(Object.keys(config)).not.toEqual(expect.arrayContaining(["password"]));
      }
    }
  });
});

describe("GIVEN the committed settings and two copies of the project at different paths", () => {
  let copies: string[];

  beforeAll(() => {
    // WHEN each copy is synthesized outside CI (local state, the trap being its absolute path)
    copies = [projectCopy("synth-here-"), path.join(projectCopy("synth-there-"), "")];
    const deeper = path.join(tempDir("synth-deeper-"), "a", "b");
    fs.mkdirSync(path.dirname(deeper), { recursive: true });
    fs.renameSync(copies[1], deeper);
    copies[1] = deeper;
    for (const project of copies) {
      const run = runApp(committedContext(), path.join(project, "cdktf.out"), { project, env: cleanEnv() });
      if (run.status !== 0) throw new Error(`synth in ${project} failed: ${run.stderr}`);
    }
  });

  test("THEN both synths write the same files, byte for byte", () => {
    const [here, there] = copies.map((project) => path.join(project, "cdktf.out"));
    expect(filesBelow(there)).toEqual(filesBelow(here));
    const differing = filesBelow(here).filter((file) => !fs.readFileSync(path.join(here, file)).equals(fs.readFileSync(path.join(there, file))));
    expect(differing).toEqual([]);
  });

  test("THEN no file names the directory it was synthesized in", () => {
    const out = path.join(copies[1], "cdktf.out");
    expect(filesBelow(out).filter((file) => fs.readFileSync(path.join(out, file), "utf8").includes(copies[1]))).toEqual([]);
  });
});
