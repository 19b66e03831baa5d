import { Construct } from "constructs";
import { Token } from "cdktf";
import { DataAwsCloudwatchLogGroups } from "@cdktf/provider-aws/lib/data-aws-cloudwatch-log-groups";
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { DataAwsEksClusters } from "@cdktf/provider-aws/lib/data-aws-eks-clusters";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksCluster as EksClusterResource } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { terraformAddress } from "../terraform/address";
import { ImportIfPresent } from "../terraform/import-if-present";
import { managedPolicyArn, policyDocument, trustPolicy } from "./iam";
import type { ClusterAtPlan } from "./running-node-group-size";

/**
 * The Secrets key's own policy instead of the default one (which lets any principal the account's
 * IAM allows use the key): the account (its root, so IAM policies of its administrators) manages
 * the key but cannot encrypt or decrypt with it, and only the control plane's role uses it. The
 * administration statement includes kms:PutKeyPolicy, so the key cannot lock its account out.
 */
export function secretsKeyPolicy(props: { partition: string; accountId: string; clusterRoleArn: string }): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
        Action: [
          "kms:CancelKeyDeletion",
          "kms:Create*",
          "kms:Delete*",
          "kms:Describe*",
          "kms:Disable*",
          "kms:Enable*",
          "kms:Get*",
          "kms:List*",
          "kms:Put*",
          "kms:Revoke*",
          "kms:RotateKeyOnDemand",
          "kms:ScheduleKeyDeletion",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:Update*",
        ],
        Resource: "*",
      },
      {
        Sid: "ControlPlaneEncryptsSecrets",
        Effect: "Allow",
        Principal: { AWS: props.clusterRoleArn },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: "*",
      },
    ],
  });
}

export interface EksClusterProps {
  /** Cluster name. */
  readonly name: string;
  /** Kubernetes minor version, e.g. "1.35". */
  readonly kubernetesVersion: string;
  /** What happens when standard support ends: STANDARD (auto-upgrade) or EXTENDED (six times the hourly price). */
  readonly supportType: "STANDARD" | "EXTENDED";
  /** Private subnets that receive the control plane's network interfaces. */
  readonly subnetIds: readonly string[];
  /** Expose the API endpoint publicly as well as privately. */
  readonly endpointPublicAccess: boolean;
  /** CIDRs allowed to reach the public endpoint. */
  readonly publicAccessCidrs: readonly string[];
  /** Control-plane log types shipped to CloudWatch. */
  readonly logTypes: readonly string[];
  /** Retention of the control-plane log group, in days. */
  readonly logRetentionDays: number;
  /**
   * EKS refuses to delete the cluster while this is on.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /** AWS partition (aws, aws-cn, aws-us-gov) for managed policy ARNs. */
  readonly partition: string;
  /** The account the cluster runs in: its root administers the Secrets key. */
  readonly accountId: string;
}

/**
 * The EKS control plane: its IAM role, a KMS key for envelope encryption of Secrets,
 * the log group (created first, so EKS does not create an unmanaged one with infinite
 * retention) and the cluster itself, with API-only authentication (access entries).
 */
