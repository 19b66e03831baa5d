/*
 * Building blocks more than one group of settings uses: DNS labels, CIDRs, Git branches, durations,
 * GitLab project paths, AWS regions and the names no app or team may take.
 */
import { z } from "zod";
import { AWS_REGIONS } from "../aws-regions";
import { parseCidr } from "../cidr";

declare module "zod" {
  interface GlobalMeta {
    /**
     * What applies when the setting is left out, in words, for a setting whose default depends on
     * other settings or whose absence means something (`.meta({ defaultInWords })` beside its
     * `.describe()`). The README's settings table shows it in the default column, after the schema
     * default when there is one (stacks/settings/settings-table.ts).
     */
    defaultInWords?: string;
  }
}

/** Namespaces the app must not take: Flux would prune them with the app. */
export const RESERVED_NAMESPACES: readonly string[] = ["default", "flux-system", "kube-system", "kube-public", "kube-node-lease"];

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** A DNS label of at most `max` characters, refused in words that name `what`. */
export const dnsLabel = (what: string, max: number) => {
  const allowed = `${what}: lowercase letters, digits and '-', starting with a letter, at most ${max} characters`;
  return z.string(allowed).regex(new RegExp(`^[a-z]([a-z0-9-]{0,${max - 2}}[a-z0-9])?$`), allowed);
};

/** The cluster name: part of every stack, Git path and IAM role name of the cluster. */
export const clusterName = dnsLabel("cluster name", 32);

/**
 * IAM role names are limited to 64 characters; the node role is "<cluster>-<node group>-node", a
 * team's CI role "<cluster>-team-<team>-ci".
 */
export const IAM_ROLE_NAME_MAX = 64;

export const cidr = z.string().refine((v) => parseCidr(v) !== undefined, "an IPv4 network in CIDR form, e.g. 10.0.0.0/16, with no host bits set");

/** A branch name Git accepts (git check-ref-format): no "..", "//", "@{", no leading or trailing "/" or ".", no ".lock" end. */
export const gitBranch = z
  .string()
  .regex(/^[A-Za-z0-9._/-]+$/, "a Git branch name such as main")
  .refine(
    (v) => !/\.\.|\/\/|@\{|^[/.]|[/.]$|\.lock$|\/\./.test(v),
    "a Git branch name such as main or release/1.2 (no '..', '//', leading or trailing '/' or '.', no '.lock' end)",
  );

export const duration = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+s)?$/, "a Go duration such as 1m0s, 5m or 1h")
  .refine((v) => v.length > 0, "a Go duration such as 1m0s, 5m or 1h");

const PROJECT_PATH = "a project path with its namespace, such as my-group/my-project or group/subgroup/project";
/** A GitLab project path with its namespace (group/project, subgroups allowed). */
export const gitlabProjectPath = z.string(PROJECT_PATH).regex(/^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+$/, PROJECT_PATH);

/** Whether `v` is one of the regions of stacks/settings/aws-regions.ts. */
export const isRegion = (v: string) => (AWS_REGIONS as readonly string[]).includes(v);
export const awsRegion = z
  .string("an AWS region such as us-west-2")
  .refine(isRegion, "an AWS region such as us-west-2 (the list is stacks/settings/aws-regions.ts)");
