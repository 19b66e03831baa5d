import type { Construct } from "constructs";
import { S3Backend } from "cdktf";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { EcrRepository as EcrRepositoryResource } from "@cdktf/provider-aws/lib/ecr-repository";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksCluster as EksClusterResource, type EksClusterConfig } from "@cdktf/provider-aws/lib/eks-cluster";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LaunchTemplate, type LaunchTemplateConfig } from "@cdktf/provider-aws/lib/launch-template";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { EksOidcProvider } from "../../stacks/constructs/aws/eks-oidc-provider";
import { policyDocument, serviceAccountOidcTrustPolicy, trustPolicy } from "../../stacks/constructs/aws/iam";
import { POLICY_RULES } from "../../stacks/policy/rules";
import { ACCEPTABLE_RULE_IDS, HARD_RULE_IDS } from "../../stacks/policy/rule-ids";
import { exampleSettings } from "../manifests/fixtures";
import { checkApp, checkConstructs, type PolicyNote } from "./support";

/*
 * Each rule on a construct that breaks it (an error naming the rule and the construct) and on the
 * app of the committed settings (nothing, but the accepted risks as warnings).
 */

const cluster = (scope: Construct, config: Partial<EksClusterConfig> = {}) =>
  new EksClusterResource(scope, "cluster", {
    name: "demo",
    version: "1.35",
    roleArn: "arn:aws:iam::111122223333:role/demo-cluster",
    vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], endpointPublicAccess: false },
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:us-west-2:111122223333:key/example" } },
    enabledClusterLogTypes: ["api", "audit"],
    ...config,
  });

interface NodeOptions {
  readonly metadataOptions?: LaunchTemplateConfig["metadataOptions"];
  readonly encrypted?: boolean;
  readonly launchTemplate?: boolean;
  readonly remoteAccess?: boolean;
  readonly publicSubnet?: boolean;
  readonly policies?: readonly string[];
}

/** A node group in its own subnet, right in every way the options do not break. */
function nodes(scope: Construct, options: NodeOptions = {}): void {
  const vpc = new Vpc(scope, "vpc", { cidrBlock: "10.0.0.0/16" });
  flowLogFor(scope, vpc);
  new DefaultSecurityGroup(scope, "default-sg", { vpcId: vpc.id, ingress: [], egress: [] });
  const igw = new InternetGateway(scope, "igw", { vpcId: vpc.id });
  const subnet = new Subnet(scope, "subnet", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24", mapPublicIpOnLaunch: options.publicSubnet });
  const routes = new RouteTable(scope, "routes", {
    vpcId: vpc.id,
    route: options.publicSubnet ? [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] : [],
  });
  new RouteTableAssociation(scope, "routes-subnet", { subnetId: subnet.id, routeTableId: routes.id });
  const role = new IamRole(scope, "node-role", { name: "nodes", assumeRolePolicy: trustPolicy("ec2.amazonaws.com") });
  for (const policy of options.policies ?? ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"]) {
    new IamRolePolicyAttachment(scope, `node-${policy}`, { role: role.name, policyArn: `arn:aws:iam::aws:policy/${policy}` });
  }
  const template = new LaunchTemplate(scope, "template", {
    metadataOptions: options.metadataOptions ?? { httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, encrypted: options.encrypted === false ? "false" : "true" } }],
  });
  new EksNodeGroup(scope, "node-group", {
    clusterName: "demo",
    nodeRoleArn: role.arn,
    subnetIds: [subnet.id],
    scalingConfig: { minSize: 1, maxSize: 1, desiredSize: 1 },
    ...(options.launchTemplate === false ? {} : { launchTemplate: { id: template.id, version: template.latestVersion.toString() } }),
    ...(options.remoteAccess ? { remoteAccess: { ec2SshKey: "ops" } } : {}),
  });
}

/** A flow log for `vpc` (so that a VPC fixture breaks only the rule it is meant to). */
const flowLogFor = (scope: Construct, vpc: Vpc) =>
  new FlowLog(scope, "flow-log", {
    vpcId: vpc.id,
    trafficType: "ALL",
    logDestination: "arn:aws:logs:us-west-2:111122223333:log-group:x",
    iamRoleArn: "arn:aws:iam::111122223333:role/x",
  });

