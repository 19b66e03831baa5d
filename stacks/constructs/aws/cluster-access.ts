import { Construct } from "constructs";
import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";

export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

export interface ClusterAccessProps {
  /** Name of the cluster (authentication mode API or API_AND_CONFIG_MAP). */
  readonly clusterName: string;
  /** AWS partition, for the access policy ARN. */
  readonly partition: string;
  /** IAM role or user ARNs that become cluster admins. SSO roles need their full path. */
  readonly adminPrincipalArns: readonly string[];
  /**
   * Also make the identity running Terraform a cluster admin. Its ARN is read at plan
   * time from the caller's session (an assumed role resolves to the role, not the session).
   * @default false
   */
  readonly grantDeployer?: boolean;
  /** ARN of the caller identity (`aws_caller_identity.arn`); required when grantDeployer is set. */
  readonly callerArn?: string;
}

/**
 * Cluster admins through EKS access entries, each with AmazonEKSClusterAdminPolicy at
 * cluster scope. A principal can have only one entry per cluster, so the deployer must
 * not also be listed in adminPrincipalArns.
 */
export class ClusterAccess extends Construct {
  readonly entries: EksAccessEntry[] = [];
  readonly associations: EksAccessPolicyAssociation[] = [];
  /** Resolved ARN of the deployer's principal, when granted. */
  readonly deployerPrincipalArn?: string;

  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);

    props.adminPrincipalArns.forEach((arn, i) => this.grantAdmin(`admin-${i}`, arn, props));

    if (props.grantDeployer) {
      if (!props.callerArn) throw new Error("ClusterAccess: callerArn is required when grantDeployer is set");
      const session = new DataAwsIamSessionContext(this, "deployer-session", { arn: props.callerArn });
      this.deployerPrincipalArn = session.issuerArn;
      this.grantAdmin("deployer", session.issuerArn, props);
    }
  }

  private grantAdmin(id: string, principalArn: string, props: ClusterAccessProps): void {
    const entry = new EksAccessEntry(this, `${id}-entry`, {
      clusterName: props.clusterName,
      principalArn,
      type: "STANDARD",
    });
    this.entries.push(entry);
    this.associations.push(
      new EksAccessPolicyAssociation(this, `${id}-cluster-admin`, {
        clusterName: props.clusterName,
        principalArn: entry.principalArn,
        policyArn: `arn:${props.partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`,
        accessScope: { type: "cluster" },
      }),
    );
  }
}
