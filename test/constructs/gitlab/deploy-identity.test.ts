import { DeployIdentity } from "../../../stacks/constructs/gitlab/deploy-identity";
import { synthApp, testSettings, synthConstruct, type Json, type SynthesizedJson } from "../../support";

/*
 * The deploy identity check: what the stacks synthesize. What Terraform makes of the conditions
 * (evaluated by a real Terraform on sample users and memberships) is in deploy-identity.replay.test.ts.
 */

const dataOf = (json: SynthesizedJson, type: string): [string, Json][] => Object.entries((json.data?.[type] ?? {}) as Record<string, Json>);

describe("DeployIdentity", () => {
  const json = synthConstruct((scope) => {
    new DeployIdentity(scope, "identity", { projects: ["platform/gitops", "teams/payments"], neededFor: "the test stack" });
  });

  test("GIVEN two projects WHEN synthesized THEN the token's user is read once, with a postcondition that refuses an access-token bot", () => {
    const users = dataOf(json, "gitlab_current_user");
    expect(users).toHaveLength(1);
    const [condition] = users[0][1].lifecycle.postcondition;
    expect(condition.condition).toBe('${!can(regex("^(project|group)_[0-9]+_bot", self.username))}');
    expect(condition.error_message).toMatch(
      /^GITLAB_TOKEN belongs to \$\{self\.username\}, a project or group access token's bot, .* Maintainer role on platform\/gitops, teams\/payments\.$/,
    );
  });

  test("GIVEN two projects WHEN synthesized THEN the user's role is read in each, inherited roles included, and must be Maintainer or Owner", () => {
    const members = dataOf(json, "gitlab_project_membership");
    expect(members.map(([, m]) => m.project).sort()).toEqual(["platform/gitops", "teams/payments"]);
    const [userId] = dataOf(json, "gitlab_current_user")[0];
    for (const [, member] of members) {
      expect(member.inherited).toBe(true);
      expect(member.user_ids).toEqual([`\${tonumber(data.gitlab_current_user.${userId}.id)}`]);
      expect(member.lifecycle.postcondition[0].condition).toBe('${anytrue([for m in self.members : contains(["maintainer","owner"], m.access_level)])}');
    }
  });

  test("GIVEN a fleet with a team WHEN synthesized THEN the repository stack checks the GitOps project and the team's, each GitOps stack its GitOps project", () => {
    const stacks = synthApp(testSettings({ teams: [{ name: "payments", gitlabProject: "teams/payments" }] }));
    const projects = (stack: string) =>
      dataOf(stacks[stack], "gitlab_project_membership")
        .map(([, m]) => m.project as string)
        .sort();
    const gitops = testSettings().gitlab.project;
    expect(projects("gitops-repository")).toEqual([gitops, "teams/payments"].sort());
    expect(projects("test-cluster-gitops")).toEqual([gitops]);
    expect(dataOf(stacks["test-cluster-eks"], "gitlab_current_user")).toEqual([]);
  });
});
