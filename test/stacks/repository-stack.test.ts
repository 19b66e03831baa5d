import { resourcesOf, type SynthesizedJson, synthApp, testSettings, twoClusters } from "../support";
import { findData, findResource, ref } from "../constructs/find";

describe("RepositoryStack", () => {
  describe("GIVEN two clusters sharing the GitOps branch", () => {
    let json: SynthesizedJson;
    beforeAll(() => {
      json = synthApp(twoClusters())["gitops-repository"];
    });

    test("THEN each cluster has its own deploy key, titled after it, that can push", () => {
      const keys = resourcesOf(json, "gitlab_deploy_key").map(([, k]) => k);
      expect(keys.map((k) => k.title).sort()).toEqual(["Flux (cluster second)", "Flux (cluster test-cluster)"]);
      expect(keys.every((k) => k.can_push === true)).toBe(true);
      const [projectId] = findData(json, "gitlab_project");
      expect(keys.every((k) => k.project === `\${data.gitlab_project.${projectId}.id}`)).toBe(true);
    });

    test("THEN one protection rule for the branch lists both keys, so neither cluster's stack overwrites the other's", () => {
      const [, rule] = findResource(json, "gitlab_branch_protection");
      const keyIds = resourcesOf(json, "gitlab_deploy_key").map(([id]) => ref("gitlab_deploy_key", id, "deploy_key_id"));
      expect(rule.branch).toBe("main");
      expect(rule.allowed_to_push.map((a: { deploy_key_id: string }) => a.deploy_key_id).sort()).toEqual(keyIds.sort());
      expect(rule).toMatchObject({ push_access_level: "maintainer", merge_access_level: "maintainer", allow_force_push: false });
    });

    test("THEN the private keys leave this stack only as sensitive outputs for the GitOps stacks", () => {
      const crossStack = Object.entries(json.output ?? {}).filter(([name]) => name.startsWith("cross-stack-output-"));
      expect(crossStack.length).toBeGreaterThan(0);
      for (const [name, output] of crossStack) expect({ name, sensitive: (output as { sensitive?: boolean }).sensitive }).toEqual({ name, sensitive: true });
      expect(JSON.stringify(json.output)).not.toMatch(/PRIVATE KEY/);
    });

    test("THEN it needs Terraform 1.7 or newer, and neither AWS nor Flux", () => {
      expect(json.terraform?.required_version).toBe(">= 1.7.0");
      expect(Object.keys(json.terraform?.required_providers ?? {}).sort()).toEqual(["gitlab", "tls"]);
    });
  });

  describe("GIVEN gitlab.protectBranch false (GitLab CE, or protection managed elsewhere)", () => {
    test("THEN the keys are created but the branch's protection is left alone", () => {
      const settings = testSettings();
      const json = synthApp({ ...settings, gitlab: { ...settings.gitlab, protectBranch: false } })["gitops-repository"];
      expect(json.resource?.gitlab_branch_protection).toBeUndefined();
      expect(resourcesOf(json, "gitlab_deploy_key")).toHaveLength(1);
    });
  });
});
