import { Construct } from "constructs";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { STS_AUDIENCE } from "./iam";

export interface GitLabOidcProviderProps {
  /**
   * URL of the GitLab instance, the issuer of its CI jobs' ID tokens, e.g. https://gitlab.com
   * (https only: IAM takes no other issuer).
   */
  readonly issuerUrl: string;
  /**
   * create: this construct creates the provider; existing: it reads the one the account has for
   * this URL (the plan fails when there is none). An account has at most one provider per URL,
   * so only one stack of the app may create it.
   * @default "create"
   */
  readonly mode?: "create" | "existing";
}

/**
 * The account's IAM OIDC identity provider for a GitLab instance: what IAM roles name as their
 * federated principal so that GitLab CI jobs assume them with an ID token instead of stored keys.
 *
 * No thumbprint is given: AWS provider 6 leaves thumbprint_list optional, and IAM trusts the
 * issuer's certificate through its own CA library (it fetches a thumbprint itself otherwise).
 */
export class GitLabOidcProvider extends Construct {
  /** ARN of the provider, arn:<partition>:iam::<account>:oidc-provider/<host[/path]>. */
  readonly arn: string;
  /** The provider resource, when this construct created it. */
  readonly provider?: IamOpenidConnectProvider;

  constructor(scope: Construct, id: string, props: GitLabOidcProviderProps) {
    super(scope, id);

    if ((props.mode ?? "create") === "create") {
      this.provider = new IamOpenidConnectProvider(this, "provider", {
        url: props.issuerUrl,
        // The audience GitLab CI jobs request in their id_tokens; STS refuses tokens for any other.
        clientIdList: [STS_AUDIENCE],
      });
      this.arn = this.provider.arn;
    } else {
      this.arn = new DataAwsIamOpenidConnectProvider(this, "provider", { url: props.issuerUrl }).arn;
    }
  }
}
