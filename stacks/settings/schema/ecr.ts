/*
 * The ECR repository of an app (`clusters[].apps[].ecr`) and the repository name both apps and
 * teams (`teams[].ecrRepositories`) use.
 */
import { z } from "zod";

/** An ECR repository name (ECR's own pattern and length). */
export const ecrRepositoryName = z
  .string()
  .min(2, "2 to 256 characters")
  .max(256, "2 to 256 characters")
  .regex(
    /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    "an ECR repository name: lowercase letters, digits, '.', '_', '-' and '/' separated paths",
  );

export const ecrSchema = z
  .object({
    repositoryName: ecrRepositoryName
      .optional()
      .meta({ defaultInWords: "`<name>-repo`" })
      .describe(
        "ECR repository of the app image; unique per account and region; 2 to 256 characters. Renaming it is safe for the running app (see [Image name and tag](#image-name-and-tag)).",
      ),
    keepImages: z
      .number()
      .int()
      .min(1, "an integer from 1 to 1000")
      .max(1000, "an integer from 1 to 1000")
      .default(30)
      .describe("Lifecycle policy: keep this many most recent images."),
    untaggedExpiryDays: z.number().int().min(1, "an integer >= 1").default(7).describe("Lifecycle policy: expire untagged images after this many days."),
    forceDelete: z.boolean().default(false).describe("Let `cdktf destroy` delete the repository while it still holds images."),
  })
  .strict();
