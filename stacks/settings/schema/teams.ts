/*
 * The settings of one development team of a cluster (`clusters[].teams[]`): its GitLab project,
 * what Flux applies from it, its namespaces and ECR repositories.
 * That names, projects and namespaces are the team's own is a rule of the cluster (cluster-rules.ts).
 */
import { z } from "zod";
import { dnsLabel, gitBranch, gitlabProjectPath } from "./common";
import { ecrRepositoryName } from "./ecr";

export const teamSchema = z
  .object({
    name: dnsLabel("team name", 30).describe(
      "Team name: its ServiceAccount, Flux objects and folder `tenants/<cluster>/<name>`, its default namespace. At most 30 characters, lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit; for a team with `ecrRepositories`, the cluster name and the team name together at most 55 characters, since its CI role `<cluster>-team-<team>-ci` is limited to 64.",
    ),
    gitlabProject: gitlabProjectPath.describe("The team's own project, `group/project`, on the instance of `gitlab.baseUrl`. One team per project."),
    branch: gitBranch.default("main").describe("Branch of the team's project Flux reconciles."),
    path: z
      .string()
      .regex(/^\.(\/[A-Za-z0-9._-]+)*$/, "a path in the team's repository starting with '.', such as . or ./deploy/production")
      .default(".")
      .describe("Path in the team's repository Flux applies, e.g. `./deploy/production`."),
    namespaces: z
      .array(dnsLabel("namespace", 63))
      .min(1, "at least one namespace")
      .optional()
      .meta({ defaultInWords: "`[<name>]`" })
      .describe(
        "The team's namespaces: admin there, nothing elsewhere. The first is `targetNamespace` when it is the only one; not an app's, a system or another team's namespace. Each at most 63 characters (a DNS label).",
      ),
    ecrRepositories: z
      .array(ecrRepositoryName)
      .default([])
      .describe("ECR repositories of the team (same policies as the apps'), each 2 to 256 characters; its CI may push to them and only to them."),
    imageAutomation: z
      .boolean()
      .default(false)
      .describe("The team runs Flux image automation in its own repository, so its deploy key may push. Default: read-only."),
    ciBranches: z
      .array(z.string().regex(/^([A-Za-z0-9._/-]+|\*)$/, "a branch name, or * for any ref"))
      .min(1, "at least one branch")
      .default(["main"])
      .describe(
        'Branches of the team\'s project whose CI may assume its push role (AWS checks the OIDC `sub` claim: list the protected branches); `["*"]` for any ref.',
      ),
  })
  .strict()
  .transform((t) => ({ ...t, namespaces: t.namespaces ?? [t.name] }));
