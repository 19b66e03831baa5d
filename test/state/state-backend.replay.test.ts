import { spawnSync, type SpawnSyncReturns } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ROOT, committedContext, filesBelow, projectCopy, removeTempDirsAfterAll, runApp, tempDir } from "../app-process";
import type { SynthesizedJson } from "../support";
import { remoteStates } from "./remote-states";

/*
 * The state backend, replayed with the cdktf CLI and with the app as the CLI runs it: what a GitLab
 * CI job's synth writes, and that the output does not depend on where the project is. How the
 * backend is chosen and synthesized is tested in process in state-backend.test.ts.
 */

removeTempDirsAfterAll();

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

  test("THEN every stack and every remote-state read uses the job project's GitLab-managed state, the stacks holding credentials the committed credentials project's", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
    // The committed settings name the credentials project on gitlab.baseUrl's instance.
    const state = (stack: string) =>
      stack.endsWith("-eks")
        ? `https://gitlab.example.com/api/v4/projects/4242/terraform/state/${stack}`
        : `https://gitlab.com/api/v4/projects/example-group%2Fflux-gitops-state/terraform/state/${stack}`;
    const stacks = Object.fromEntries(
      Object.keys(manifest.stacks).map((stack) => [
        stack,
        JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as SynthesizedJson & {
          terraform: { backend: { http: Record<string, string> } };
        },
      ]),
    );
    const reads: string[] = [];
    for (const [stack, json] of Object.entries(stacks)) {
      expect(json.terraform.backend.http.address).toBe(state(stack));
      for (const [read, backend, config] of remoteStates(stacks, stack)) {
        reads.push(`${stack} <- ${read}`);
        expect({ backend, address: config.address }).toEqual({ backend: "http", address: state(read) });
        expect(Object.keys(config)).not.toEqual(expect.arrayContaining(["username"]));
        expect(Object.keys(config)).not.toEqual(expect.arrayContaining(["password"]));
      }
    }
    // Each read is matched to the one stack whose state it names: the GitOps stack reads the other two.
    expect(reads.sort()).toEqual(["flux-cluster-gitops <- flux-cluster-eks", "flux-cluster-gitops <- gitops-repository"]);
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
