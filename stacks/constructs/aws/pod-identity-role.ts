import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { podIdentityTrustPolicy } from "./iam";

export interface PodIdentityRoleProps {
  /** Name of the EKS cluster the service account lives in. */
  readonly clusterName: string;
  /** Namespace of the Kubernetes service account. */
  readonly namespace: string;
  /** Name of the Kubernetes service account; it need not exist yet. */
  readonly serviceAccount: string;
  /** Account the cluster runs in: only EKS acting for this account may assume the role (aws:SourceAccount). */
  readonly accountId: string;
  /** ARN of the cluster: only its pods get the role (the eks-cluster-arn session tag EKS Pod Identity sets). */
  readonly clusterArn: string;
  /** IAM role name (at most 64 characters). */
  readonly roleName: string;
  /**
   * ARNs of managed policies to attach.
   * @default []
   */
  readonly managedPolicyArns?: readonly string[];
  /**
   * An inline policy document (JSON) for permissions no managed policy scopes tightly enough.
   * @default - no inline policy
   */
  readonly inlinePolicy?: string;
  /**
   * Create the Pod Identity association here. Off for an EKS add-on, which takes the role in its
   * own pod_identity_association (EKS then manages the association with the add-on).
   * @default true
   */
  readonly associate?: boolean;
}

/**
 * An IAM role that one Kubernetes service account assumes through EKS Pod Identity:
 * no OIDC provider, no annotation, no static keys. Only EKS Pod Identity may assume it, acting for
 * this account, and only for this service account of this cluster (see {@link podIdentityTrustPolicy}). Needs the eks-pod-identity-agent add-on,
 * and the association must exist before the pod starts (credentials are injected at admission).
 */
export class PodIdentityRole extends Construct {
  readonly role: IamRole;
  /** The association, unless props.associate is false. */
  readonly association?: EksPodIdentityAssociation;
  /** The role's permissions: whatever uses the role must wait for them. */
  readonly permissions: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);

    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: `EKS Pod Identity role of ${props.namespace}/${props.serviceAccount} in ${props.clusterName}`,
      assumeRolePolicy: podIdentityTrustPolicy({
        accountId: props.accountId,
        clusterArn: props.clusterArn,
        namespace: props.namespace,
        serviceAccount: props.serviceAccount,
      }),
    });

    const attachments = (props.managedPolicyArns ?? []).map(
      (policyArn, i) => new IamRolePolicyAttachment(this, `policy-${i}`, { role: this.role.name, policyArn }),
    );
    const inline = props.inlinePolicy
      ? [new IamRolePolicy(this, "inline-policy", { name: "permissions", role: this.role.id, policy: props.inlinePolicy })]
      : [];

    this.permissions = [...attachments, ...inline];
    if (props.associate === false) return;
    this.association = new EksPodIdentityAssociation(this, "association", {
      clusterName: props.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.arn,
      // Credentials are handed out at admission: the permissions must be in place by then.
      dependsOn: [...attachments, ...inline],
    });
  }
}
