import { amiReleaseParameter } from "../../stacks/cluster-stack";
import { parseSettings } from "../../stacks/settings/load";
import { exampleSettings } from "../manifests/fixtures";
import { findResource, ref } from "../constructs/find";
import { MINIMAL_SETTINGS, synthApp, type SynthesizedJson } from "../support";

/*
 * Living with a cluster: a plan with unchanged settings has nothing to do, and routine changes
 * (a Kubernetes minor, node types, AMI releases) are settings changes that roll instead of break.
 * The cluster's support-type check, replayed with Terraform, is in day-two.replay.test.ts.
 */

/**
 * Data sources a stack may read at plan time, and why each cannot move by itself. A new data source
 * type fails this test until it is added here with its reason: one that returns "the newest" of
 * something (an add-on version with most_recent, an AMI) would make plans change by themselves.
 */
const STABLE_DATA_SOURCES: Record<string, string> = {
  aws_caller_identity: "who runs the plan",
  aws_iam_session_context: "the role behind the caller's session",
  aws_partition: "the partition of the account",
  aws_eks_addon_version: "EKS's default version for a Kubernetes version (most_recent = false)",
  aws_eks_clusters: "which clusters exist (for the support-type check)",
  aws_eks_cluster: "the running cluster's version (for the support-type check)",
  aws_iam_openid_connect_provider: "an existing provider, by URL",
  aws_cloudwatch_log_groups: "whether EKS re-created the control-plane log group after a destroy (then imported)",
  aws_eks_node_groups: "the node groups of the cluster (to find the running group)",
  aws_eks_node_group: "the running group's desired size: it moves with the cluster autoscaler, and the configured size follows it, so the plan stays empty",
  gitlab_project: "the projects by path",
  gitlab_current_user: "who GITLAB_TOKEN belongs to (the deploy identity check)",
  gitlab_project_membership: "the deploy identity's role in a project, read for its check only: no resource takes a value from it",
  kubernetes_secret_v1: "what the bootstrap wrote (known_hosts)",
  terraform_remote_state: "other stacks' outputs",
};

function dataSourceTypes(stacks: Record<string, SynthesizedJson>): string[] {
  return [...new Set(Object.values(stacks).flatMap((s) => Object.keys(s.data ?? {})))].sort();
}

const committed = synthApp(exampleSettings());
const fleet = synthApp(
  parseSettings({
    ...MINIMAL_SETTINGS,
    gitlab: { ...MINIMAL_SETTINGS.gitlab, awsOidcProvider: "existing" },
    clusters: [{ name: "us", teams: [{ name: "payments", gitlabProject: "teams/payments", ecrRepositories: ["payments/api"] }] }],
  }),
);

describe("no drift by itself", () => {
  test("GIVEN the same settings WHEN synthesized twice THEN every stack is identical", () => {
    expect(synthApp(exampleSettings())).toEqual(committed);
  });

  test("GIVEN the committed settings and a fleet with teams THEN every data source read at plan time is one that cannot move by itself", () => {
    const types = dataSourceTypes({ ...committed, ...fleet });
    expect(types.filter((t) => !(t in STABLE_DATA_SOURCES))).toEqual([]);
    for (const stack of Object.values({ ...committed, ...fleet })) {
      for (const version of Object.values(stack.data?.aws_eks_addon_version ?? {})) expect(version.most_recent).toBe(false);
    }
  });

  test("GIVEN amiReleaseVersion latest THEN the one data source that follows a release appears, and only then", () => {
    expect(dataSourceTypes(committed)).not.toContain("aws_ssm_parameter");
    const latest = synthApp(exampleSettings({ nodeGroup: { amiReleaseVersion: "latest" } }))["flux-cluster-eks"];
    const [, parameter] = Object.entries(latest.data?.aws_ssm_parameter ?? {})[0];
    expect(parameter.name).toBe("/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version");
    expect(findResource(latest, "aws_eks_node_group")[1].release_version).toMatch(/^\$\{data\.aws_ssm_parameter\.[^.]+\.insecure_value\}$/);
    expect(amiReleaseParameter("BOTTLEROCKET_ARM_64", "1.34")).toBe("/aws/service/bottlerocket/aws-k8s-1.34/arm64/latest/image_version");
  });
});

describe("Kubernetes upgrades", () => {
  const eks = committed["flux-cluster-eks"];
  const [clusterId] = findResource(eks, "aws_eks_cluster");

  test("GIVEN the node group THEN it runs the control plane's version, so an upgrade updates nodes after the control plane and the add-ons they need", () => {
    const [, nodes] = findResource(eks, "aws_eks_node_group");
    expect(nodes.version).toBe(ref("aws_eks_cluster", clusterId, "version"));
    const early = Object.entries(eks.resource?.aws_eks_addon ?? {}).filter(([, a]) =>
      ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"].includes(String(a.addon_name)),
    );
    for (const [id] of early) expect(nodes.depends_on).toContain(`aws_eks_addon.${id}`);
  });

  test("GIVEN deletionProtection THEN it is set only when on (the argument is new in provider 6.x)", () => {
    expect(findResource(eks, "aws_eks_cluster")[1].deletion_protection).toBeUndefined();
    const on = synthApp(exampleSettings({ eks: { deletionProtection: true } }))["flux-cluster-eks"];
    expect(findResource(on, "aws_eks_cluster")[1].deletion_protection).toBe(true);
  });
});
