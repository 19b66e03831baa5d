/*
 * Where the stacks keep their Terraform state (`state`): the backend, GitLab-managed state's
 * projects, the S3 bucket; and the rule that the s3 backend names its bucket.
 */
import { z } from "zod";
import { awsRegion } from "./common";
import { refuse, type RuleContext } from "./rules";

const projectRef = "a project ID such as 12345678, or a path with its namespace such as my-group/infrastructure";
const gitlabProjectRef = z.union(
  [z.number().int().min(1, projectRef), z.string().regex(/^(\d+|[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+)$/, projectRef)],
  projectRef,
);

export const STATE_BACKENDS = ["auto", "local", "gitlab", "s3"] as const;

/** Refuses the s3 backend without a bucket: there is no default bucket to keep the state in. */
export function s3BackendHasBucket(s: { readonly backend: string; readonly s3: { readonly bucket?: string } }, ctx: RuleContext): void {
  if (s.backend === "s3" && s.s3.bucket === undefined) refuse(ctx, ["s3", "bucket"], undefined, "a bucket name (required when state.backend is s3)");
}

export const stateSchema = z
  .object({
    backend: z
      .enum(STATE_BACKENDS, `one of ${STATE_BACKENDS.join(", ")}`)
      .default("auto")
      .describe(
        "Where each stack keeps its Terraform state, one state per stack named after it: `gitlab` (GitLab-managed state), `s3`, `local` (a file beside `cdktf.json`), or `auto`: `gitlab` inside a GitLab CI job, `local` elsewhere (see [Where the state lives](#where-the-state-lives)).",
      ),
    gitlab: z
      .object({
        project: gitlabProjectRef
          .optional()
          .meta({ defaultInWords: "in a CI job: the job's own project" })
          .describe(
            "Project holding the GitLab-managed state, on the instance of `gitlab.baseUrl`, as `group/project` or its ID. Name it to use the pipeline's state from a laptop.",
          ),
        credentialsProject: gitlabProjectRef
          .optional()
          .meta({ defaultInWords: "none: required with GitLab-managed state" })
          .describe(
            "Project holding the GitLab-managed state of the stacks whose state holds credentials (`gitops-repository` and every `<cluster>-gitops`: Flux's deploy keys, the commit-status token), as `group/project` or its ID. Required with GitLab-managed state: give only Maintainers a role in it, since every Developer of a project can read its states (see [Security model](docs/security-model.md)).",
          ),
      })
      .strict()
      .prefault({}),
    s3: z
      .object({
        bucket: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-'")
          .optional()
          .meta({ defaultInWords: "*(required for `s3`)*" })
          .describe("S3 bucket of the state (versioning on, created beforehand): 3 to 63 characters, lowercase letters, digits, `.` and `-`."),
        region: awsRegion.default("us-west-2").describe("Region of the state bucket (one of the regions in `stacks/settings/aws-regions.ts`)."),
        keyPrefix: z
          .string()
          .regex(
            /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
            "an S3 key prefix such as eks-flux-gitops or teams/platform, without a leading or trailing '/'",
          )
          .default("eks-flux-gitops")
          .describe("Each stack's state is `<keyPrefix>/<stack>.tfstate`, its lock file beside it."),
        kmsKeyId: z
          .string()
          .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/+=,.@-]+$/, "a KMS key or alias ARN")
          .optional()
          .meta({ defaultInWords: "the bucket's default encryption" })
          .describe("KMS key (or alias) ARN that encrypts the state objects."),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine(s3BackendHasBucket);
