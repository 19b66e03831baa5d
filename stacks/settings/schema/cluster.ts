/*
 * One cluster (`clusters[]`): its name, environment, region and tags, the groups of settings under
 * it, and its cross-field rules (cluster-rules.ts), run in the order of the refusal lines.
 */
import { z } from "zod";
import { dnsSchema } from "./dns";
import { appSchema } from "./apps";
import {
  appNamesUnique,
  exposedInZone,
  namespacesUnique,
  nodeRoleNameFits,
  nodesFitPrivateSubnets,
  subnetEntries,
  subnetInsideVpc,
  subnetsApart,
  teamCiRoleNameFits,
  teamNamesUnique,
  teamProjectsUnique,
  vpcHoldsSomeSubnet,
  zonesInClusterRegion,
  zonesListedOnce,
} from "./cluster-rules";
import { awsRegion, clusterName, dnsLabel } from "./common";
import { eksSchema } from "./eks";
import { fluxSchema } from "./flux";
import { networkSchema } from "./network";
import { nodeGroupSchema } from "./node-group";
import { eachElement } from "./rules";
import { teamSchema } from "./teams";

export const clusterSchema = z
  .object({
    name: clusterName.describe(
      "EKS cluster name; also the Git paths `apps/<name>`, `clusters/<name>` and the stack names. At most 32 characters, lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit; it is part of IAM role names, so it also limits `nodeGroup.name` and `teams[].name`.",
    ),
    environment: dnsLabel("environment", 32)
      .default("dev")
      .describe(
        "Value of the `Environment` tag on every AWS resource; at most 32 characters, lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit.",
      ),
    region: awsRegion
      .default("us-west-2")
      .describe(
        "AWS region of the cluster: one of the regions in `stacks/settings/aws-regions.ts` (the AWS provider's list; a region AWS opens later is one line there).",
      ),
    tags: z.record(z.string(), z.string()).default({}).describe("Extra tags on every AWS resource (`Terraform`, `Environment`, `Cluster` always win)."),
    network: networkSchema.prefault({}),
    eks: eksSchema.prefault({}),
    nodeGroup: nodeGroupSchema.prefault({}),
    apps: z
      .array(appSchema)
      .min(1, "a list with at least one app")
      .prefault([{}])
      .meta({ defaultInWords: "one app, `nginx`" })
      .describe("The cluster's apps (see [Adding an app](#adding-an-app)); each gets its folder, ECR repository and image automation."),
    flux: fluxSchema.prefault({}),
    dns: dnsSchema
      .optional()
      .meta({ defaultInWords: "none: no app is exposed" })
      .describe("The DNS zone the cluster's exposed apps are served in (see [Exposing an app](#exposing-an-app))."),
    teams: z
      .array(teamSchema)
      .default([])
      // A team's schema transforms, so zod's JSON Schema drops this default (an output value): said in words.
      .meta({ defaultInWords: "`[]`: no teams" })
      .describe("Development teams on the cluster, each reconciled from its own GitLab project and confined to its namespaces (see [Teams](#teams))."),
  })
  .strict()
  .superRefine((c, ctx) => {
    zonesListedOnce(c, ctx);
    zonesInClusterRegion(c, ctx);
    nodeRoleNameFits(c, ctx);
    appNamesUnique(c, ctx);
    eachElement(c, c.apps, ctx, [exposedInZone]);
    eachElement(c, c.teams, ctx, [teamNamesUnique, teamProjectsUnique, teamCiRoleNameFits, namespacesUnique]);
    if (!vpcHoldsSomeSubnet(c, ctx)) return;
    eachElement(c, subnetEntries(c.network), ctx, [subnetInsideVpc, subnetsApart]);
    nodesFitPrivateSubnets(c, ctx);
  })
  .transform((c) => ({
    ...c,
    network: { ...c.network, availabilityZones: c.network.availabilityZones ?? ["a", "b", "c"].map((z) => `${c.region}${z}`) },
  }));
