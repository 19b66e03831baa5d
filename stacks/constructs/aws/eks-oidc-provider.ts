import { Construct } from "constructs";
import { Fn, TerraformLocal } from "cdktf";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { STS_AUDIENCE } from "./iam";

export interface EksOidcProviderProps {
  /**
   * The cluster's service account issuer, `https://oidc.eks.<region>.amazonaws.com/id/<id>`
   * (aws_eks_cluster identity[0].oidc[0].issuer, a reference).
   */
  readonly issuerUrl: string;
}

/**
 * The account's IAM OIDC identity provider for one EKS cluster's service account issuer: what
 * IAM roles for service accounts (IRSA) name as their federated principal, so that a Kubernetes
 * token of a service account of this cluster can be exchanged for the role's credentials.
 *
 * Each cluster has its own issuer, so each cluster stack creates its own provider (IAM holds one
 * per URL and account; one created by hand or by eksctl for the same cluster must be imported).
 * No thumbprint: AWS provider 6 leaves thumbprint_list optional and IAM trusts the EKS issuer
 * through its own CA library.
 */
export class EksOidcProvider extends Construct {
  readonly provider: IamOpenidConnectProvider;
  /** ARN of the provider, arn:<partition>:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>. */
  readonly arn: string;
  /**
   * The issuer as IAM names it in condition keys (`<issuer>:sub`, `<issuer>:aud`): the URL without
   * its scheme. Read from the provider, so a trust policy using it also waits for the provider. A
   * local value: inside a policy document the reference is then `${local.<name>}`, with no quotes
   * of a function call's arguments in the JSON before Terraform resolves it.
   */
  readonly conditionIssuer: string;

  constructor(scope: Construct, id: string, props: EksOidcProviderProps) {
    super(scope, id);
    this.provider = new IamOpenidConnectProvider(this, "provider", {
      url: props.issuerUrl,
      // The audience Flux (and the EKS pod identity webhook) request for service account tokens
      // they exchange with STS; STS refuses a token for any audience the provider does not list.
      clientIdList: [STS_AUDIENCE],
    });
    this.arn = this.provider.arn;
    this.conditionIssuer = new TerraformLocal(this, "condition-issuer", Fn.replace(this.provider.url, "https://", "")).asString;
  }
}
