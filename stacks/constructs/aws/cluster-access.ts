import { Construct } from "constructs";
import { Fn, Token } from "cdktf";
import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";

export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";
/**
 * Read-only, without Secrets: AmazonEKSAdminViewPolicy would read every Secret, flux-system's
 * (Flux's deploy key, the commit-status token) included, which is cluster-admin by another way.
 * No pipeline job plans a GitOps stack with a viewer's identity (docs/security-model.md), so
 * nothing here needs more than this.
 */
export const CLUSTER_VIEW_POLICY = "AmazonEKSViewPolicy";

function accessPolicyArn(partition: string, policy: string): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${policy}`;
}

export interface ClusterAccessProps {
  /** Name of the cluster (authentication mode API or API_AND_CONFIG_MAP). */
  readonly clusterName: string;
  /** AWS partition, for the access policy ARN. */
  readonly partition: string;
  /** IAM role or user ARNs that become cluster admins. SSO roles need their full path. */
  readonly adminPrincipalArns: readonly string[];
  /**
   * IAM role or user ARNs that may read everything and change nothing (a pipeline's plan role).
   * @default none
   */
  readonly viewerPrincipalArns?: readonly string[];
  /**
   * Also make the identity running Terraform a cluster admin. Its ARN is read at plan
   * time from the caller's session (an assumed role resolves to the role, not the session).
   * @default false
   */
  readonly grantDeployer?: boolean;
  /** ARN of the caller identity (`aws_caller_identity.arn`); required when grantDeployer is set. */
  readonly callerArn?: string;
}

/** ARNs EKS accepts as access entry principals: IAM roles (with their path) and IAM users. */
export const ACCESS_ENTRY_PRINCIPAL = "^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/";

/**
 * Cluster admins and viewers through EKS access entries, with AmazonEKSClusterAdminPolicy or
 * AmazonEKSViewPolicy at cluster scope. A principal can have only one entry per cluster, so
 * the deployer gets an entry of its own only when it is not already listed.
 */
export class ClusterAccess extends Construct {
  readonly entries: EksAccessEntry[] = [];
  readonly associations: EksAccessPolicyAssociation[] = [];
  /** Resolved ARN of the deployer's principal, when granted. */
  readonly deployerPrincipalArn?: string;

  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);

    props.adminPrincipalArns.forEach((arn, i) => this.grant(`admin-${i}`, "cluster-admin", CLUSTER_ADMIN_POLICY, arn, props));
    (props.viewerPrincipalArns ?? []).forEach((arn, i) => this.grant(`viewer-${i}`, "cluster-view", CLUSTER_VIEW_POLICY, arn, props));

    if (props.grantDeployer) {
      if (!props.callerArn) throw new Error("ClusterAccess: callerArn is required when grantDeployer is set");
      const session = new DataAwsIamSessionContext(this, "deployer-session", { arn: props.callerArn });
      this.deployerPrincipalArn = session.issuerArn;
      this.grantDeployer(session.issuerArn, props);
    }
  }

  /**
   * The identity running Terraform, known only at plan time: skipped when it is already an admin
   * (EKS refuses a second entry for one principal), refused with a clear message when EKS would
   * refuse it (root, a federated user).
   */
  private grantDeployer(principalArn: string, props: ClusterAccessProps): void {
    const listed = [...props.adminPrincipalArns, ...(props.viewerPrincipalArns ?? [])];
    const count = Token.asNumber(Fn.conditional(Fn.contains(listed, principalArn), 0, 1));
    const entry = new EksAccessEntry(this, "deployer-entry", {
      count,
      clusterName: props.clusterName,
      principalArn,
      type: "STANDARD",
      lifecycle: {
        precondition: [
          {
            condition: Fn.can(Fn.regex(ACCESS_ENTRY_PRINCIPAL, principalArn)),
            errorMessage:
              `The identity running Terraform (${principalArn}) cannot have an EKS access entry: EKS accepts IAM roles and IAM users only, ` +
              "not the root user or a federated user. Deploy as an IAM role (aws sso login, or sts assume-role) or an IAM user, " +
              "or set eks.grantDeployerAdmin to false and list an admin role in eks.adminPrincipalArns.",
          },
        ],
      },
    });
    this.entries.push(entry);
    this.associations.push(
      new EksAccessPolicyAssociation(this, "deployer-cluster-admin", {
        count,
        clusterName: props.clusterName,
        principalArn,
        policyArn: accessPolicyArn(props.partition, CLUSTER_ADMIN_POLICY),
        accessScope: { type: "cluster" },
        dependsOn: [entry],
      }),
    );
  }

  private grant(id: string, association: string, policy: string, principalArn: string, props: ClusterAccessProps): void {
    const entry = new EksAccessEntry(this, `${id}-entry`, {
      clusterName: props.clusterName,
      principalArn,
      type: "STANDARD",
    });
    this.entries.push(entry);
    this.associations.push(
      new EksAccessPolicyAssociation(this, `${id}-${association}`, {
        clusterName: props.clusterName,
        principalArn: entry.principalArn,
        policyArn: accessPolicyArn(props.partition, policy),
        accessScope: { type: "cluster" },
      }),
    );
  }
}
