import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ACCESS_TOKEN_BOT_USERNAME, DeployIdentity } from "../../../stacks/constructs/gitlab/deploy-identity";
import { ROOT, removeTempDirsAfterAll, tempDir } from "../../app-process";
import { synthConstruct, type Json } from "../../support";
import { findTerraform } from "../../terraform/providers";

/*
 * The deploy identity's postconditions as Terraform evaluates them: each synthesized condition, with
 * `self` replaced by what GitLab's API returns for a sample identity (GET /user; GET
 * /projects/:id/members/all?user_ids=), run through `terraform console`. The user names are GitLab's
 * forms: project and group access tokens' bots (`project_<id>_bot_<hex>`, older `project_<id>_bot<n>`),
 * a group service account (`service_account_group_<id>_<hex>`, a bot too), a person.
 */

removeTempDirsAfterAll();

const terraform = findTerraform();

const json = synthConstruct((scope) => {
  new DeployIdentity(scope, "identity", { projects: ["platform/gitops"], neededFor: "the test stack" });
});
const conditionOf = (type: string): string => {
  const [block] = Object.values((json.data?.[type] ?? {}) as Record<string, Json>);
  return (block.lifecycle.postcondition[0].condition as string).replace(/^\$\{([\s\S]*)\}$/, "$1");
};

/** What Terraform makes of `expression` with `self` bound to `value` (an HCL object literal). */
function evaluate(expression: string, value: string): string {
  const dir = tempDir("deploy-identity-");
  const run = spawnSync(terraform!, ["console"], { cwd: dir, input: expression.replaceAll("self.", `(${value}).`), encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0) throw new Error(`terraform console: ${run.stderr}`);
  return run.stdout.trim();
}

if (!terraform) {
  console.warn("deploy identity conditions through terraform console SKIPPED: terraform not on the PATH");
  test.skip("deploy identity conditions through terraform console — skipped: terraform not on the PATH", () => undefined);
} else {
  describe("the deploy identity's conditions, evaluated by Terraform", () => {
    test.each([
      ["project_123_bot_9f3c2a1b", "false"],
      ["group_45_bot_0d1e", "false"],
      ["project_7_bot1", "false"],
      ["service_account_group_45_8a7b6c", "true"],
      ["platform-deployer", "true"],
      ["my_project_1_bot_fan", "true"],
    ])("GIVEN GITLAB_TOKEN of user %s WHEN the current user is read THEN the condition is %s", (username, holds) => {
      expect(evaluate(conditionOf("gitlab_current_user"), `{ username = "${username}" }`)).toBe(holds);
    });

    test.each([
      ["maintainer", "true"],
      ["owner", "true"],
      ["developer", "false"],
      ["reporter", "false"],
    ])("GIVEN the identity is %s of the project WHEN its membership is read THEN the condition is %s", (role, holds) => {
      expect(evaluate(conditionOf("gitlab_project_membership"), `{ members = [{ access_level = "${role}" }] }`)).toBe(holds);
    });

    test("GIVEN the identity is no member of the project (an empty list) WHEN its membership is read THEN the condition fails", () => {
      expect(evaluate(conditionOf("gitlab_project_membership"), "{ members = [] }")).toBe("false");
    });

    test("GIVEN the pipeline's own check (.ci/gitlab/stack, before Terraform runs) WHEN read THEN it refuses the same user names", () => {
      const script = fs.readFileSync(path.join(ROOT, ".ci", "gitlab", "stack"), "utf8");
      expect(script).toContain(`[[ "$username" =~ ${ACCESS_TOKEN_BOT_USERNAME} ]]`);
    });
  });
}
