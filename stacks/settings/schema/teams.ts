/*
 * The settings of one development team of a cluster (`clusters[].teams[]`): its GitLab project,
 * what Flux applies from it, its namespaces and ECR repositories.
 * That names, projects and namespaces are the team's own is a rule of the cluster (cluster-rules.ts).
 */
import { z } from "zod";
import { dnsLabel, gitBranch, gitlabProjectPath } from "./common";
import { cpuQuantity, kibibytes, limitsCoverRequests, memoryQuantity, milliCpu } from "./apps";
import { ecrRepositoryName } from "./ecr";
import { refuse, type RuleContext } from "./rules";

/** What a container of the team that names no resources gets (its namespaces' LimitRange). */
const containerDefaultsSchema = z
  .object({
    cpuRequest: cpuQuantity.default("100m").describe("CPU a container of the team requests when it names none."),
    memoryRequest: memoryQuantity.default("128Mi").describe("Memory a container of the team requests when it names none."),
    cpuLimit: cpuQuantity.default("500m").describe("CPU limit of a container of the team that names none (at least the request)."),
    memoryLimit: memoryQuantity.default("256Mi").describe("Memory limit of a container of the team that names none (at least the request)."),
  })
  .strict()
  .superRefine(limitsCoverRequests);

/** The most each namespace of the team may hold (its ResourceQuota). */
const quotaSchema = z
  .object({
    cpu: cpuQuantity.default("4").describe("CPU the team's pods of one namespace may request, and have as limits, in all."),
    memory: memoryQuantity.default("8Gi").describe("Memory the team's pods of one namespace may request, and have as limits, in all."),
    pods: z
      .number()
      .int()
      .min(1, "a whole number from 1 to 1000")
      .max(1000, "a whole number from 1 to 1000")
      .default(40)
      .describe("Pods one namespace of the team may run."),
  })
  .strict();

/**
 * Refuses a quota one container with the default resources would not fit in: every pod of the team
 * would then be refused by the namespace's ResourceQuota.
 */
export function quotaHoldsAContainer(
  t: {
    readonly quota: { readonly cpu: string; readonly memory: string };
    readonly containerDefaults: { readonly cpuLimit: string; readonly memoryLimit: string };
  },
  ctx: RuleContext,
): void {
  if (milliCpu(t.quota.cpu) < milliCpu(t.containerDefaults.cpuLimit))
    refuse(ctx, ["quota", "cpu"], t.quota.cpu, `at least containerDefaults.cpuLimit (${t.containerDefaults.cpuLimit}), or no container fits`);
  if (kibibytes(t.quota.memory) < kibibytes(t.containerDefaults.memoryLimit))
    refuse(ctx, ["quota", "memory"], t.quota.memory, `at least containerDefaults.memoryLimit (${t.containerDefaults.memoryLimit}), or no container fits`);
}

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
    quota: quotaSchema.prefault({}).describe("The most each of the team's namespaces may hold (a ResourceQuota the team cannot change; see [Teams](#teams))."),
    containerDefaults: containerDefaultsSchema
      .prefault({})
      .describe("The resources a container of the team gets when it names none (a LimitRange the team cannot change)."),
  })
  .strict()
  .superRefine(quotaHoldsAContainer)
  .transform((t) => ({ ...t, namespaces: t.namespaces ?? [t.name] }));
