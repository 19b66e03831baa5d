import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { ecrPushPolicy, gitlabOidcTrustPolicy } from "./iam";

export interface TeamCiRoleProps {
  /** IAM role name (at most 64 characters; see teamCiRoleName). */
  readonly roleName: string;
  /** ARN of the account's IAM OIDC provider for the GitLab instance (see GitLabOidcProvider). */
  readonly oidcProviderArn: string;
  /** URL of the GitLab instance, e.g. https://gitlab.com: the issuer named in the trust conditions. */
  readonly gitlabUrl: string;
  /** The team's GitLab project, as group/project, exactly as GitLab spells it. */
  readonly gitlabProject: string;
  /**
   * Branches whose CI jobs may assume the role; "*" among them allows any ref of the project.
   * @default ["main"]
   */
  readonly ciBranches?: readonly string[];
  /** ARNs of the ECR repositories the role may push to and pull from, and no others. */
  readonly repositoryArns: readonly string[];
  /**
   * Role description, shown in the IAM console.
   * @default - names the project
   */
  readonly description?: string;
}

/**
 * The role a team's own GitLab CI assumes through OIDC to push images to the team's ECR
 * repositories: no access keys to store or rotate in the team's project, and a token from any
 * other project or branch is refused by the trust policy.
 */
export class TeamCiRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: TeamCiRoleProps) {
    super(scope, id);
    // An empty Resource list is an invalid policy; a team with nothing to push needs no role.
    if (props.repositoryArns.length === 0) throw new Error(`TeamCiRole ${props.roleName}: at least one repository ARN`);

    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description ?? `GitLab CI of ${props.gitlabProject} pushes images to its ECR repositories`,
      assumeRolePolicy: gitlabOidcTrustPolicy({
        providerArn: props.oidcProviderArn,
        issuerUrl: props.gitlabUrl,
        projectPath: props.gitlabProject,
        branches: props.ciBranches ?? ["main"],
      }),
    });

    // Inline, not managed: the permissions belong to this role alone and go with it.
    this.policy = new IamRolePolicy(this, "ecr-push", {
      name: "ecr-push",
      role: this.role.id,
      policy: ecrPushPolicy(props.repositoryArns),
    });
  }
}
