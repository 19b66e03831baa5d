import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { ManagedNodeGroup, type ManagedNodeGroupProps, NODE_POLICIES } from "../../stacks/constructs/aws/managed-node-group";
import { type Json, resourcesOf, synthConstructRaw, type SynthesizedJson } from "../support";
import { address, findResource, ref } from "./find";

const PROPS: ManagedNodeGroupProps = {
  clusterName: "demo",
  clusterAtPlan: { name: "demo", exists: "true" },
  nodeGroupName: "demo-default",
  subnetIds: ["subnet-1", "subnet-2", "subnet-3"],
  amiType: "AL2023_x86_64_STANDARD",
  capacityType: "SPOT",
  instanceTypes: ["t3.large", "t3a.large"],
  minSize: 1,
  desiredSize: 1,
  maxSize: 4,
  diskSizeGiB: 50,
  kubernetesVersion: "${aws_eks_cluster.demo.version}",
  partition: "aws",
  instanceTags: { Environment: "dev" },
};

describe("ManagedNodeGroup", () => {
  describe("GIVEN SPOT t3.large/t3a.large nodes, 1/1/4, 50 GiB disks, waiting for another resource", () => {
    let raw: string;
    let json: SynthesizedJson;
    let nodeGroup: Json;
    let templateId: string;
    let prerequisiteId: string;

    beforeAll(() => {
      // WHEN the construct is synthesized
      raw = synthConstructRaw((scope) => {
        const prerequisite = new IamRole(scope, "prerequisite", { name: "prerequisite", assumeRolePolicy: "{}" });
        new ManagedNodeGroup(scope, "nodes", { ...PROPS, dependsOn: [prerequisite] });
      });
      json = JSON.parse(raw) as SynthesizedJson;
      nodeGroup = findResource(json, "aws_eks_node_group")[1];
      templateId = findResource(json, "aws_launch_template")[0];
      prerequisiteId = findResource(json, "aws_iam_role", (r) => r.name === "prerequisite")[0];
    });

    test("THEN the node group has the AMI type, SPOT capacity and the instance types in order", () => {
      expect(raw).toHaveResourceWithProperties(EksNodeGroup, {
        cluster_name: "demo",
        node_group_name_prefix: "demo-default-",
        version: "${aws_eks_cluster.demo.version}",
        ami_type: "AL2023_x86_64_STANDARD",
        capacity_type: "SPOT",
        instance_types: ["t3.large", "t3a.large"],
        subnet_ids: ["subnet-1", "subnet-2", "subnet-3"],
      });
    });

    test("THEN it scales from 1 to 4, starting at 1 (then at the running size, within 1 to 4), and replaces a third of the nodes at a time on update (rolling)", () => {
      const [groupsId] = Object.entries(json.data?.aws_eks_node_group ?? {})[0];
      const running = `[for g in data.aws_eks_node_group.${groupsId} : g.scaling_config[0].desired_size]`;
      expect(nodeGroup.scaling_config).toEqual({
        min_size: 1,
        desired_size: `\${length(${running}) == 0 ? 1 : min(4, max(concat([1], ${running})...))}`,
        max_size: 4,
      });
      expect(nodeGroup.update_config).toEqual({ max_unavailable_percentage: 33 });
    });

    test("THEN the running group is read by this group's generated names only, when the cluster exists", () => {
      const [namesId, names] = Object.entries(json.data?.aws_eks_node_groups ?? {})[0];
      expect(names).toMatchObject({ cluster_name: "demo", count: "${true ? 1 : 0}" });
      const [, groups] = Object.entries(json.data?.aws_eks_node_group ?? {})[0];
      expect(groups).toMatchObject({ cluster_name: "demo", node_group_name: "${each.value}" });
      expect(groups.for_each).toBe(
        `\${toset([for n in flatten(data.aws_eks_node_groups.${namesId}[*].names) : n if can(regex("^demo-default-[0-9]{18}[0-9a-f]{8}$", n))])}`,
      );
    });

    test("THEN Terraform does not ignore the desired size (the running one is configured), and a replacement creates the new group before destroying the old", () => {
      expect(nodeGroup.lifecycle).toEqual({ create_before_destroy: true });
      expect(nodeGroup.node_group_name).toBeUndefined();
      expect(nodeGroup.release_version).toBeUndefined();
    });

    test("THEN the launch template requires IMDSv2 with a hop limit of 1", () => {
      expect(raw).toHaveResourceWithProperties(LaunchTemplate, {
        metadata_options: { http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 },
      });
    });

    test("THEN the launch template gives /dev/xvda a 50 GiB encrypted gp3 volume", () => {
      const [, template] = findResource(json, "aws_launch_template");
      expect(template.block_device_mappings).toEqual([
        {
          device_name: "/dev/xvda",
          ebs: { volume_size: 50, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" },
        },
      ]);
    });

    test("THEN instances and volumes are tagged with the instance tags and a Name", () => {
      const [, template] = findResource(json, "aws_launch_template");
      const tags = { Environment: "dev", Name: "demo-default" };
      expect(template.tag_specifications).toEqual([
        { resource_type: "instance", tags },
        { resource_type: "volume", tags },
      ]);
    });

    test("THEN the node group uses the launch template's latest version", () => {
      expect(nodeGroup.launch_template).toEqual({
        id: ref("aws_launch_template", templateId, "id"),
        version: ref("aws_launch_template", templateId, "latest_version"),
      });
    });

    test("THEN the node group sets no disk_size (the launch template sizes the disk)", () => {
      expect(nodeGroup).not.toHaveProperty("disk_size");
    });

    test.each([...NODE_POLICIES])("THEN the node role has %s", (policy) => {
      const [roleId] = findResource(json, "aws_iam_role", (r) => r.name === "demo-default-node");
      expect(raw).toHaveResourceWithProperties(IamRolePolicyAttachment, {
        role: ref("aws_iam_role", roleId, "name"),
        policy_arn: `arn:aws:iam::aws:policy/${policy}`,
      });
    });

    test("THEN the node role has exactly those 2 policies (ECR PullOnly; the VPC CNI has its own role), trusts EC2 and is the node group's role", () => {
      expect(NODE_POLICIES).toEqual(["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"]);
      expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toHaveLength(2);
      const [roleId, role] = findResource(json, "aws_iam_role", (r) => r.name === "demo-default-node");
      expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "ec2.amazonaws.com" });
      expect(nodeGroup.node_role_arn).toBe(ref("aws_iam_role", roleId, "arn"));
    });

    test("THEN the node group waits for its policies and for the given dependencies", () => {
      const attachments = resourcesOf(json, "aws_iam_role_policy_attachment").map(([id]) => address("aws_iam_role_policy_attachment", id));
      expect([...nodeGroup.depends_on].sort()).toEqual([...attachments, address("aws_iam_role", prerequisiteId)].sort());
    });
  });

  describe("GIVEN Bottlerocket nodes and a pinned AMI release", () => {
    test("WHEN synthesized THEN the size goes to the data volume /dev/xvdb (where containers live) and the release is set", () => {
      const json = JSON.parse(
        synthConstructRaw((scope) => {
          new ManagedNodeGroup(scope, "nodes", { ...PROPS, amiType: "BOTTLEROCKET_x86_64", releaseVersion: "1.50.0-1d3a8a5f" });
        }),
      ) as SynthesizedJson;
      expect(findResource(json, "aws_launch_template")[1].block_device_mappings[0].device_name).toBe("/dev/xvdb");
      expect(findResource(json, "aws_eks_node_group")[1].release_version).toBe("1.50.0-1d3a8a5f");
    });
  });
});
