import { Testing, TerraformStack } from "cdktf";
import { DataAwsEksAddonVersion } from "@cdktf/provider-aws/lib/data-aws-eks-addon-version";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { buildApp } from "../../main";
import { ADDONS, eksAddons } from "../../stacks/addons";
import { ClusterStack, LEGACY_ECR_ADDRESSES } from "../../stacks/cluster-stack";
import { address, findResource, ref } from "../constructs/find";
import { EXAMPLE_ADMIN_ARN, MINIMAL_SETTINGS, type SynthesizedJson, testCluster, testSettings } from "../support";
import { parseSettings } from "../../stacks/settings/load";

describe("ClusterStack", () => {
  describe("GIVEN the default settings with one admin role", () => {
    let raw: string;
    let json: SynthesizedJson;
    let clusterId: string;
    let nodeGroupId: string;

    const addonId = (name: string) => findResource(json, "aws_eks_addon", (a) => a.addon_name === name)[0];
    const addonDependsOn = (name: string): string[] => findResource(json, "aws_eks_addon", (a) => a.addon_name === name)[1].depends_on ?? [];

    beforeAll(() => {
      // WHEN the whole stack is synthesized (once for this file)
      const app = Testing.app();
      const stack = new ClusterStack(app, "test-cluster-eks", { cluster: testCluster({ eks: { adminPrincipalArns: [EXAMPLE_ADMIN_ARN] } }) });
      raw = Testing.synth(stack);
      json = JSON.parse(raw) as SynthesizedJson;
      clusterId = findResource(json, "aws_eks_cluster")[0];
      nodeGroupId = findResource(json, "aws_eks_node_group")[0];
    });

    describe("provider", () => {
      test("THEN the AWS provider targets the cluster's region with default tags Terraform, Environment and Cluster", () => {
        expect(raw).toHaveProviderWithProperties(AwsProvider, {
          region: "us-west-2",
          default_tags: [{ tags: { Terraform: "true", Environment: "dev", Cluster: "test-cluster" } }],
        });
        expect(json.provider?.aws).toHaveLength(1);
      });
    });

    describe("cluster", () => {
      test("THEN the EKS cluster is named after the settings, runs Kubernetes 1.35 on STANDARD support", () => {
        expect(raw).toHaveResourceWithProperties(EksCluster, {
          name: "test-cluster",
          version: "1.35",
          upgrade_policy: { support_type: "STANDARD" },
          enabled_cluster_log_types: ["api", "audit", "authenticator"],
        });
      });

      test("THEN the control plane lives in the 6 private subnets", () => {
        const privateSubnets = Object.entries(json.resource?.aws_subnet ?? {})
          .filter(([, s]) => s.map_public_ip_on_launch !== true)
          .map(([id]) => ref("aws_subnet", id, "id"));
        expect(privateSubnets).toHaveLength(6);
        expect([...findResource(json, "aws_eks_cluster")[1].vpc_config.subnet_ids].sort()).toEqual(privateSubnets.sort());
      });

      test("THEN the admin from the settings and the deployer get access entries on this cluster", () => {
        const entries = Object.values(json.resource?.aws_eks_access_entry ?? {});
        expect(entries.map((e) => e.principal_arn)).toEqual(
          expect.arrayContaining([EXAMPLE_ADMIN_ARN, expect.stringMatching(/^\$\{data\.aws_iam_session_context\..+\.issuer_arn\}$/)]),
        );
        expect(entries).toHaveLength(2);
        expect(entries.every((e) => e.cluster_name === ref("aws_eks_cluster", clusterId, "name"))).toBe(true);
      });
    });

    describe("add-on ordering", () => {
      test("THEN the five add-ons are installed, each pinned for Kubernetes 1.35", () => {
        const names = Object.values(json.resource?.aws_eks_addon ?? {}).map((a) => a.addon_name);
        expect(names.sort()).toEqual(
          eksAddons()
            .map((a) => a.name)
            .sort(),
        );
        for (const name of names) {
          expect(raw).toHaveDataSourceWithProperties(DataAwsEksAddonVersion, { addon_name: name, kubernetes_version: "1.35", most_recent: false });
        }
      });

      test("THEN the DaemonSet add-ons the first nodes need go before them, the Deployments after", () => {
        const phase = (p: string) => ADDONS.filter((a) => a.phase === p).map((a) => a.name);
        expect(phase("before-nodes")).toEqual(["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]);
        expect(phase("after-nodes")).toEqual(["coredns", "aws-ebs-csi-driver", "metrics-server"]);
      });

      test.each(["kube-proxy", "eks-pod-identity-agent"])("THEN %s does not depend on the node group", (name) => {
        expect(addonDependsOn(name)).not.toContain(address("aws_eks_node_group", nodeGroupId));
        expect(addonDependsOn(name)).toEqual([]);
      });

      test("THEN vpc-cni waits only for the Pod Identity agent and its own role's policy, not the node group", () => {
        const [attachmentId] = findResource(json, "aws_iam_role_policy_attachment", (a) => String(a.policy_arn).endsWith("/AmazonEKS_CNI_Policy"));
        expect(addonDependsOn("vpc-cni")).toEqual([
          address("aws_eks_addon", addonId("eks-pod-identity-agent")),
          address("aws_iam_role_policy_attachment", attachmentId),
        ]);
      });

      test("THEN vpc-cni runs aws-node with its own Pod Identity role holding AmazonEKS_CNI_Policy, trusted only for kube-system/aws-node of this cluster", () => {
        const [, addon] = findResource(json, "aws_eks_addon", (a) => a.addon_name === "vpc-cni");
        const [roleId, role] = findResource(json, "aws_iam_role", (r) => r.name === "test-cluster-vpc-cni");
        expect(addon.pod_identity_association).toEqual([{ service_account: "aws-node", role_arn: ref("aws_iam_role", roleId, "arn") }]);
        const trust = JSON.parse(role.assume_role_policy);
        expect(trust.Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
        expect(trust.Statement[0].Condition.StringEquals).toEqual({
          "aws:SourceAccount": expect.stringContaining("data.aws_caller_identity."),
          "aws:RequestTag/eks-cluster-arn": ref("aws_eks_cluster", clusterId, "arn"),
          "aws:RequestTag/kubernetes-namespace": "kube-system",
          "aws:RequestTag/kubernetes-service-account": "aws-node",
        });
        const [, attachment] = findResource(json, "aws_iam_role_policy_attachment", (a) => String(a.policy_arn).endsWith("/AmazonEKS_CNI_Policy"));
        expect(attachment.role).toBe(ref("aws_iam_role", roleId, "name"));
      });

      test("THEN the node group depends on vpc-cni, kube-proxy (aws-node reaches the API through the service IP) and eks-pod-identity-agent", () => {
        const [, nodeGroup] = findResource(json, "aws_eks_node_group");
        expect(nodeGroup.depends_on).toEqual(
          expect.arrayContaining(["vpc-cni", "kube-proxy", "eks-pod-identity-agent"].map((name) => address("aws_eks_addon", addonId(name)))),
        );
      });

      test.each(["coredns", "aws-ebs-csi-driver"])("THEN %s depends on the node group", (name) => {
        expect(addonDependsOn(name)).toContain(address("aws_eks_node_group", nodeGroupId));
      });

      test("THEN aws-ebs-csi-driver also depends on its pod identity association", () => {
        const [associationId] = findResource(json, "aws_eks_pod_identity_association", (a) => a.service_account === "ebs-csi-controller-sa");
        expect(addonDependsOn("aws-ebs-csi-driver")).toEqual([
          address("aws_eks_node_group", nodeGroupId),
          address("aws_eks_pod_identity_association", associationId),
        ]);
      });

      test("THEN the EBS CSI association is kube-system/ebs-csi-controller-sa with a role holding AmazonEBSCSIDriverPolicy", () => {
        const [partitionId] = Object.keys(json.data?.aws_partition ?? {});
        const [, association] = findResource(json, "aws_eks_pod_identity_association", (a) => a.service_account === "ebs-csi-controller-sa");
        expect(raw).toHaveResourceWithProperties(EksPodIdentityAssociation, {
          cluster_name: ref("aws_eks_cluster", clusterId, "name"),
          namespace: "kube-system",
          service_account: "ebs-csi-controller-sa",
        });
        const roleId = /^\$\{aws_iam_role\.(.+)\.arn\}$/.exec(association.role_arn)?.[1];
        expect(roleId).toBeDefined();
        const [attachmentId, attachment] = findResource(json, "aws_iam_role_policy_attachment", (a) => a.role === ref("aws_iam_role", roleId!, "name"));
        expect(attachment.policy_arn).toBe(`arn:\${data.aws_partition.${partitionId}.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`);
        expect(association.depends_on).toEqual([address("aws_iam_role_policy_attachment", attachmentId)]);
      });
    });

    describe("outputs", () => {
      test("THEN exactly the six documented outputs exist", () => {
        expect(Object.keys(json.output ?? {}).sort()).toEqual(
          ["cluster_certificate_authority_data", "cluster_endpoint", "cluster_name", "ecr_repository_urls", "kubeconfig_command", "region"].sort(),
        );
      });

      test("THEN they reference the cluster, its CA, the region and the repository", () => {
        const [repoId] = findResource(json, "aws_ecr_repository");
        const output = (name: string) => json.output?.[name]?.value;
        expect(output("cluster_name")).toBe(ref("aws_eks_cluster", clusterId, "name"));
        expect(output("cluster_endpoint")).toBe(ref("aws_eks_cluster", clusterId, "endpoint"));
        expect(output("cluster_certificate_authority_data")).toBe(`\${aws_eks_cluster.${clusterId}.certificate_authority[0].data}`);
        expect(output("region")).toBe("us-west-2");
        expect(output("ecr_repository_urls")).toEqual({ nginx: ref("aws_ecr_repository", repoId, "repository_url") });
      });

      test("THEN kubeconfig_command is the aws eks update-kubeconfig command with the cluster name and region", () => {
        const command = json.output?.kubeconfig_command?.value as string;
        expect(command).toContain("aws eks update-kubeconfig --name");
        expect(command).toBe(`aws eks update-kubeconfig --name ${ref("aws_eks_cluster", clusterId, "name")} --region us-west-2`);
      });
    });

    describe("ECR", () => {
      test("THEN the app's repository nginx-repo exists with immutable tags", () => {
        expect(raw).toHaveResourceWithProperties(EcrRepository, { name: "nginx-repo", image_tag_mutability: "IMMUTABLE", force_delete: false });
      });

      test("THEN the first app's repository and lifecycle policy are moved from the single app's addresses (no replacement on upgrade)", () => {
        const [repoId] = findResource(json, "aws_ecr_repository");
        const [policyId] = findResource(json, "aws_ecr_lifecycle_policy");
        expect((json as { moved?: unknown }).moved).toEqual([
          { from: LEGACY_ECR_ADDRESSES.repository, to: address("aws_ecr_repository", repoId) },
          { from: LEGACY_ECR_ADDRESSES.lifecycle, to: address("aws_ecr_lifecycle_policy", policyId) },
        ]);
      });
    });

    describe("node autoscaling", () => {
      test("THEN the Cluster Autoscaler's service account kube-system/cluster-autoscaler assumes its own role through Pod Identity", () => {
        const [, association] = findResource(json, "aws_eks_pod_identity_association", (a) => a.service_account === "cluster-autoscaler");
        expect(association.namespace).toBe("kube-system");
        const roleId = /^\$\{aws_iam_role\.(.+)\.arn\}$/.exec(association.role_arn)?.[1];
        expect(json.resource?.aws_iam_role?.[roleId!]?.name).toBe("test-cluster-cluster-autoscaler");
      });

      test("THEN it may change capacity only of Auto Scaling groups tagged as this cluster's, and describe only this cluster's node groups", () => {
        const [, policy] = findResource(json, "aws_iam_role_policy", (p) => JSON.stringify(p.policy).includes("SetDesiredCapacity"));
        const statements = JSON.parse(policy.policy).Statement as { Sid: string; Action: string | string[]; Resource: string; Condition?: unknown }[];
        const scale = statements.find((st) => st.Sid === "ScaleOwnNodeGroups")!;
        expect(scale.Action).toEqual(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
        expect(scale.Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/test-cluster": "owned" } });
        const describe = statements.find((st) => st.Sid === "DescribeOwnNodeGroups")!;
        expect(describe.Resource).toMatch(
          /^arn:\$\{data\.aws_partition\.[^}]+\}:eks:us-west-2:\$\{data\.aws_caller_identity\.[^}]+\.account_id\}:nodegroup\/test-cluster\/\*\/\*$/,
        );
        // Every write is conditioned; every unconditioned statement only reads.
        for (const st of statements.filter((x) => !x.Condition)) {
          for (const action of [st.Action].flat()) expect(action).toMatch(/:(Describe|Get)/);
        }
      });

      test("THEN metrics-server (for HorizontalPodAutoscalers) is an EKS add-on installed after the nodes", () => {
        expect(addonDependsOn("metrics-server")).toEqual([address("aws_eks_node_group", nodeGroupId)]);
      });
    });
  });

  describe("GIVEN settings with a second cluster in another region", () => {
    let stacks: ClusterStack[];

    beforeAll(() => {
      // WHEN buildApp builds the app from them
      const first = MINIMAL_SETTINGS.clusters[0];
      const settings = parseSettings({
        ...MINIMAL_SETTINGS,
        clusters: [
          { ...first, name: "alpha" },
          { ...first, name: "beta", region: "eu-central-1", environment: "prod" },
        ],
      });
      const app = buildApp(Testing.app(), settings);
      // Only the AWS stacks: buildApp may add other stacks per cluster (e.g. the GitOps one).
      stacks = app.node.children.filter((c): c is ClusterStack => c instanceof ClusterStack);
    });

    test("THEN there are two cluster stacks named <name>-eks", () => {
      expect(stacks.map((s) => s.node.id)).toEqual(["alpha-eks", "beta-eks"]);
    });

    test("THEN each stack builds its own cluster in its own region", () => {
      const beta = Testing.synth(stacks[1]);
      expect(beta).toHaveResourceWithProperties(EksCluster, { name: "beta" });
      expect(beta).toHaveProviderWithProperties(AwsProvider, {
        region: "eu-central-1",
        default_tags: [{ tags: { Terraform: "true", Environment: "prod", Cluster: "beta" } }],
      });
      expect(beta).not.toHaveResourceWithProperties(EksCluster, { name: "alpha" });
    });

    test("THEN buildApp of the single default cluster yields the one cluster stack test-cluster-eks, its GitOps stack and the repository's", () => {
      const app = buildApp(Testing.app(), testSettings());
      expect(app.node.children.filter((c) => c instanceof ClusterStack).map((c) => c.node.id)).toEqual(["test-cluster-eks"]);
      const all = app.node.children.filter((c) => TerraformStack.isStack(c)).map((c) => c.node.id);
      expect(all.sort()).toEqual(["gitops-repository", "test-cluster-eks", "test-cluster-gitops"]);
    });
  });
});