export class EksCluster extends Construct {
  readonly cluster: EksClusterResource;
  readonly role: IamRole;
  readonly secretsKey: KmsKey;
  readonly logGroup: CloudwatchLogGroup;
  /** The cluster as the plan finds it (for plan-time reads that must not wait for the apply). */
  readonly atPlan: ClusterAtPlan;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);

    const existing = new DataAwsEksClusters(this, "existing-clusters");
    this.atPlan = { name: props.name, exists: `contains(${terraformAddress(existing)}.names, "${props.name}")` };

    this.role = new IamRole(this, "role", {
      name: `${props.name}-cluster`,
      description: `EKS control plane of ${props.name}`,
      assumeRolePolicy: trustPolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, "cluster-policy", {
      role: this.role.name,
      policyArn: managedPolicyArn(props.partition, "AmazonEKSClusterPolicy"),
    });

    this.secretsKey = new KmsKey(this, "secrets-key", {
      description: `Envelope encryption of Kubernetes Secrets in ${props.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: secretsKeyPolicy({ partition: props.partition, accountId: props.accountId, clusterRoleArn: this.role.arn }),
    });
    new KmsAlias(this, "secrets-key-alias", {
      name: `alias/eks/${props.name}`,
      targetKeyId: this.secretsKey.keyId,
    });
    // The key policy and the role's own policy both allow the control plane's use (either would do
    // in the same account; the role policy keeps its permissions visible on the role).
    const keyUse = new IamRolePolicy(this, "secrets-key-use", {
      name: "secrets-encryption",
      role: this.role.id,
      policy: policyDocument([
        {
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
          Resource: this.secretsKey.arn,
        },
      ]),
    });

    const logGroupName = `/aws/eks/${props.name}/cluster`;
    this.logGroup = new CloudwatchLogGroup(this, "control-plane-logs", {
      name: logGroupName,
      retentionInDays: props.logRetentionDays,
      logGroupClass: "INFREQUENT_ACCESS",
    });
    this.adoptRecreatedLogGroup(this.logGroup, logGroupName);

    this.cluster = new EksClusterResource(this, "cluster", {
      name: props.name,
      version: props.kubernetesVersion,
      roleArn: this.role.arn,
      enabledClusterLogTypes: [...props.logTypes],
      upgradePolicy: { supportType: props.supportType },
      accessConfig: {
        authenticationMode: "API",
        // Access is granted explicitly through ClusterAccess, so it is visible and revocable in code.
        bootstrapClusterCreatorAdminPermissions: false,
      },
      // Add-ons are managed as aws_eks_addon resources with versions we choose.
      bootstrapSelfManagedAddons: false,
      vpcConfig: {
        subnetIds: [...props.subnetIds],
        endpointPrivateAccess: true,
        endpointPublicAccess: props.endpointPublicAccess,
        publicAccessCidrs: props.endpointPublicAccess ? [...props.publicAccessCidrs] : undefined,
      },
      encryptionConfig: {
        resources: ["secrets"],
        provider: { keyArn: this.secretsKey.arn },
      },
      // Only when on: the argument is new in the AWS provider 6.x.
      ...(props.deletionProtection ? { deletionProtection: true } : {}),
      lifecycle: { precondition: [this.notUpgradedByEks(props)] },
      dependsOn: [clusterPolicy, keyUse, this.logGroup],
    });
  }

  /**
   * With support type STANDARD, EKS upgrades a cluster itself when its version leaves standard
   * support. The settings then name an older version and the plan would ask EKS for a downgrade,
   * which it refuses deep inside the apply. The running cluster's version is read at plan time
   * (when the cluster exists) and the plan stops with what to change instead.
   */
  private notUpgradedByEks(props: EksClusterProps): { condition: string; errorMessage: string } {
    const running = new DataAwsEksCluster(this, "running", {
      name: props.name,
      count: Token.asNumber(`\${${this.atPlan.exists} ? 1 : 0}`),
    });
    // "" when the cluster does not exist yet (count 0). Not one(): Terraform renders the error
    // message even when the condition holds, and a null cannot go into a string.
    const runningVersion = `join("", ${terraformAddress(running)}[*].version)`;
    const minor = (version: string) => `tonumber(split(".", ${version})[1])`;
    return {
      condition: `\${${runningVersion} == "" ? true : ${minor(runningVersion)} <= ${minor(`"${props.kubernetesVersion}"`)}}`,
      errorMessage:
        `EKS runs cluster ${props.name} at Kubernetes \${${runningVersion}}, newer than eks.kubernetesVersion ${props.kubernetesVersion} ` +
        "(with support type STANDARD, EKS upgrades a cluster itself when standard support ends): set eks.kubernetesVersion to the running version; EKS cannot downgrade.",
    };
  }

  /**
   * EKS keeps writing control-plane logs while it deletes the cluster, so after a destroy it creates
   * the group again (unmanaged, logs kept forever) and the next deploy of the same cluster would fail
   * with "already exists". The group is looked up at plan time and, when it exists outside the state,
   * imported: the plan then shows the import (and a replacement, since EKS creates a STANDARD group).
   */
  private adoptRecreatedLogGroup(logGroup: CloudwatchLogGroup, name: string): void {
    const present = new DataAwsCloudwatchLogGroups(this, "control-plane-logs-present", { logGroupNamePrefix: name });
    const names = `${terraformAddress(present)}.log_group_names`;
    new ImportIfPresent(this, "adopt-control-plane-logs", {
      resource: logGroup,
      // The prefix also matches "<name>-something": only the exact name.
      presentIds: `toset([for n in ${names} : n if n == "${name}"])`,
    });
  }
}