/** Changes a trust statement's Condition; `subKey` is its `<issuer>:sub` key. */
type TrustEdit = (condition: Record<string, Record<string, unknown>>, subKey: string) => void;

/** A cluster, its OIDC provider and a role trusting team/reader through it, the trust changed by `edit`. */
function irsaRole(scope: Construct, edit: TrustEdit = () => undefined): void {
  const eks = cluster(scope);
  const oidc = new EksOidcProvider(scope, "oidc", { issuerUrl: eks.identity.get(0).oidc.get(0).issuer });
  const trust = JSON.parse(
    serviceAccountOidcTrustPolicy({ providerArn: oidc.arn, conditionIssuer: oidc.conditionIssuer, serviceAccounts: [{ namespace: "team", name: "reader" }] }),
  ) as { Statement: { Condition: Record<string, Record<string, unknown>> }[] };
  const condition = trust.Statement[0].Condition;
  edit(
    condition,
    Object.keys(condition.StringEquals).find((k) => k.endsWith(":sub"))!,
  );
  new IamRole(scope, "role", { name: "r", assumeRolePolicy: JSON.stringify(trust) });
}

const ecr = (scope: Construct, config: { mutable?: boolean; scan?: boolean; encryption?: string } = {}) =>
  new EcrRepositoryResource(scope, "repository", {
    name: "app",
    imageTagMutability: config.mutable ? "MUTABLE" : "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: config.scan ?? true },
    encryptionConfiguration: [{ encryptionType: config.encryption ?? "KMS" }],
  });

const POD_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "pods.eks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: { StringEquals: { "aws:SourceAccount": "111122223333", "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-west-2:111122223333:cluster/demo" } },
    },
  ],
});

