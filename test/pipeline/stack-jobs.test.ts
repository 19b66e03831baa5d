import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { STACK_JOBS_FILE, stackJobsYaml } from "../../stacks/pipeline/generate";
import { parseSettings, readRawSettings } from "../../stacks/settings/load";
import { gitopsResourceGroup } from "../../stacks/stack-set";
import { MINIMAL_SETTINGS, twoClusters } from "../support";

/*
 * The per-stack jobs generated from the settings (stacks/pipeline/): what `npm run pipeline` writes,
 * checked without running anything. The pipeline itself runs through gitlab-ci-local in
 * ./gitlab-ci.replay.test.ts.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const SETTINGS = parseSettings(readRawSettings({}, path.join(ROOT, "cdktf.json")));

describe("the generated per-stack jobs", () => {
  test("GIVEN the committed cdktf.json WHEN the jobs are generated THEN the committed file is the same (run `npm run pipeline` after a settings change)", () => {
    expect(fs.readFileSync(path.join(ROOT, STACK_JOBS_FILE), "utf8")).toBe(stackJobsYaml(SETTINGS));
  });

  describe("GIVEN two clusters", () => {
    const jobs = parse(stackJobsYaml(twoClusters())) as Record<
      string,
      { needs?: (string | { job: string; optional?: boolean })[]; environment: { name: string }; resource_group: string; stage?: string }
    >;
    const needed = (job: string) => (jobs[job].needs ?? []).map((need) => (typeof need === "string" ? need : need.job));

    test("THEN each stack has a plan, a deploy and a destroy job, each GitOps stack (commit statuses on) a rotation, and nothing else", () => {
      const stacks = ["gitops-repository", "test-cluster-eks", "test-cluster-gitops", "second-eks", "second-gitops"];
      const rotations = ["rotate:test-cluster-gitops", "rotate:second-gitops"];
      expect(Object.keys(jobs).sort()).toEqual([...stacks.flatMap((s) => [`plan:${s}`, `deploy:${s}`, `destroy:${s}`]), ...rotations].sort());
    });

    test("THEN the stacks whose state holds credentials are planned from the credentials template (default branch only, plan file no one's download), the others from .plan", () => {
      const templates = Object.fromEntries(
        Object.entries(jobs)
          .filter(([name]) => name.startsWith("plan:"))
          .map(([name, job]) => [name, (job as { extends?: string }).extends]),
      );
      expect(templates).toEqual({
        "plan:gitops-repository": ".plan-credentials",
        "plan:test-cluster-gitops": ".plan-credentials",
        "plan:second-gitops": ".plan-credentials",
        "plan:test-cluster-eks": ".plan",
        "plan:second-eks": ".plan",
      });
    });

    test("THEN a rotation applies exactly the commit-status token and the Secret it is written to, serialized with the stack's deploys", () => {
      const rotate = jobs["rotate:second-gitops"] as unknown as { extends: string; variables: Record<string, string>; resource_group: string };
      expect(rotate.extends).toBe(".rotate");
      expect(rotate.variables.ROTATE_TARGETS.split(" ")).toEqual([
        expect.stringMatching(/^gitlab_project_access_token\.commit-status_token_[0-9A-F]{8}$/),
        expect.stringMatching(/^kubernetes_secret_v1\.commit-status_secret_[0-9A-F]{8}$/),
      ]);
      expect(rotate.resource_group).toBe(gitopsResourceGroup("main"));
    });

    test("THEN each GitOps plan waits for the deploys of its own cluster stack and of the repository stack only", () => {
      expect(needed("plan:test-cluster-gitops").sort()).toEqual(["deploy:gitops-repository", "deploy:test-cluster-eks", "synth"]);
      expect(needed("plan:second-gitops").sort()).toEqual(["deploy:gitops-repository", "deploy:second-eks", "synth"]);
      expect(jobs["plan:second-gitops"].stage).toBe("gitops");
      expect(jobs["plan:second-eks"].stage).toBe("infrastructure");
    });

    test("THEN each cluster is its own environment, and the GitOps deploys share one resource group (one branch)", () => {
      expect(jobs["deploy:second-eks"].environment.name).toBe("second");
      expect(jobs["deploy:second-gitops"].environment.name).toBe("second");
      expect(jobs["deploy:test-cluster-eks"].resource_group).toBe("test-cluster-eks");
      expect(jobs["deploy:test-cluster-gitops"].resource_group).toBe(gitopsResourceGroup("main"));
      expect(jobs["deploy:second-gitops"].resource_group).toBe(gitopsResourceGroup("main"));
      expect(jobs["destroy:second-gitops"].resource_group).toBe(gitopsResourceGroup("main"));
    });

    test("GIVEN teams with ECR repositories on both clusters (one OIDC provider, created by the first cluster stack) THEN the second cluster stack plans after the first's deploy, in the same stage", () => {
      const withTeams = parseSettings({
        ...MINIMAL_SETTINGS,
        gitlab: { ...MINIMAL_SETTINGS.gitlab, awsOidcProvider: "create" },
        clusters: [
          { name: "test-cluster", teams: [{ name: "a", gitlabProject: "teams/a", ecrRepositories: ["a/app"] }] },
          {
            name: "second",
            apps: [{ ecr: { repositoryName: "second-repo" } }],
            teams: [{ name: "b", gitlabProject: "teams/b", ecrRepositories: ["b/app"] }],
          },
        ],
      });
      const teamJobs = parse(stackJobsYaml(withTeams)) as Record<string, { needs?: (string | { job: string })[]; stage?: string }>;
      const needs = (job: string) => (teamJobs[job].needs ?? []).map((n) => (typeof n === "string" ? n : n.job)).sort();
      expect(needs("plan:second-eks")).toEqual(["deploy:test-cluster-eks", "synth"]);
      expect(teamJobs["plan:second-eks"].stage).toBe("infrastructure");
      expect(needs("destroy:test-cluster-eks")).toEqual(["destroy:second-eks", "destroy:test-cluster-gitops", "synth"]);
    });

    test("THEN a stack is destroyed only after every stack that reads it", () => {
      expect(needed("destroy:second-eks")).toEqual(["synth", "destroy:second-gitops"]);
      expect(needed("destroy:gitops-repository")).toEqual(["synth", "destroy:test-cluster-gitops", "destroy:second-gitops"]);
      expect(needed("destroy:second-gitops")).toEqual([]);
    });
  });
});
