/*
 * The settings of a cluster's Flux (`clusters[].flux`): intervals, timeouts, the deploy key's
 * generation and the commit status token; and the rule that the token rotates before it expires.
 */
import { z } from "zod";
import { duration } from "./common";
import { refuse, type RuleContext } from "./rules";

/**
 * Refuses a rotation window not shorter than the token's lifetime: otherwise every deploy would
 * find the token due and rotate it again.
 */
export function tokenRotatesBeforeExpiry(f: { readonly commitStatusTokenDays: number; readonly commitStatusTokenRotateDays: number }, ctx: RuleContext): void {
  if (f.commitStatusTokenRotateDays >= f.commitStatusTokenDays) {
    refuse(ctx, ["commitStatusTokenRotateDays"], f.commitStatusTokenRotateDays, `less than commitStatusTokenDays (${f.commitStatusTokenDays})`);
  }
}

export const fluxSchema = z
  .object({
    interval: duration.default("1m0s").describe("How often Flux fetches the GitOps repository (Flux's own default)."),
    layerInterval: duration
      .default("10m0s")
      .describe("How often the `infrastructure` and `apps` Kustomizations are re-applied to undo drift; a new commit applies at once."),
    layerTimeout: duration.default("5m0s").describe("How long the `apps` Kustomization waits for its objects to be ready before it reports a failure."),
    infrastructureTimeout: duration
      .default("10m0s")
      .describe("How long the `infrastructure` Kustomization waits for its HelmReleases to be installed and ready."),
    imageScanInterval: duration.default("5m0s").describe("How often ECR is scanned for new tags."),
    imageUpdateInterval: duration.default("30m0s").describe("How often image automation re-checks its policies; a newly found tag is written to Git at once."),
    deployKeyVersion: z
      .number()
      .int()
      .min(1, "an integer >= 1")
      .default(1)
      .describe(
        "Generation of the cluster's Flux deploy key: raise it by one and deploy to rotate the key (see [Rotating a deploy key](#rotating-a-deploy-key)).",
      ),
    commitStatuses: z
      .boolean()
      .default(true)
      .describe(
        "Post each reconciliation of the `infrastructure` and `apps` Kustomizations as a GitLab commit status, with a project access token (see [Commit statuses in GitLab](#commit-statuses-in-gitlab)). GitLab.com Free has no project access tokens: set `false` there (also for an instance served under a path).",
      ),
    commitStatusTokenDays: z
      .number()
      .int()
      .min(30, "an integer from 30 to 365")
      .max(365, "an integer from 30 to 365 (GitLab's longest token lifetime)")
      .default(365)
      .describe("Lifetime in days of the commit status token, 30 to 365 (each rotation issues a new one)."),
    commitStatusTokenRotateDays: z
      .number()
      .int()
      .min(1, "an integer >= 1")
      .default(30)
      .describe("The first deploy this many days or fewer before the token expires rotates it; less than `commitStatusTokenDays`."),
  })
  .strict()
  .superRefine(tokenRotatesBeforeExpiry);
