import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { buildApp } from "../../main";
import { parseSettings } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { resolveStateBackend, type StateBackend } from "../../stacks/state/resolve";
import { MINIMAL_SETTINGS, type SynthesizedJson, twoClusters } from "../support";
import { remoteStates } from "./remote-states";

/*
 * The state backend, chosen from the settings and the environment and synthesized in process; the
 * replays with the cdktf CLI and with the app as the CLI runs it (a GitLab CI job's environment,
 * copies of the project at different paths) are in state-backend.replay.test.ts.
 */

const settingsWith = (state: SettingsInput["state"]) => parseSettings({ ...MINIMAL_SETTINGS, state });
/** The state settings the GitLab backend needs at least: where the credential stacks' state goes. */
const CREDENTIALS = { credentialsProject: "platform/state" };
const CREDENTIALS_URL = "https://gitlab.com/api/v4/projects/platform%2Fstate";
const CI_JOB = { GITLAB_CI: "true", CI_API_V4_URL: "https://gitlab.example.com/api/v4", CI_PROJECT_ID: "4242" };

describe("choosing the state backend (settings + environment)", () => {
  test("GIVEN no state settings WHEN run outside GitLab CI THEN each stack keeps a local state file", () => {
    expect(resolveStateBackend(settingsWith(undefined), {})).toEqual({ kind: "local" });
  });

  test("GIVEN only the credentials project WHEN run in a GitLab CI job THEN the job's own project holds the other stacks' GitLab-managed state", () => {
    expect(resolveStateBackend(settingsWith({ gitlab: CREDENTIALS }), CI_JOB)).toEqual({
      kind: "gitlab",
      projectApiUrl: "https://gitlab.example.com/api/v4/projects/4242",
      credentialsProjectApiUrl: CREDENTIALS_URL,
    });
  });

  test.each([
    ["no state settings, in a GitLab CI job", undefined, CI_JOB],
    ["backend gitlab and a state project, on a laptop", { backend: "gitlab", gitlab: { project: "platform/infrastructure" } }, {}],
  ] as const)(
    "GIVEN %s WHEN resolved without a credentials project THEN synth stops with one line: every Developer could read the deploy keys",
    (_what, state, env) => {
      expect(() => resolveStateBackend(settingsWith(state), env)).toThrow(
        /^settings\.state\.gitlab\.credentialsProject: missing; allowed: a project only Maintainers have a role in \(group\/project or its ID\), for the state of gitops-repository and every <cluster>-gitops stack, .*every Developer of a project can read its GitLab-managed state/,
      );
    },
  );

  test.each([
    ["a path", "platform/infrastructure", "https://gitlab.com/api/v4/projects/platform%2Finfrastructure"],
    ["an ID", 4242, "https://gitlab.com/api/v4/projects/4242"],
  ])("GIVEN the state project named by %s WHEN run on a laptop or in CI THEN both use the same address", (_what, project, url) => {
    const settings = settingsWith({ backend: "gitlab", gitlab: { project, ...CREDENTIALS } });
    expect(resolveStateBackend(settings, {})).toEqual({ kind: "gitlab", projectApiUrl: url, credentialsProjectApiUrl: CREDENTIALS_URL });
    expect(resolveStateBackend(settings, CI_JOB)).toEqual({ kind: "gitlab", projectApiUrl: url, credentialsProjectApiUrl: CREDENTIALS_URL });
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
    expect(() => resolveStateBackend(settingsWith({ backend: "gitlab", gitlab: CREDENTIALS }), {})).toThrow(
      /^settings\.state\.gitlab\.project: missing; allowed: the project that holds the state \(group\/project or its ID\)/,
    );
  });

  test("GIVEN a CI job without CI_PROJECT_ID WHEN resolved THEN one line says which variables are missing", () => {
    expect(() => resolveStateBackend(settingsWith({ gitlab: CREDENTIALS }), { ...CI_JOB, CI_PROJECT_ID: undefined })).toThrow(
      /^settings\.state\.gitlab\.project: missing, and this GitLab CI job's CI_API_V4_URL .* and CI_PROJECT_ID \(""\) do not name a project/,
    );
  });

  test.each([
    [{ backend: "s3" }, "settings.state.s3.bucket: missing; allowed: a bucket name (required when state.backend is s3)"],
    [{ backend: "consul" }, 'settings.state.backend: "consul" is not allowed; allowed: one of auto, local, gitlab, s3'],
    [
      { gitlab: { project: "no-namespace" } },
      'settings.state.gitlab.project: "no-namespace" is not allowed; allowed: a project ID such as 12345678, or a path with its namespace such as my-group/infrastructure',
    ],
    [
      { backend: "s3", s3: { bucket: "b", keyPrefix: "/x/" } },
      "settings.state.s3.bucket: \"b\" is not allowed; allowed: an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-'",
    ],
  ])("GIVEN state %j WHEN validated THEN synth stops with the line %s", (state, line) => {
    expect(() => settingsWith(state as SettingsInput["state"])).toThrow(line);
  });
});

/** The stacks of two clusters whose state holds deploy keys or tokens (test/security checks the list). */
const CREDENTIAL_STACKS = ["gitops-repository", "second-gitops", "test-cluster-gitops"];

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

describe.each<[string, StateBackend, string]>([
  ["local", { kind: "local" }, "local"],
  [
    "gitlab",
    {
      kind: "gitlab",
      projectApiUrl: "https://gitlab.example.com/api/v4/projects/4242",
      credentialsProjectApiUrl: "https://gitlab.example.com/api/v4/projects/platform%2Fstate",
    },
    "http",
  ],
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
        // The stacks whose state holds credentials keep it where only Maintainers have a role.
        const project = CREDENTIAL_STACKS.includes(stack) ? state.credentialsProjectApiUrl : state.projectApiUrl;
        const address = `${project}/terraform/state/${stack}`;
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
    const reads = Object.keys(stacks).flatMap((name) => remoteStates(stacks, name).map((read) => [name, ...read] as const));
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