/** rule id -> a construct that breaks it, and what the message says. */
const BAD: Record<string, { build: (scope: Construct) => void; says: RegExp }> = {
  CKV_AWS_58: { build: (s) => cluster(s, { encryptionConfig: undefined }), says: /not envelope-encrypted/ },
  CKV_AWS_37: { build: (s) => cluster(s, { enabledClusterLogTypes: ["api"] }), says: /log types audit are not enabled/ },
  CKV_AWS_39: { build: (s) => cluster(s, { vpcConfig: { subnetIds: ["subnet-a"], publicAccessCidrs: ["203.0.113.0/24"] } }), says: /endpoint is public/ },
  CKV_AWS_38: { build: (s) => cluster(s, { vpcConfig: { subnetIds: ["subnet-a"], endpointPublicAccess: true } }), says: /0\.0\.0\.0\/0/ },
  CKV_AWS_339: { build: (s) => cluster(s, { version: "1.27" }), says: /Kubernetes 1\.27/ },
  CKV_AWS_79: { build: (s) => nodes(s, { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } }), says: /does not require IMDSv2/ },
  CKV_AWS_341: { build: (s) => nodes(s, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }), says: /hop limit is 2/ },
  CKV_AWS_100: { build: (s) => nodes(s, { remoteAccess: true }), says: /SSH/ },
  CKV_AWS_8: { build: (s) => nodes(s, { encrypted: false }), says: /\/dev\/xvda are not encrypted/ },
  EFG_NODES_PRIVATE_SUBNETS: { build: (s) => nodes(s, { publicSubnet: true }), says: /routes to an internet gateway/ },
  CKV2_AWS_12: {
    build: (s) => {
      const vpc = new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" });
      flowLogFor(s, vpc);
      new DefaultSecurityGroup(s, "default-sg", { vpcId: vpc.id, ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, selfAttribute: true }] });
    },
    says: /default security group has rules/,
  },
  CKV_AWS_130: { build: (s) => nodes(s, { publicSubnet: true }), says: /public IP/ },
  CKV2_AWS_11: {
    build: (s) => {
      const vpc = new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" });
      new DefaultSecurityGroup(s, "default-sg", { vpcId: vpc.id, ingress: [], egress: [] });
    },
    says: /no flow log/,
  },
  CKV_AWS_163: { build: (s) => ecr(s, { scan: false }), says: /not scanned on push/ },
  CKV_AWS_51: { build: (s) => ecr(s, { mutable: true }), says: /tags are MUTABLE/ },
  CKV_AWS_136: { build: (s) => ecr(s, { encryption: "AES256" }), says: /AES256, not KMS/ },
  CKV_AWS_62: {
    build: (s) => {
      const role = new IamRole(s, "role", { name: "r", assumeRolePolicy: trustPolicy("ec2.amazonaws.com") });
      new IamRolePolicy(s, "admin", { role: role.id, policy: policyDocument([{ Effect: "Allow", Action: "*", Resource: "*" }]) });
    },
    says: /every action on every resource/,
  },
  EFG_POD_IDENTITY_TRUST: {
    build: (s) => {
      const role = new IamRole(s, "role", { name: "r", assumeRolePolicy: trustPolicy("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]) });
      new EksPodIdentityAssociation(s, "association", { clusterName: "demo", namespace: "ns", serviceAccount: "sa", roleArn: role.arn });
    },
    says: /no StringEquals condition on aws:SourceAccount or aws:RequestTag\/eks-cluster-arn/,
  },
  EFG_SERVICE_ACCOUNT_TRUST: {
    build: (s) =>
      // A wildcard namespace: any namespace's "reader" could assume the role.
      irsaRole(s, (condition, subKey) => {
        delete condition.StringEquals[subKey];
        condition.StringLike = { [subKey]: "system:serviceaccount:*:reader" };
      }),
    says: /matches the token's sub or aud with StringLike, not StringEquals/,
  },
  EFG_NODE_ECR_PULL_ONLY: {
    build: (s) => nodes(s, { policies: ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"] }),
    says: /AmazonEC2ContainerRegistryReadOnly/,
  },
  EFG_VPC_CNI_POD_IDENTITY: {
    build: (s) => {
      nodes(s, { policies: ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEKS_CNI_Policy"] });
      new EksAddon(s, "vpc-cni", { clusterName: "demo", addonName: "vpc-cni" });
    },
    says: /AmazonEKS_CNI_Policy|no Pod Identity association for aws-node/,
  },
  CKV2_AWS_64: { build: (s) => new KmsKey(s, "key", { description: "default policy" }), says: /default key policy/ },
  EFG_NO_SECRET_LITERALS: {
    build: (s) => {
      // Split so that the test file itself holds no secret-shaped literal.
      new S3Backend(s, { bucket: "state", key: "k", region: "us-west-2", accessKey: "AKIA" + "ABCDEFGHIJKLMNOP" });
    },
    says: /access_key holds a literal value|looks like a AWS access key id/,
  },
};

const ofRule = (notes: readonly PolicyNote[], id: string) => notes.filter((n) => n.rule === id);

describe("policy rules", () => {
  test("GIVEN the rule ids WHEN listed THEN every rule has a bad construct here and every id a rule", () => {
    expect(POLICY_RULES.map((r) => r.id).sort()).toEqual([...ACCEPTABLE_RULE_IDS, ...HARD_RULE_IDS].sort());
    expect(Object.keys(BAD).sort()).toEqual(POLICY_RULES.map((r) => r.id).sort());
  });

  describe.each(POLICY_RULES.map((r) => [r.id, r] as const))("%s", (id, rule) => {
    test(`GIVEN a construct that breaks ${id} WHEN the policy runs THEN it is an error naming the rule, the construct and the fix`, () => {
      const notes = ofRule(checkConstructs(BAD[id].build), id);
      expect(notes.length).toBeGreaterThan(0);
      for (const note of notes) {
        expect(note.level).toBe("error");
        expect(note.message).toContain(`${id} (${rule.title}) on ${note.path}:`);
        expect(note.message).toContain(`Fix: ${rule.fix}`);
      }
      expect(notes.map((n) => n.message).join("\n")).toMatch(BAD[id].says);
    });
  });

  describe("GIVEN the well-built fixtures", () => {
    test.each([
      ["a private cluster", (s: Construct) => void cluster(s)],
      ["private nodes", (s: Construct) => nodes(s)],
      ["a KMS-encrypted, immutable, scanned repository", (s: Construct) => void ecr(s)],
    ])("WHEN the policy runs on %s THEN it finds nothing", (_what, build) => {
      expect(checkConstructs(build)).toEqual([]);
    });

    test("WHEN a Pod Identity role trusts EKS for the account and cluster THEN EFG_POD_IDENTITY_TRUST is quiet", () => {
      const notes = checkConstructs((s) => new IamRole(s, "role", { name: "r", assumeRolePolicy: POD_TRUST }));
      expect(ofRule(notes, "EFG_POD_IDENTITY_TRUST")).toEqual([]);
    });

    describe("a role for a cluster's service accounts (IRSA)", () => {
      /** A role trusted through the cluster's OIDC provider, its trust statement changed by `edit`. */
      const irsa = (edit?: TrustEdit) => checkConstructs((s) => irsaRole(s, edit));
      const says = (notes: readonly PolicyNote[]) =>
        ofRule(notes, "EFG_SERVICE_ACCOUNT_TRUST")
          .map((n) => n.message)
          .join();

      test("WHEN it names one service account with StringEquals on sub and aud THEN EFG_SERVICE_ACCOUNT_TRUST is quiet", () => {
        expect(ofRule(irsa(), "EFG_SERVICE_ACCOUNT_TRUST")).toEqual([]);
      });

      test.each([
        [
          "no sub condition",
          (c: Record<string, Record<string, unknown>>, k: string) => delete c.StringEquals[k],
          /no StringEquals condition on the token's sub/,
        ],
        [
          "a wildcard in a StringEquals sub",
          (c: Record<string, Record<string, unknown>>, k: string) => (c.StringEquals[k] = "system:serviceaccount:team:*"),
          /does not name one service account exactly/,
        ],
        [
          "an extra StringLike on sub",
          (c: Record<string, Record<string, unknown>>, k: string) => (c.StringLike = { [k]: "system:serviceaccount:*" }),
          /with StringLike/,
        ],
        [
          "another audience",
          (c: Record<string, Record<string, unknown>>, k: string) => (c.StringEquals[k.replace(/sub$/, "aud")] = "https://kubernetes.default.svc"),
          /aud = sts\.amazonaws\.com/,
        ],
      ])("WHEN it has %s THEN EFG_SERVICE_ACCOUNT_TRUST fires", (_what, edit, message) => {
        expect(says(irsa(edit))).toMatch(message);
      });
    });

    test("WHEN a Pod Identity role also trusts another principal THEN EFG_POD_IDENTITY_TRUST fires", () => {
      const trust = JSON.parse(POD_TRUST);
      trust.Statement[0].Principal.AWS = "arn:aws:iam::111122223333:root";
      const notes = checkConstructs((s) => new IamRole(s, "role", { name: "r", assumeRolePolicy: JSON.stringify(trust) }));
      expect(
        ofRule(notes, "EFG_POD_IDENTITY_TRUST")
          .map((n) => n.message)
          .join(),
      ).toMatch(/not only pods\.eks\.amazonaws\.com/);
    });
  });

  describe("GIVEN the app of the committed settings", () => {
    let notes: PolicyNote[];
    beforeAll(() => {
      notes = checkApp(exampleSettings());
    });

    test.each(POLICY_RULES.map((r) => r.id))("WHEN %s runs THEN it raises no error", (id) => {
      expect(ofRule(notes, id).filter((n) => n.level === "error")).toEqual([]);
    });

    test("WHEN the policy runs THEN the only notes are warnings for the risks the settings accept, each naming the setting", () => {
      const accepted = Object.keys(exampleSettings().policy.acceptedRisks).sort();
      expect(accepted).toEqual(["CKV_AWS_38", "CKV_AWS_39"]);
      expect([...new Set(notes.map((n) => n.rule))].sort()).toEqual(accepted);
      for (const note of notes) {
        expect(note.level).toBe("warning");
        expect(note.path).toBe("flux-cluster-eks/eks/cluster");
        expect(note.message).toContain(`accepted by settings.policy.acceptedRisks.${note.rule}:`);
      }
    });
  });
});
