import { z } from "zod";
import { clusterSchema } from "./schema/cluster";
import { gitlabSchema } from "./schema/gitlab";
import { policySchema } from "./schema/policy";
import {
  accountRoleNamesUnique,
  clusterNamesUnique,
  commitStatusesReachInstance,
  ecrRepositoryNamesUnique,
  exposedHostsUnique,
  httpsWhenTeamsPush,
} from "./schema/settings-rules";
import { eachElement } from "./schema/rules";
import { stateSchema } from "./schema/state";

/*
 * The one description of every setting the app accepts, composed from one file per group under
 * schema/. Each field's `.describe()` text, its default and, where the default depends on other
 * settings, its `.meta({ defaultInWords })` are the README's settings table, generated from here
 * (settings-table.ts, `npm run settings:table`); the error messages say what is allowed. The
 * cross-field rules are named functions (schema/*-rules.ts and beside each group), run in the
 * order of the refusal lines.
 *
 * Secrets have no place here: tokens and keys come from the providers' environment
 * (AWS credentials, GITLAB_TOKEN) or live only in Terraform state.
 */

export { appSchema, kibibytes, milliCpu } from "./schema/apps";
export { clusterSchema } from "./schema/cluster";
export { LOG_RETENTION_DAYS, RESERVED_NAMESPACES } from "./schema/common";
export { dnsSchema, exposeSchema } from "./schema/dns";
export { ecrSchema } from "./schema/ecr";
export { CONTROL_PLANE_LOG_TYPES, DEFAULT_KUBERNETES_VERSION, eksSchema, MIN_KUBERNETES_MINOR } from "./schema/eks";
export { fluxSchema } from "./schema/flux";
export { gitlabSchema } from "./schema/gitlab";
export { ADDRESSES_PER_NODE, networkSchema } from "./schema/network";
export { AMI_TYPES, DEFAULT_INSTANCE_TYPES, nodeGroupSchema } from "./schema/node-group";
export { policySchema } from "./schema/policy";
export { STATE_BACKENDS, stateSchema } from "./schema/state";
export { teamSchema } from "./schema/teams";

export const settingsSchema = z
  .object({
    gitlab: gitlabSchema,
    clusters: z.array(clusterSchema).min(1, "a list with at least one cluster"),
    state: stateSchema.prefault({}),
    policy: policySchema.prefault({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    commitStatusesReachInstance(s, ctx);
    httpsWhenTeamsPush(s, ctx);
    accountRoleNamesUnique(s, ctx);
    eachElement(s, s.clusters, ctx, [clusterNamesUnique, ecrRepositoryNamesUnique, exposedHostsUnique]);
  });

/** Settings as written in cdktf.json (defaults may be omitted). */
export type SettingsInput = z.input<typeof settingsSchema>;
/** Settings after validation, with every default filled in. */
export type Settings = z.output<typeof settingsSchema>;
export type ClusterSettings = Settings["clusters"][number];
export type AppSettings = ClusterSettings["apps"][number];
export type TeamSettings = ClusterSettings["teams"][number];
export type GitLabSettings = Settings["gitlab"];
export type StateSettings = Settings["state"];
export type PolicySettings = Settings["policy"];
