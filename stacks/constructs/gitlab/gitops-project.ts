import type { Construct } from "constructs";
import { DataGitlabProject } from "@cdktf/provider-gitlab/lib/data-gitlab-project";
import type { GitLabSettings } from "../../settings/schema";

/**
 * Looks up the GitOps project (`data.gitlab_project`, id "project"). The plan fails with a clear
 * message when the repository has no commits: Flux cannot bootstrap into an empty repository.
 */
export function gitopsProject(scope: Construct, gitlab: Pick<GitLabSettings, "project">): DataGitlabProject {
  return new DataGitlabProject(scope, "project", {
    pathWithNamespace: gitlab.project,
    lifecycle: {
      postcondition: [
        {
          condition: "${!self.empty_repo}",
          errorMessage: `GitLab project ${gitlab.project} has no commits: Flux cannot bootstrap into an empty repository. Push an initial commit to its default branch first.`,
        },
      ],
    },
  });
}
