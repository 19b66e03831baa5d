import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksCluster as EksClusterResource } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { EksCluster, type EksClusterProps } from "../../stacks/constructs/aws/eks-cluster";
import { type Json, resourcesOf, synthConstructRaw, type SynthesizedJson } from "../support";
import { address, findResource, ref } from "./find";

const PROPS: EksClusterProps = {
  name: "demo",
  kubernetesVersion: "1.34",
  supportType: "EXTENDED",
  subnetIds: ["subnet-aaa", "subnet-bbb"],
  endpointPublicAccess: true,
  publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
  logTypes: ["api", "audit", "scheduler"],
  logRetentionDays: 30,
  partition: "aws",
  accountId: "111122223333",
};

function synth(props: EksClusterProps): { raw: string; json: SynthesizedJson } {
  const raw = synthConstructRaw((scope) => {
    new EksCluster(scope, "eks", props);
  });
  return { raw, json: JSON.parse(raw) as SynthesizedJson };
}

describe("EksCluster", () => {
  describe("GIVEN version 1.34, EXTENDED support, a public endpoint limited to two CIDRs, 3 log types kept 30 days", () => {
    let raw: string;
    let json: SynthesizedJson;
    let cluster: Json;

    beforeAll(() => {
      // WHEN the construct is synthesized
      ({ raw, json } = synth(PROPS));
      cluster = findResource(json, "aws_eks_cluster")[1];
    });

    test("THEN the cluster has the name, version and upgrade policy from the props", () => {
      expect(raw).toHaveResourceWithProperties(EksClusterResource, {
        name: "demo",
        version: "1.34",
        upgrade_policy: { support_type: "EXTENDED" },
      });
    });

    test("THEN the private endpoint is on and the public one is open to the given CIDRs only", () => {
      expect(cluster.vpc_config).toEqual({
        subnet_ids: ["subnet-aaa", "subnet-bbb"],
        endpoint_private_access: true,
        endpoint_public_access: true,
        public_access_cidrs: ["203.0.113.0/24", "198.51.100.7/32"],
      });
    });

    test("THEN authentication is API-only (access entries) and the creator gets no implicit admin", () => {
      expect(raw).toHaveResourceWithProperties(EksClusterResource, {
        access_config: { authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false },
      });
    });

    test("THEN Secrets are envelope-encrypted with the construct's KMS key, which rotates", () => {
      const [keyId] = findResource(json, "aws_kms_key");
      expect(cluster.encryption_config).toEqual({
        resources: ["secrets"],
        provider: { key_arn: ref("aws_kms_key", keyId, "arn") },
      });
      expect(raw).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    });

    test("THEN the Secrets key has its own policy: the account administers it without using it, only the cluster role uses it", () => {
      const [, key] = findResource(json, "aws_kms_key");
      const [roleId] = findResource(json, "aws_iam_role");
      const [admin, use] = JSON.parse(key.policy).Statement;
      expect(admin.Principal).toEqual({ AWS: "arn:aws:iam::111122223333:root" });
      expect(admin.Action).toEqual(expect.arrayContaining(["kms:Put*", "kms:Create*", "kms:Describe*", "kms:ScheduleKeyDeletion"]));
      expect(admin.Action.filter((a: string) => /Encrypt|Decrypt|GenerateDataKey|^kms:\*$/.test(a))).toEqual([]);
      expect(use).toEqual({
        Sid: "ControlPlaneEncryptsSecrets",
        Effect: "Allow",
        Principal: { AWS: ref("aws_iam_role", roleId, "arn") },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: "*",
      });
    });

    test("THEN the control-plane role may use the key (encrypt, decrypt, list grants, describe)", () => {
      const [keyId] = findResource(json, "aws_kms_key");
      const [roleId] = findResource(json, "aws_iam_role");
      const [, keyUse] = findResource(json, "aws_iam_role_policy");
      expect(keyUse.role).toBe(ref("aws_iam_role", roleId, "id"));
      expect(JSON.parse(keyUse.policy).Statement).toEqual([
        {
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
          Resource: ref("aws_kms_key", keyId, "arn"),
        },
      ]);
      expect(cluster.role_arn).toBe(ref("aws_iam_role", roleId, "arn"));
    });

    test("THEN the control-plane role trusts eks.amazonaws.com and has AmazonEKSClusterPolicy", () => {
      const [roleId, role] = findResource(json, "aws_iam_role");
      expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] },
      ]);
      expect(raw).toHaveResourceWithProperties(IamRolePolicyAttachment, {
        role: ref("aws_iam_role", roleId, "name"),
        policy_arn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
      });
    });

    test("THEN the log group is /aws/eks/demo/cluster, kept 30 days, class INFREQUENT_ACCESS", () => {
      expect(resourcesOf(json, "aws_cloudwatch_log_group")).toHaveLength(1);
      expect(raw).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: "/aws/eks/demo/cluster",
        retention_in_days: 30,
        log_group_class: "INFREQUENT_ACCESS",
      });
    });

    test("THEN the log group is created before the cluster: the cluster depends on it, not the other way round", () => {
      const [logGroupId, logGroup] = findResource(json, "aws_cloudwatch_log_group");
      expect(cluster.depends_on).toContain(address("aws_cloudwatch_log_group", logGroupId));
      // A reference to the cluster (e.g. its name attribute) would create the group after EKS made its own.
      expect(JSON.stringify(logGroup)).not.toContain("aws_eks_cluster");
    });

    test("THEN a log group EKS re-created outside the state (after a destroy) is imported, by its exact name only", () => {
      const [logGroupId] = findResource(json, "aws_cloudwatch_log_group");
      const [presentId, present] = Object.entries(json.data?.aws_cloudwatch_log_groups ?? {})[0];
      expect(present.log_group_name_prefix).toBe("/aws/eks/demo/cluster");
      expect((json as { import?: unknown[] }).import).toEqual([
        {
          for_each: `\${toset([for n in data.aws_cloudwatch_log_groups.${presentId}.log_group_names : n if n == "/aws/eks/demo/cluster"])}`,
          to: address("aws_cloudwatch_log_group", logGroupId),
          id: "${each.value}",
        },
      ]);
    });

    test("THEN the cluster also waits for its role's policy and the key grant", () => {
      const [attachmentId] = findResource(json, "aws_iam_role_policy_attachment");
      const [keyUseId] = findResource(json, "aws_iam_role_policy");
      expect(cluster.depends_on).toEqual(
        expect.arrayContaining([address("aws_iam_role_policy_attachment", attachmentId), address("aws_iam_role_policy", keyUseId)]),
      );
    });

    test("THEN exactly the configured log types are enabled", () => {
      expect(cluster.enabled_cluster_log_types).toEqual(["api", "audit", "scheduler"]);
    });
  });

  describe("GIVEN a private-only endpoint and STANDARD support", () => {
    let cluster: Json;

    beforeAll(() => {
      // WHEN the construct is synthesized
      const { json } = synth({ ...PROPS, name: "private", supportType: "STANDARD", endpointPublicAccess: false });
      cluster = findResource(json, "aws_eks_cluster")[1];
    });

    test("THEN the public endpoint is off and no public CIDRs are set", () => {
      expect(cluster.vpc_config.endpoint_private_access).toBe(true);
      expect(cluster.vpc_config.endpoint_public_access).toBe(false);
      expect(cluster.vpc_config).not.toHaveProperty("public_access_cidrs");
    });

    test("THEN the upgrade policy is STANDARD", () => {
      expect(cluster.upgrade_policy).toEqual({ support_type: "STANDARD" });
    });
  });
});
