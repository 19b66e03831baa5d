/*
 * The settings of a cluster's managed node group (`clusters[].nodeGroup`): name, AMI, capacity,
 * instance types, sizes and disk; and the rule that the sizes are in order.
 */
import { z } from "zod";
import { dnsLabel } from "./common";
import { refuse, type RuleContext } from "./rules";

/**
 * Diversified Spot pools of one size, as AWS recommends: 2 vCPU and 8 GiB in six families (Intel
 * and AMD, burstable and general purpose), so the group keeps finding capacity when one pool is
 * reclaimed. All x86_64, for the default AMI type.
 */
export const DEFAULT_INSTANCE_TYPES = ["t3.large", "t3a.large", "m5.large", "m5a.large", "m6i.large", "m6a.large"] as const;

/** AL2 AMIs stopped on 2025-11-26, so only AL2023 and Bottlerocket families are offered. */
export const AMI_TYPES = ["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"] as const;

/** Nodes per EKS managed node group (an EKS service quota). */
const MAX_NODES = 450;
const NODE_COUNT = `an integer from 0 to ${MAX_NODES} (EKS's limit per managed node group)`;
const MAX_NODE_COUNT = `an integer from 1 to ${MAX_NODES} (EKS's limit per managed node group)`;

/**
 * Refuses sizes out of order: minSize above maxSize (reported on minSize, the one cause), else a
 * desiredSize outside minSize..maxSize, which EKS would refuse at apply.
 */
export function nodeCountsInOrder(g: { readonly minSize: number; readonly desiredSize: number; readonly maxSize: number }, ctx: RuleContext): void {
  if (g.minSize > g.maxSize) {
    refuse(ctx, ["minSize"], g.minSize, `at most maxSize (${g.maxSize})`);
  } else if (!(g.minSize <= g.desiredSize && g.desiredSize <= g.maxSize)) {
    refuse(ctx, ["desiredSize"], g.desiredSize, `a number from minSize (${g.minSize}) to maxSize (${g.maxSize})`);
  }
}

export const nodeGroupSchema = z
  .object({
    name: dnsLabel("node group name", 38)
      .default("default")
      .describe(
        "Node group name, prefixed with the cluster name: at most 38 characters, lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit; and the cluster name and the node group name together at most 58 characters, since the node IAM role `<cluster>-<node group>-node` is limited to 64 (a 32-character cluster name leaves 26).",
      ),
    amiType: z
      .enum(AMI_TYPES, `one of ${AMI_TYPES.join(", ")} (AL2 AMIs are no longer published)`)
      .default("AL2023_x86_64_STANDARD")
      .describe("AL2023 or Bottlerocket AMI family (AL2 is no longer published)."),
    capacityType: z.enum(["SPOT", "ON_DEMAND"], "SPOT or ON_DEMAND").default("SPOT").describe("`SPOT` or `ON_DEMAND`."),
    instanceTypes: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "an EC2 instance type such as t3.large"))
      .min(1, "at least one instance type")
      .default([...DEFAULT_INSTANCE_TYPES])
      .describe(
        "Instance types of one size (2 vCPU, 8 GiB) from six families: SPOT draws from every pool, so one type being reclaimed does not stop the group.",
      ),
    // Bounds before int(): an absurd value is reported with EKS's limit, not the safe-integer one.
    minSize: z.number().min(0, NODE_COUNT).max(MAX_NODES, NODE_COUNT).int().default(1).describe("Minimum nodes."),
    desiredSize: z
      .number()
      .min(0, NODE_COUNT)
      .max(MAX_NODES, NODE_COUNT)
      .int()
      .default(1)
      .describe("Nodes at creation; afterwards owned by the Cluster Autoscaler (each plan keeps the running count, moved into `minSize`..`maxSize`)."),
    maxSize: z
      .number()
      .min(1, MAX_NODE_COUNT)
      .max(MAX_NODES, MAX_NODE_COUNT)
      .int()
      .default(4)
      .describe(
        "Maximum nodes (EKS allows at most 450 per managed node group), and at most what the private subnets hold: their addresses less AWS's 5 per subnet, 12 per node (a node's VPC CNI addresses; the defaults hold 125).",
      ),
    diskSizeGiB: z
      .number()
      .int()
      .min(20, "an integer from 20 to 16384")
      .max(16384, "an integer from 20 to 16384")
      .default(50)
      .describe(
        "Volume for containers and images (gp3, encrypted), set in the launch template: the root volume on AL2023, the data volume `/dev/xvdb` on Bottlerocket.",
      ),
    amiReleaseVersion: z
      .string()
      .regex(/^(latest|\d+\.\d+\.\d+-[0-9a-z]+)$/, "latest, or an AMI release such as 1.35.0-20261104 (AL2023) or 1.50.0-1d3a8a5f (Bottlerocket)")
      .optional()
      .meta({ defaultInWords: "unset: the release the group was created with" })
      .describe(
        "AMI release of the nodes: `latest` follows the newest EKS publishes in SSM for `kubernetesVersion` (read at each plan), a release such as `1.35.0-20261104` pins it. A change rolls the nodes (see [Operating the cluster](#operating-the-cluster)).",
      ),
  })
  .strict()
  .superRefine(nodeCountsInOrder);
