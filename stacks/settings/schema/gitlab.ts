/*
 * The settings of the GitLab instance and the GitOps project (`gitlab`): URL, project, branch,
 * SSH host, branch protection, Flux's commit author and the AWS OIDC provider.
 */
import { z } from "zod";
import { gitBranch, gitlabProjectPath } from "./common";

const commitAuthorSchema = z
  .object({
    name: z.string().min(1, "a non-empty name").default("Flux").describe("Author name of Flux's commits (image updates and the bootstrap)."),
    email: z
      .email("an e-mail address such as flux@example.com")
      .optional()
      .meta({ defaultInWords: "`flux@noreply.<GitLab host>`" })
      .describe("Author e-mail of Flux's commits; set one your project's push rules accept."),
  })
  .strict();

export const gitlabSchema = z
  .object({
    baseUrl: z
      .url({ protocol: /^https?$/, error: "an http(s) URL such as https://gitlab.com" })
      // The default before the transform: zod's JSON Schema (the README's settings table) drops a transform's default.
      .default("https://gitlab.com")
      .transform((u) => u.replace(/\/+$/, ""))
      .describe("GitLab instance URL (self-managed too); the API is `<baseUrl>/api/v4`."),
    project: gitlabProjectPath.describe("The GitOps project as `group/project` (subgroups allowed). It must exist and have an initialised default branch."),
    branch: gitBranch.default("main").describe("Branch Flux syncs from and commits image updates to."),
    sshHost: z
      .string()
      .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "a host name, optionally with :port, such as gitlab.example.com:2222")
      .optional()
      .meta({ defaultInWords: "host of `baseUrl`, port 22" })
      .describe("SSH `host[:port]` for Git over SSH, for instances that serve SSH elsewhere."),
    protectBranch: z
      .boolean()
      .default(true)
      .describe(
        "Manage the branch's protection: Maintainers push and merge, no force push, and every cluster's Flux deploy key may push (see [What the stacks change in the GitLab project](#what-the-stacks-change-in-the-gitlab-project)). Set `false` on GitLab CE.",
      ),
    commitAuthor: commitAuthorSchema.prefault({}),
    awsOidcProvider: z
      .enum(["create", "existing"], "create or existing")
      .default("existing")
      .describe(
        "The AWS IAM OIDC provider for this GitLab instance, trusted by the teams' CI roles and the pipeline's roles: use the `existing` one of the account (the one [Deploying from GitLab CI](#deploying-from-gitlab-ci) has you create; IAM allows one per URL), or `create` it in the first cluster stack with teams that have ECR repositories (then destroying that stack deletes it, and every role that trusts it stops working).",
      ),
  })
  .strict()
  .transform((g) => ({
    ...g,
    commitAuthor: { ...g.commitAuthor, email: g.commitAuthor.email ?? `flux@noreply.${new URL(g.baseUrl).hostname}` },
  }));
