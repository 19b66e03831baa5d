import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { ACCESS_ENTRY_PRINCIPAL, ClusterAccess, type ClusterAccessProps } from "../../stacks/constructs/aws/cluster-access";
import { resourcesOf, synthConstruct, synthConstructRaw, type SynthesizedJson } from "../support";
import { dataRef, findData, findResource, ref } from "./find";

const ADMINS = ["arn:aws:iam::111122223333:role/platform-admin", "arn:aws:iam::111122223333:user/alice"];
const CALLER = "arn:aws:sts::111122223333:assumed-role/deployer/ci-session";
const ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

const props = (overrides: Partial<ClusterAccessProps> = {}): ClusterAccessProps => ({
  clusterName: "demo",
  partition: "aws",
  adminPrincipalArns: ADMINS,
  ...overrides,
});

describe("ClusterAccess", () => {
  describe("GIVEN two admin ARNs and grantDeployer with the caller's ARN", () => {
    let raw: string;
    let json: SynthesizedJson;

    beforeAll(() => {
      // WHEN the construct is synthesized
      raw = synthConstructRaw((scope) => {
        new ClusterAccess(scope, "access", props({ grantDeployer: true, callerArn: CALLER }));
      });
      json = JSON.parse(raw) as SynthesizedJson;
    });

    test("THEN there are three STANDARD access entries: two admins and the deployer", () => {
      expect(resourcesOf(json, "aws_eks_access_entry")).toHaveLength(3);
      for (const arn of ADMINS) {
        expect(raw).toHaveResourceWithProperties(EksAccessEntry, { cluster_name: "demo", principal_arn: arn, type: "STANDARD" });
      }
    });

    test.each(ADMINS)("THEN %s gets AmazonEKSClusterAdminPolicy at cluster scope through its own entry", (arn) => {
      const [entryId] = findResource(json, "aws_eks_access_entry", (e) => e.principal_arn === arn);
      expect(raw).toHaveResourceWithProperties(EksAccessPolicyAssociation, {
        cluster_name: "demo",
        principal_arn: ref("aws_eks_access_entry", entryId, "principal_arn"),
        policy_arn: ADMIN_POLICY,
        access_scope: { type: "cluster" },
      });
    });

    test("THEN the deployer's principal is the issuer of the caller's session (the role, not the session)", () => {
      const [sessionId] = findData(json, "aws_iam_session_context");
      expect(raw).toHaveDataSourceWithProperties(DataAwsIamSessionContext, { arn: CALLER });
      const issuer = dataRef("aws_iam_session_context", sessionId, "issuer_arn");
      const [entryId] = findResource(json, "aws_eks_access_entry", (e) => e.principal_arn === issuer);
      const [, association] = findResource(json, "aws_eks_access_policy_association", (a) => a.principal_arn === issuer);
      expect(association).toMatchObject({ policy_arn: ADMIN_POLICY, access_scope: { type: "cluster" } });
      expect(association.depends_on).toEqual([`aws_eks_access_entry.${entryId}`]);
    });

    test("THEN the deployer gets an entry only when it is not already an admin (EKS refuses two entries for one principal)", () => {
      const issuer = dataRef("aws_iam_session_context", findData(json, "aws_iam_session_context")[0], "issuer_arn").slice(2, -1);
      const count = `\${contains(${JSON.stringify(ADMINS).replace(/,/g, ", ")}, ${issuer}) ? 0 : 1}`;
      expect(findResource(json, "aws_eks_access_entry", (e) => e.principal_arn === `\${${issuer}}`)[1].count).toBe(count);
      expect(findResource(json, "aws_eks_access_policy_association", (a) => a.principal_arn === `\${${issuer}}`)[1].count).toBe(count);
    });

    test("THEN a deployer EKS would refuse (root, federated user) fails the plan with a message saying what to use", () => {
      const [, entry] = findResource(json, "aws_eks_access_entry", (e) => /issuer_arn/.test(e.principal_arn));
      const [precondition] = entry.lifecycle.precondition;
      expect(precondition.condition).toMatch(/^\$\{can\(regex\(".*", data\.aws_iam_session_context\.[^.]+\.issuer_arn\)\)\}$/);
      expect(precondition.error_message).toMatch(
        /^The identity running Terraform \(\$\{data\.aws_iam_session_context\..+\.issuer_arn\}\) cannot have an EKS access entry/,
      );
      expect(precondition.error_message).toMatch(/eks\.grantDeployerAdmin/);
    });

    test.each([
      ["arn:aws:iam::111122223333:role/deployer", true],
      ["arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123", true],
      ["arn:aws:iam::111122223333:user/alice", true],
      ["arn:aws-us-gov:iam::111122223333:role/deployer", true],
      ["arn:aws:iam::111122223333:root", false],
      ["arn:aws:sts::111122223333:federated-user/bob", false],
    ])("THEN the precondition's pattern, replayed on the session issuer %s, gives %s", (issuer, accepted) => {
      // Terraform's regex is RE2; this pattern uses nothing RE2 and JavaScript read differently.
      expect(new RegExp(ACCESS_ENTRY_PRINCIPAL).test(issuer)).toBe(accepted);
    });

    test("THEN there is one cluster-admin association per entry", () => {
      const associations = resourcesOf(json, "aws_eks_access_policy_association").map(([, a]) => a);
      expect(associations).toHaveLength(3);
      expect(new Set(associations.map((a) => a.principal_arn)).size).toBe(3);
      expect(associations.every((a) => a.policy_arn === ADMIN_POLICY)).toBe(true);
    });
  });

  describe("GIVEN grantDeployer false", () => {
    test("WHEN synthesized THEN only the admin entries exist and the session is not looked up", () => {
      const json = synthConstruct((scope) => {
        new ClusterAccess(scope, "access", props({ grantDeployer: false, callerArn: CALLER }));
      });
      expect(json.data?.aws_iam_session_context).toBeUndefined();
      expect(
        resourcesOf(json, "aws_eks_access_entry")
          .map(([, e]) => e.principal_arn)
          .sort(),
      ).toEqual([...ADMINS].sort());
      expect(resourcesOf(json, "aws_eks_access_policy_association")).toHaveLength(2);
    });
  });

  describe("GIVEN a viewer (a pipeline's plan role) besides the admins, and grantDeployer", () => {
    const VIEWER = "arn:aws:iam::111122223333:role/gitlab-plan";
    let json: SynthesizedJson;

    beforeAll(() => {
      // WHEN the construct is synthesized
      json = synthConstruct((scope) => {
        new ClusterAccess(scope, "access", props({ viewerPrincipalArns: [VIEWER], grantDeployer: true, callerArn: CALLER }));
      });
    });

    test("THEN the viewer gets AmazonEKSViewPolicy (no Secrets) at cluster scope through its own entry, and no admin policy", () => {
      const [entryId] = findResource(json, "aws_eks_access_entry", (e) => e.principal_arn === VIEWER);
      const associations = resourcesOf(json, "aws_eks_access_policy_association").filter(
        ([, a]) => a.principal_arn === ref("aws_eks_access_entry", entryId, "principal_arn"),
      );
      expect(associations.map(([, a]) => [a.policy_arn, a.access_scope])).toEqual([
        ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", { type: "cluster" }],
      ]);
    });

    test("THEN a deployer that is a listed viewer gets no second entry (the count checks viewers too)", () => {
      const [, entry] = findResource(json, "aws_eks_access_entry", (e) => typeof e.count === "string");
      expect(entry.count).toContain(VIEWER);
      for (const admin of ADMINS) expect(entry.count).toContain(admin);
    });
  });

  describe("GIVEN another partition (aws-cn)", () => {
    test("WHEN synthesized THEN the access policy ARN uses that partition", () => {
      const raw = synthConstructRaw((scope) => {
        new ClusterAccess(scope, "access", props({ partition: "aws-cn", adminPrincipalArns: [ADMINS[0]] }));
      });
      expect(raw).toHaveResourceWithProperties(EksAccessPolicyAssociation, {
        policy_arn: "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      });
    });
  });

  describe("GIVEN grantDeployer without callerArn", () => {
    test("WHEN constructed THEN it throws, naming the missing prop", () => {
      expect(() =>
        synthConstruct((scope) => {
          new ClusterAccess(scope, "access", props({ grantDeployer: true }));
        }),
      ).toThrow("ClusterAccess: callerArn is required when grantDeployer is set");
    });
  });
});
