import { blocks, type PolicyRule } from "../context";
import { nodeSubnets } from "./nodes";

export const NETWORK_RULES: readonly PolicyRule[] = [
  {
    id: "CKV2_AWS_12",
    title: "default security group with no rules",
    fix: "adopt the VPC's default security group with aws_default_security_group and no ingress or egress (the Network construct does)",
    check: (ctx) =>
      ctx.ofType("aws_vpc").flatMap((vpc) => {
        const adopted = ctx.ofType("aws_default_security_group").filter((sg) => ctx.refersTo(sg.config.vpc_id, vpc));
        if (adopted.length === 0)
          return [{ node: vpc.construct, detail: "the VPC's default security group keeps AWS's allow rules (not adopted by aws_default_security_group)" }];
        return adopted
          .filter((sg) => blocks(sg.config.ingress).length > 0 || blocks(sg.config.egress).length > 0)
          .map((sg) => ({ node: sg.construct, detail: "the default security group has rules" }));
      }),
  },
  {
    id: "CKV_AWS_130",
    title: "no public IPs where nodes run",
    fix: "do not set map_public_ip_on_launch on the subnets the nodes use (public subnets are for the NAT gateway and load balancers)",
    check: (ctx) =>
      nodeSubnets(ctx)
        .filter((s) => s.config.map_public_ip_on_launch === true || s.config.map_public_ip_on_launch === "true")
        .map((s) => ({ node: s.construct, detail: "nodes run in this subnet and it gives every instance a public IP" })),
  },
  {
    id: "CKV2_AWS_11",
    title: "VPC flow logs",
    fix: "set settings.clusters[].network.flowLogs.enabled true",
    check: (ctx) =>
      ctx
        .ofType("aws_vpc")
        .filter((vpc) => !ctx.ofType("aws_flow_log").some((log) => ctx.refersTo(log.config.vpc_id, vpc)))
        .map((vpc) => ({ node: vpc.construct, detail: "the VPC has no flow log" })),
  },
];
