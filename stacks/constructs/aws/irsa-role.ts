import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { serviceAccountOidcTrustPolicy } from "./iam";

export interface IrsaRoleProps {
  /** IAM role name (at most 64 characters). */
  readonly roleName: string;
  /** ARN of the IAM OIDC provider of the cluster's service account issuer (see EksOidcProvider). */
  readonly oidcProviderArn: string;
  /** The issuer as IAM condition keys name it, without `https://` (EksOidcProvider.conditionIssuer). */
  readonly conditionIssuer: string;
  /** The service accounts that may assume the role, by namespace and name: no others, no patterns. */
  readonly serviceAccounts: readonly { readonly namespace: string; readonly name: string }[];
  /** The role's permissions, a policy document (JSON), inline: they belong to this role alone. */
  readonly inlinePolicy: string;
  /**
   * Role description, shown in the IAM console.
   * @default - names the service accounts
   */
  readonly description?: string;
}

/**
 * An IAM role for Kubernetes service accounts (IRSA): a token the cluster issued for one of the
 * named service accounts, with audience sts.amazonaws.com, is exchanged for the role's credentials
 * through `sts:AssumeRoleWithWebIdentity` (see {@link serviceAccountOidcTrustPolicy}). The service
 * account names the role in its `eks.amazonaws.com/role-arn` annotation; the annotation alone
 * grants nothing, the trust policy decides.
 *
 * Used where EKS Pod Identity cannot serve: a controller acting for one team with that team's
 * identity (Flux's object-level workload identity), which Flux 2.9 supports only through IRSA.
 */
export class IrsaRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: IrsaRoleProps) {
    super(scope, id);
    const subjects = props.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`).join(", ");
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description ?? `IRSA role of ${subjects}`,
      assumeRolePolicy: serviceAccountOidcTrustPolicy({
        providerArn: props.oidcProviderArn,
        conditionIssuer: props.conditionIssuer,
        serviceAccounts: props.serviceAccounts,
      }),
    });
    this.policy = new IamRolePolicy(this, "permissions", { name: "permissions", role: this.role.id, policy: props.inlinePolicy });
  }
}
