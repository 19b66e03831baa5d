import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { buildApp } from "../../main";
import { CREDENTIAL_BLOCKS, credentialBlocksOf, stacksHoldingCredentials, type SynthesizedStack } from "../../stacks/security/credentials";
import { parseSettings } from "../../stacks/settings/load";
import type { StateBackend } from "../../stacks/state/resolve";
import { remoteReads } from "../../stacks/state/remote-reads";
import { MINIMAL_SETTINGS } from "../support";

/*
 * docs/security-model.md against what the program really handles: every credential block the
 * synthesized stacks hold has a row, every secret the pipeline's files name has a row, no row is
 * stale, and every stack whose state holds a credential keeps it in the credentials project (the
 * stacks declare it; here it is checked against what they hold).
 */

const ROOT = path.resolve(__dirname, "..", "..");
const PAGE = fs.readFileSync(path.join(ROOT, "docs", "security-model.md"), "utf8");
const PIPELINE_FILES = [".gitlab-ci.yml", ...fs.readdirSync(path.join(ROOT, ".ci", "gitlab")).map((f) => path.join(".ci", "gitlab", f))];
/** A variable whose value is a secret or names an identity, by its name. */
const SECRET_NAME = /(TOKEN|PASSWORD|SECRET|_ROLE_ARN)$/;

/** The first column's backticked values of the table under `heading` (a `## ` heading of the page). */
function tableColumn(page: string, heading: string, column: number): string[] {
  const section = page.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) return [];
  return section
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[-| ]+\|$/.test(line))
    .slice(1)
    .map((line) => line.split("|")[column + 1]?.trim() ?? "")
    .flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}

/** What the page lacks or lists wrongly, for these stacks and pipeline files. */
export function modelProblems(page: string, stacks: Readonly<Record<string, SynthesizedStack>>, pipelineTexts: readonly string[]): string[] {
  const problems: string[] = [];
  const rows = new Set(tableColumn(page, "Credentials in Terraform state", 1));
  const found = new Set(Object.values(stacks).flatMap((stack) => credentialBlocksOf(stack).map((address) => address.split(".").slice(0, 2).join("."))));
  for (const type of [...found].sort()) if (!rows.has(type)) problems.push(`${type}: a credential in state with no row in docs/security-model.md`);
  for (const type of Object.keys(CREDENTIAL_BLOCKS))
    if (!rows.has(type)) problems.push(`${type}: in stacks/security/credentials.ts but not in docs/security-model.md`);
  for (const type of rows) {
    if (!(type in CREDENTIAL_BLOCKS) && type !== "data.terraform_remote_state")
      problems.push(`${type}: a row of docs/security-model.md that is no credential block`);
  }
  const variables = new Set(tableColumn(page, "Credentials of the pipeline", 0));
  const named = new Set(
    pipelineTexts.flatMap((text) => [...text.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1])).filter((name) => SECRET_NAME.test(name)),
  );
  for (const name of [...named].sort()) if (!variables.has(name)) problems.push(`${name}: named in the pipeline, no row in docs/security-model.md`);
  return problems;
}

const STATE: StateBackend = {
  kind: "gitlab",
  projectApiUrl: "https://gitlab.com/api/v4/projects/platform%2Finfrastructure",
  credentialsProjectApiUrl: "https://gitlab.com/api/v4/projects/platform%2Fstate",
};

/** A fleet with everything that holds a credential: commit statuses (the default), teams with and without image automation. */
const FLEET = parseSettings({
  ...MINIMAL_SETTINGS,
  clusters: [
    { name: "us", teams: [{ name: "payments", gitlabProject: "teams/payments", ecrRepositories: ["payments/api"] }] },
    { name: "eu", region: "eu-west-1", teams: [{ name: "search", gitlabProject: "teams/search", imageAutomation: true }] },
  ],
});

function synthesize(): Record<string, SynthesizedStack & { terraform: { backend: { http: { address: string } } } }> {
  const app = buildApp(Testing.app(), FLEET, STATE);
  app.synth();
  const dir = path.join(app.outdir, "stacks");
  try {
    return Object.fromEntries(fs.readdirSync(dir).map((name) => [name, JSON.parse(fs.readFileSync(path.join(dir, name, "cdk.tf.json"), "utf8"))]));
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

describe("the security model (docs/security-model.md)", () => {
  const stacks = synthesize();
  const pipeline = PIPELINE_FILES.map((file) => fs.readFileSync(path.join(ROOT, file), "utf8"));
  const producers = remoteReads(stacks);
  const reads = (name: string) => [...new Set(producers.get(name)?.values() ?? [])];

  test("GIVEN a fleet with commit statuses and teams WHEN its stacks and the pipeline are read THEN every credential has its row, and no row is stale", () => {
    expect(Object.values(stacks).some((stack) => credentialBlocksOf(stack).length > 0)).toBe(true);
    expect(modelProblems(PAGE, stacks, pipeline)).toEqual([]);
  });

  test("GIVEN the same fleet THEN exactly the stacks that hold a credential (their own, or read from another stack) keep their state in the credentials project", () => {
    const holding = stacksHoldingCredentials(stacks, reads);
    expect([...holding].sort()).toEqual(["eu-gitops", "gitops-repository", "us-gitops"]);
    for (const [name, json] of Object.entries(stacks)) {
      const project = holding.has(name) ? STATE.credentialsProjectApiUrl : STATE.projectApiUrl;
      expect({ stack: name, address: json.terraform.backend.http.address }).toEqual({ stack: name, address: `${project}/terraform/state/${name}` });
    }
  });

  test("GIVEN a credential planted in a cluster stack WHEN checked THEN that stack counts as holding credentials (so its state placement fails the test above), the other cluster's does not", () => {
    const planted = { ...stacks, "us-eks": { ...stacks["us-eks"], resource: { ...stacks["us-eks"].resource, gitlab_project_access_token: { leaked: {} } } } };
    const holding = stacksHoldingCredentials(planted, reads);
    expect(holding.has("us-eks")).toBe(true);
    expect(holding.has("eu-eks")).toBe(false);
  });

  test.each([
    [
      "a state row removed",
      PAGE.replace(/^\| a cluster's commit-status token .*\n/m, ""),
      "resource.gitlab_project_access_token: a credential in state with no row",
    ],
    ["a pipeline variable row removed", PAGE.replace(/^\| `GITLAB_DEPLOY_TOKEN` .*\n/m, ""), "GITLAB_DEPLOY_TOKEN: named in the pipeline, no row"],
    [
      "a stale row added",
      PAGE.replace("| all of the above,", "| a password | `resource.random_password` | | | | |\n| all of the above,"),
      "resource.random_password: a row of docs",
    ],
  ])("GIVEN the page with %s WHEN checked THEN the check names it", (_what, page, problem) => {
    expect(page).not.toBe(PAGE);
    expect(modelProblems(page, stacks, pipeline).join("\n")).toContain(problem);
  });

  test("GIVEN a new secret variable used in a pipeline script WHEN checked THEN it needs its row", () => {
    expect(modelProblems(PAGE, stacks, [...pipeline, 'curl -H "PRIVATE-TOKEN: $GITLAB_READ_TOKEN"'])).toEqual([
      "GITLAB_READ_TOKEN: named in the pipeline, no row in docs/security-model.md",
    ]);
  });
});
