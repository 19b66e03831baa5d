import { Construct } from "constructs";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { trustPolicy } from "./iam";

export interface PodIdentityRoleProps {
  /** Name of the EKS cluster the service account lives in. */
  readonly clusterName: string;
  /** Namespace of the Kubernetes service account. */
  readonly namespace: string;
  /** Name of the Kubernetes service account; it need not exist yet. */
  readonly serviceAccount: string;
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
}

/**
 * An IAM role that one Kubernetes service account assumes through EKS Pod Identity:
 * no OIDC provider, no annotation, no static keys. Needs the eks-pod-identity-agent add-on,
 * and the association must exist before the pod starts (credentials are injected at admission).
 */
export class PodIdentityRole extends Construct {
  readonly role: IamRole;
  readonly association: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);

    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: `EKS Pod Identity role of ${props.namespace}/${props.serviceAccount} in ${props.clusterName}`,
      assumeRolePolicy: trustPolicy("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
    });

    const attachments = (props.managedPolicyArns ?? []).map(
      (policyArn, i) => new IamRolePolicyAttachment(this, `policy-${i}`, { role: this.role.name, policyArn }),
    );
    const inline = props.inlinePolicy
      ? [new IamRolePolicy(this, "inline-policy", { name: "permissions", role: this.role.id, policy: props.inlinePolicy })]
      : [];

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
