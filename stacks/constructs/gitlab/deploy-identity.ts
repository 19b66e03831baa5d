import { Construct } from "constructs";
import { Fn, Token } from "cdktf";
import { DataGitlabCurrentUser } from "@cdktf/provider-gitlab/lib/data-gitlab-current-user";
import { DataGitlabProjectMembership } from "@cdktf/provider-gitlab/lib/data-gitlab-project-membership";

/**
 * The user names GitLab gives the bots of project and group access tokens (`project_<id>_bot_<hex>`,
 * `group_<id>_bot_<hex>`; older ones end in a number). Service accounts are bots in the API's sense
 * too (`bot: true`), so the name, not the flag, tells an access-token bot.
 */
export const ACCESS_TOKEN_BOT_USERNAME = "^(project|group)_[0-9]+_bot";

/** The roles that may do what the stacks do in a project (deploy keys, branch protection, tokens, commits). */
export const DEPLOY_IDENTITY_ROLES = ["maintainer", "owner"] as const;

export interface DeployIdentityProps {
  /** The projects (`group/project` paths) the identity must be Maintainer of: the GitOps project, the teams' projects. */
  readonly projects: readonly string[];
  /** What the identity is needed for, in the error line, e.g. "the repository stack (deploy keys, branch protection)". */
  readonly neededFor: string;
}

/**
 * Checks at plan time that GITLAB_TOKEN belongs to an identity that can do what the stack does,
 * and stops with one line saying which identity is needed, instead of a 403 or 404 halfway through
 * an apply:
 * - not an access-token bot: GitLab forbids bots to create or rotate access tokens (the
 *   commit-status token), a project access token reaches only its own project (not the teams'),
 *   and deploy keys a bot created stop pushing once the bot loses access;
 * - Maintainer (or Owner) of every project, directly or through a group.
 *
 * Data-source postconditions are evaluated when Terraform reads them, which is at plan time.
 */
export class DeployIdentity extends Construct {
  readonly user: DataGitlabCurrentUser;

  constructor(scope: Construct, id: string, props: DeployIdentityProps) {
    super(scope, id);
    this.user = new DataGitlabCurrentUser(this, "user", {
      lifecycle: {
        postcondition: [
          {
            condition: `\${!can(regex(${JSON.stringify(ACCESS_TOKEN_BOT_USERNAME)}, self.username))}`,
            errorMessage: `GITLAB_TOKEN belongs to \${self.username}, a project or group access token's bot, which cannot do what ${props.neededFor} does: use a token (scope api) of a GitLab service account or a dedicated user with the Maintainer role on ${props.projects.join(", ")}.`,
          },
        ],
      },
    });
    const roles = JSON.stringify(DEPLOY_IDENTITY_ROLES);
    props.projects.forEach((project) => {
      new DataGitlabProjectMembership(this, `member-${project.replace(/[^A-Za-z0-9]+/g, "-")}`, {
        project,
        inherited: true,
        userIds: [Token.asNumber(Fn.tonumber(this.user.id))],
        lifecycle: {
          postcondition: [
            {
              condition: `\${anytrue([for m in self.members : contains(${roles}, m.access_level)])}`,
              errorMessage: `GITLAB_TOKEN belongs to \${data.gitlab_current_user.${this.user.friendlyUniqueId}.username}, who is not Maintainer of ${project}, which ${props.neededFor} needs: give that identity the Maintainer role there (directly or through its group).`,
            },
          ],
        },
      });
    });
  }
}
