import { BranchProtection } from "../../../stacks/constructs/gitlab/branch-protection";
import { synthConstruct } from "../../support";
import { findResource } from "../find";

describe("BranchProtection", () => {
  test("GIVEN two deploy keys WHEN synthesized THEN one rule lets Maintainers push and merge, forbids force pushes and lets both keys push", () => {
    const json = synthConstruct((scope) => {
      new BranchProtection(scope, "protection", {
        projectId: "42",
        branch: "main",
        deployKeyIds: ["${gitlab_deploy_key.a.deploy_key_id}", "${gitlab_deploy_key.b.deploy_key_id}"],
      });
    });
    const [, rule] = findResource(json, "gitlab_branch_protection");
    expect(rule).toMatchObject({
      project: "42",
      branch: "main",
      push_access_level: "maintainer",
      merge_access_level: "maintainer",
      unprotect_access_level: "maintainer",
      allow_force_push: false,
      allowed_to_push: [{ deploy_key_id: "${gitlab_deploy_key.a.deploy_key_id}" }, { deploy_key_id: "${gitlab_deploy_key.b.deploy_key_id}" }],
    });
    expect(rule.code_owner_approval_required).toBeUndefined();
    expect(rule.allowed_to_merge).toBeUndefined();
  });
});
