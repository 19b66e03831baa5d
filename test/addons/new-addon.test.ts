import { Testing } from "cdktf";
import type { EksAddonUnit, FluxAddonUnit } from "../../stacks/addons/addon";
import { ADDONS, fluxAddons } from "../../stacks/addons";
import { ClusterStack } from "../../stacks/cluster-stack";
import { policyDocument } from "../../stacks/constructs/aws/iam";
import { address, findResource, ref } from "../constructs/find";
import { resourcesOf, type SynthesizedJson, testCluster } from "../support";

/*
 * Adding an add-on is its unit and a line of the registry: here throwaway units, declared in this
 * file alone, are handed to the stack in a registry, and each is installed in its phase with its
 * role, while every resource of today's add-ons stays as it was.
 */

/** An after-nodes EKS add-on with an inline policy and an association of its own. */
const exampleController: EksAddonUnit = {
  name: "example-controller",
  title: "Example controller",
  installedBy: "eks",
  phase: "after-nodes",
  configurationValues: { replicaCount: 2 },
  identity: {
    id: "example-controller-identity",
    namespace: "example-system",
    serviceAccount: "example-controller",
    roleName: (cluster) => `${cluster}-example-controller`,
    inlinePolicy: ({ partition, region, accountId, clusterName }) =>
      policyDocument([{ Effect: "Allow", Action: "sqs:ReceiveMessage", Resource: `arn:${partition}:sqs:${region}:${accountId}:${clusterName}-events` }]),
    association: "resource",
  },
};

/** A before-nodes EKS add-on whose role EKS associates with the add-on, holding a managed policy. */
const exampleDaemon: EksAddonUnit = {
  name: "example-daemon",
  title: "Example daemon",
  installedBy: "eks",
  phase: "before-nodes",
  identity: {
    id: "example-daemon-identity",
    namespace: "kube-system",
    serviceAccount: "example-daemon",
    roleName: (cluster) => `${cluster}-example-daemon`,
    managedPolicies: ["CloudWatchAgentServerPolicy"],
    association: "addon",
  },
};

/** A Flux add-on: only its role (with its association) is the cluster stack's. */
const exampleRelease: FluxAddonUnit = {
  ...fluxAddons()[0],
  name: "example-release",
  title: "Example release",
  templateFile: "example-release.yaml",
  identity: {
    id: "example-release-identity",
    namespace: "example-system",
    serviceAccount: "example-release",
    roleName: (cluster) => `${cluster}-example-release`,
    managedPolicies: ["AmazonSSMReadOnlyAccess"],
  },
};

function synth(addons = ADDONS): SynthesizedJson {
  const stack = new ClusterStack(Testing.app(), "test-cluster-eks", { cluster: testCluster(), addons });
  return JSON.parse(Testing.synth(stack)) as SynthesizedJson;
}

describe("GIVEN a registry with throwaway add-ons WHEN the cluster stack is synthesized", () => {
  const before = synth();
  const json = synth([...ADDONS, exampleDaemon, exampleController, exampleRelease]);
  const addon = (name: string) => findResource(json, "aws_eks_addon", (a) => a.addon_name === name);
  const role = (name: string) => findResource(json, "aws_iam_role", (r) => r.name === name);
  const [nodeGroupId, nodeGroup] = findResource(json, "aws_eks_node_group");

  test("THEN the after-nodes add-on is installed with its configuration, after the node group and its own association", () => {
    const [id, controller] = addon("example-controller");
    expect(id).toMatch(/^addon-example-controller_addon_/);
    expect(JSON.parse(controller.configuration_values as string)).toEqual({ replicaCount: 2 });
    const [associationId, association] = findResource(json, "aws_eks_pod_identity_association", (a) => a.service_account === "example-controller");
    expect(controller.depends_on).toEqual([address("aws_eks_node_group", nodeGroupId), address("aws_eks_pod_identity_association", associationId)]);
    const [roleId] = role("test-cluster-example-controller");
    expect(association).toMatchObject({ namespace: "example-system", role_arn: ref("aws_iam_role", roleId, "arn") });
    const [, inline] = findResource(json, "aws_iam_role_policy", (p) => p.role === ref("aws_iam_role", roleId, "id"));
    expect(JSON.parse(inline.policy as string).Statement[0]).toMatchObject({
      Action: "sqs:ReceiveMessage",
      Resource: expect.stringContaining(":test-cluster-events"),
    });
  });

  test("THEN the before-nodes add-on takes its role through the add-on, waits for the Pod Identity agent and its policy, and the node group waits for it", () => {
    const [id, daemon] = addon("example-daemon");
    const [roleId] = role("test-cluster-example-daemon");
    expect(daemon.pod_identity_association).toEqual([{ service_account: "example-daemon", role_arn: ref("aws_iam_role", roleId, "arn") }]);
    const [attachmentId] = findResource(json, "aws_iam_role_policy_attachment", (a) => a.role === ref("aws_iam_role", roleId, "name"));
    expect(daemon.depends_on).toEqual([address("aws_eks_addon", addon("eks-pod-identity-agent")[0]), address("aws_iam_role_policy_attachment", attachmentId)]);
    expect(nodeGroup.depends_on).toContain(address("aws_eks_addon", id));
    expect(resourcesOf(json, "aws_eks_pod_identity_association").filter(([, a]) => a.service_account === "example-daemon")).toEqual([]);
  });

  test("THEN the Flux add-on gets its role and association, and no EKS add-on", () => {
    const [roleId] = role("test-cluster-example-release");
    expect(findResource(json, "aws_eks_pod_identity_association", (a) => a.service_account === "example-release")[1]).toMatchObject({
      namespace: "example-system",
      role_arn: ref("aws_iam_role", roleId, "arn"),
    });
    expect(resourcesOf(json, "aws_eks_addon").filter(([, a]) => a.addon_name === "example-release")).toEqual([]);
  });

  test("THEN every resource of the real registry is where and what it was, but the node group, which also waits for the new early add-on", () => {
    for (const [type, resources] of Object.entries(before.resource ?? {})) {
      for (const [id, config] of Object.entries(resources)) {
        const now = json.resource?.[type]?.[id];
        if (type === "aws_eks_node_group") expect({ ...now, depends_on: undefined }).toEqual({ ...config, depends_on: undefined });
        else expect([type, id, now]).toEqual([type, id, config]);
      }
    }
  });
});
