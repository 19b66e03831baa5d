import { parseSettings } from "../../stacks/settings/load";
import { MINIMAL_SETTINGS, resourcesOf, synthApp } from "../support";

/*
 * A fleet as a platform team runs it: two clusters in two regions and three apps, declared in
 * settings only. What each stack gets is checked on the synthesized JSON.
 */

const settings = parseSettings({
  ...MINIMAL_SETTINGS,
  clusters: [
    { name: "us", apps: [{ name: "web" }, { name: "api", namespace: "apps", autoscaling: { maxReplicas: 8 } }] },
    { name: "eu", region: "eu-west-1", apps: [{ name: "worker", namespace: "jobs", ecr: { repositoryName: "team/worker" } }] },
  ],
});
const stacks = synthApp(settings);

/** The statement of the image reflector's policy that grants reads, from a GitOps stack. */
function reflectorReads(stack: string): string[] {
  const [, policy] = resourcesOf(stacks[stack], "aws_iam_role_policy").find(([, p]) => String(p.policy).includes("EcrRead"))!;
  const read = (JSON.parse(policy.policy).Statement as { Sid: string; Resource: string[] }[]).find((st) => st.Sid === "EcrRead")!;
  return read.Resource;
}

describe("GIVEN two clusters in two regions and three apps", () => {
  test("THEN there are the shared repository stack and two stacks per cluster", () => {
    expect(Object.keys(stacks).sort()).toEqual(["eu-eks", "eu-gitops", "gitops-repository", "us-eks", "us-gitops"]);
  });

  test("THEN each cluster stack creates its own apps' ECR repositories, and only those", () => {
    const names = (stack: string) =>
      resourcesOf(stacks[stack], "aws_ecr_repository")
        .map(([, r]) => r.name)
        .sort();
    expect(names("us-eks")).toEqual(["api-repo", "web-repo"]);
    expect(names("eu-eks")).toEqual(["team/worker"]);
    expect(stacks["eu-eks"].provider?.aws?.[0]).toMatchObject({ region: "eu-west-1" });
  });

  test("THEN each cluster's image reflector may read its own apps' repositories and no other", () => {
    expect(reflectorReads("us-gitops")).toEqual([
      expect.stringMatching(/us-eks\.outputs\..*ecr-web_repository.*arn\}$/),
      expect.stringMatching(/us-eks\.outputs\..*ecr-api_repository.*arn\}$/),
    ]);
    expect(reflectorReads("eu-gitops")).toEqual([expect.stringMatching(/eu-eks\.outputs\..*ecr-worker_repository.*arn\}$/)]);
  });

  test("THEN each GitOps stack commits its apps' folders, image objects and namespaces under its own paths", () => {
    const paths = (stack: string) => resourcesOf(stacks[stack], "gitlab_repository_file").map(([, f]) => f.file_path as string);
    expect(
      paths("us-gitops")
        .filter((p) => /\/(images|namespaces)\/|\/(web|api)\/kustomization\.yaml$|autoscaling/.test(p))
        .sort(),
    ).toEqual([
      "apps/us/api/autoscaling/hpa.yaml",
      "apps/us/api/autoscaling/kustomization.yaml",
      "apps/us/api/kustomization.yaml",
      "apps/us/namespaces/apps.yaml",
      "apps/us/web/kustomization.yaml",
      "clusters/us/images/api.yaml",
      "clusters/us/images/web.yaml",
    ]);
    expect(paths("eu-gitops").every((p) => /^(apps|clusters|infrastructure)\/eu\//.test(p))).toBe(true);
    expect(paths("eu-gitops")).toContain("apps/eu/namespaces/jobs.yaml");
  });

  test("THEN the Cluster Autoscaler of each cluster scales only that cluster's node groups, in its region", () => {
    const [, policy] = resourcesOf(stacks["eu-eks"], "aws_iam_role_policy").find(([, p]) => String(p.policy).includes("SetDesiredCapacity"))!;
    const text = String(policy.policy);
    expect(text).toContain("k8s.io/cluster-autoscaler/eu");
    expect(text).toContain(":eks:eu-west-1:");
    expect(text).not.toContain("cluster-autoscaler/us");
  });
});
