/*
 * The settings of a cluster's VPC (`clusters[].network`): its CIDR, zones, subnets and flow logs.
 * Whether the subnets lie in the VPC is a rule of the cluster (cluster-rules.ts), which knows the region too.
 */
import { z } from "zod";
import { cidr, LOG_RETENTION_DAYS } from "./common";

/**
 * The VPC CNI gives each node a primary ENI full of secondary addresses as soon as it joins (and keeps
 * one more ENI warm): for the default 2-vCPU types that is 12 to 24 addresses. 12 is the floor used to
 * check that the private subnets can hold maxSize nodes.
 */
export const ADDRESSES_PER_NODE = 12;
/** AWS keeps 5 addresses of every subnet. */
export const AWS_RESERVED_PER_SUBNET = 5;

/** VPCs and subnets: AWS allows /16 to /28. */
const awsCidr = (what: string, example: string) =>
  cidr.refine((v) => {
    const prefix = Number(v.split("/")[1]);
    return prefix >= 16 && prefix <= 28;
  }, `${what} from /16 to /28 (what AWS allows), e.g. ${example}`);

export const networkSchema = z
  .object({
    vpcCidr: awsCidr("a VPC CIDR", "10.0.0.0/16").default("10.0.0.0/16").describe("IPv4 CIDR of the VPC, /16 to /28 (what AWS allows)."),
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, "an availability zone name such as us-west-2a"))
      .min(2, "at least 2 availability zones (EKS requires subnets in two)")
      .max(6, "at most 6 availability zones")
      .optional()
      .meta({ defaultInWords: "the region's `a`, `b`, `c` zones" })
      .describe("Zones the subnets are spread over (2 to 6 distinct zones, in the cluster's region)."),
    publicSubnets: z
      .array(awsCidr("a subnet", "10.0.1.0/24"))
      .min(1, "at least one public subnet (the NAT gateway and internet-facing load balancers live there)")
      .default(["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"])
      .describe("Public subnets, round-robin over the zones; tagged `kubernetes.io/role/elb=1`."),
    privateSubnets: z
      .array(awsCidr("a subnet", "10.0.1.0/24"))
      .min(2, "at least two private subnets (EKS needs two zones)")
      .default(["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24", "10.0.6.0/24"])
      .describe(
        "Private subnets (nodes, control-plane ENIs), round-robin over the zones; tagged `kubernetes.io/role/internal-elb=1`. Must lie in the VPC and not overlap.",
      ),
    flowLogs: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            "VPC flow logs (accepted and rejected traffic) to the CloudWatch Logs group `/aws/vpc/<cluster>/flow-logs`, delivered with the role `<cluster>-vpc-flow-logs`. Off needs `policy.acceptedRisks` `CKV2_AWS_11` (see [Policy at synth](#policy-at-synth)).",
          ),
        retentionDays: z
          .number()
          .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), `one of ${LOG_RETENTION_DAYS.join(", ")}`)
          .default(30)
          .describe("Retention of the flow log group, in days (a value CloudWatch Logs accepts)."),
      })
      .strict()
      .prefault({}),
  })
  .strict();
