import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { policyDocument } from "../../stacks/constructs/aws/iam";
import { PodIdentityRole } from "../../stacks/constructs/aws/pod-identity-role";
import { resourcesOf, synthConstruct, synthConstructRaw, type SynthesizedJson } from "../support";
import { address, findResource, ref } from "./find";

const MANAGED = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::111122223333:policy/extra"];
const INLINE = policyDocument([{ Effect: "Allow", Action: ["ecr:DescribeImages"], Resource: "*" }]);

/** Example account and cluster (a fake account id). */
const TRUST = { accountId: "111122223333", clusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/demo" };

describe("PodIdentityRole", () => {
  describe("GIVEN service account apps/image-reflector with two managed policies and an inline policy", () => {
    let raw: string;
    let json: SynthesizedJson;
    let roleId: string;

    beforeAll(() => {
      // WHEN the construct is synthesized
      raw = synthConstructRaw((scope) => {
        new PodIdentityRole(scope, "identity", {
          ...TRUST,
          clusterName: "demo",
          namespace: "apps",
          serviceAccount: "image-reflector",
          roleName: "demo-image-reflector",
          managedPolicyArns: MANAGED,
          inlinePolicy: INLINE,
        });
      });
      json = JSON.parse(raw) as SynthesizedJson;
      roleId = findResource(json, "aws_iam_role")[0];
    });

    test("THEN the role trusts pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession, for this account, cluster and service account", () => {
      expect(raw).toHaveResourceWithProperties(IamRole, { name: "demo-image-reflector" });
      const trust = JSON.parse(findResource(json, "aws_iam_role")[1].assume_role_policy);
      expect(trust).toEqual({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            // Only EKS acting for this account, and only for this service account of this cluster.
            Condition: {
              StringEquals: {
                "aws:SourceAccount": TRUST.accountId,
                "aws:RequestTag/eks-cluster-arn": TRUST.clusterArn,
                "aws:RequestTag/kubernetes-namespace": "apps",
                "aws:RequestTag/kubernetes-service-account": "image-reflector",
              },
            },
          },
        ],
      });
    });

    test("THEN the association binds the namespace and service account to the role", () => {
      expect(raw).toHaveResourceWithProperties(EksPodIdentityAssociation, {
        cluster_name: "demo",
        namespace: "apps",
        service_account: "image-reflector",
        role_arn: ref("aws_iam_role", roleId, "arn"),
      });
    });

    test.each(MANAGED)("THEN managed policy %s is attached to the role", (policyArn) => {
      expect(raw).toHaveResourceWithProperties(IamRolePolicyAttachment, {
        role: ref("aws_iam_role", roleId, "name"),
        policy_arn: policyArn,
      });
    });

    test("THEN the inline policy is put on the role verbatim", () => {
      expect(raw).toHaveResourceWithProperties(IamRolePolicy, { role: ref("aws_iam_role", roleId, "id"), policy: INLINE });
    });

    test("THEN the association depends on every attachment and the inline policy", () => {
      const expected = [
        ...resourcesOf(json, "aws_iam_role_policy_attachment").map(([id]) => address("aws_iam_role_policy_attachment", id)),
        address("aws_iam_role_policy", findResource(json, "aws_iam_role_policy")[0]),
      ];
      expect(expected).toHaveLength(3);
      const dependsOn = findResource(json, "aws_eks_pod_identity_association")[1].depends_on;
      expect([...dependsOn].sort()).toEqual(expected.sort());
    });
  });

  describe("GIVEN no policies at all", () => {
    test("WHEN synthesized THEN there are no attachments, no inline policy and no dependencies", () => {
      const json = synthConstruct((scope) => {
        new PodIdentityRole(scope, "identity", { ...TRUST, clusterName: "demo", namespace: "ns", serviceAccount: "sa", roleName: "bare" });
      });
      expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toHaveLength(0);
      expect(resourcesOf(json, "aws_iam_role_policy")).toHaveLength(0);
      const [, association] = findResource(json, "aws_eks_pod_identity_association");
      expect(association.service_account).toBe("sa");
      expect(association.depends_on ?? []).toEqual([]);
    });
  });
});
