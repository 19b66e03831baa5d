import { asList, blocks, textOf, type PolicyContext, type PolicyRule, type ResourceView } from "../context";

const nodeGroups = (ctx: PolicyContext) => ctx.ofType("aws_eks_node_group");

/** The launch templates a node group uses (none: EKS's own, which this policy cannot see into). */
function launchTemplatesOf(ctx: PolicyContext, group: ResourceView): ResourceView[] {
  return blocks(group.config.launch_template).flatMap((lt) => ctx.referenced(lt, "aws_launch_template"));
}

/** The subnets of this stack a node group launches nodes in. */
export function nodeSubnets(ctx: PolicyContext): ResourceView[] {
  return ctx.ofType("aws_subnet").filter((s) => nodeGroups(ctx).some((g) => ctx.refersTo(g.config.subnet_ids, s)));
}

/** Findings for node groups without a launch template of this stack, then `check` on each template used. */
function perLaunchTemplate(ctx: PolicyContext, what: string, check: (template: ResourceView) => string | undefined) {
  return nodeGroups(ctx).flatMap((group) => {
    const templates = launchTemplatesOf(ctx, group);
    if (templates.length === 0) return [{ node: group.construct, detail: `the node group has no launch template of this program, so ${what} is not enforced` }];
    return templates.flatMap((t) => {
      const detail = check(t);
      return detail ? [{ node: t.construct, detail }] : [];
    });
  });
}

const metadata = (t: ResourceView) => blocks(t.config.metadata_options)[0] ?? {};

export const NODE_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AWS_79",
    title: "node IMDSv2 required",
    fix: "set metadata_options.http_tokens to required in the nodes' launch template (ManagedNodeGroup does)",
    check: (ctx) =>
      perLaunchTemplate(ctx, "IMDSv2", (t) =>
        metadata(t).http_tokens === "required" ? undefined : "the launch template does not require IMDSv2 (http_tokens)",
      ),
  },
  {
    id: "CKV_AWS_341",
    title: "node metadata hop limit 1",
    fix: "set metadata_options.http_put_response_hop_limit to 1 in the nodes' launch template (ManagedNodeGroup does)",
    check: (ctx) =>
      perLaunchTemplate(ctx, "the metadata hop limit", (t) => {
        const limit = metadata(t).http_put_response_hop_limit;
        return limit === 1 ? undefined : `the metadata hop limit is ${limit === undefined ? "unset" : textOf(limit)}: pods could reach the node's credentials`;
      }),
  },
  {
    id: "CKV_AWS_100",
    title: "no SSH to nodes from anywhere",
    fix: "remove remote_access from the node group, or restrict it with source_security_group_ids",
    check: (ctx) =>
      nodeGroups(ctx)
        .filter((g) => blocks(g.config.remote_access).some((r) => !asList(r.source_security_group_ids).length))
        .map((g) => ({ node: g.construct, detail: "SSH to the nodes is open to 0.0.0.0/0 (remote_access without source security groups)" })),
  },
  {
    id: "CKV_AWS_8",
    title: "node volumes encrypted",
    fix: "set encrypted on every block device mapping of the nodes' launch template (ManagedNodeGroup does)",
    check: (ctx) =>
      perLaunchTemplate(ctx, "volume encryption", (t) => {
        const devices = blocks(t.config.block_device_mappings);
        const plain = devices.filter((d) => !blocks(d.ebs).some((e) => e.encrypted === true || e.encrypted === "true"));
        if (devices.length === 0) return "the launch template maps no volume, so the root volume is not encrypted by it";
        return plain.length > 0 ? `volumes ${plain.map((d) => String(d.device_name)).join(", ")} are not encrypted` : undefined;
      }),
  },
  {
    id: "EFG_NODES_PRIVATE_SUBNETS",
    title: "nodes only in private subnets",
    fix: "launch nodes in the private subnets (their default route goes through the NAT gateway)",
    check: (ctx) => {
      const gateways = ctx.ofType("aws_internet_gateway");
      return nodeSubnets(ctx)
        .filter((subnet) =>
          ctx
            .ofType("aws_route_table_association")
            .filter((a) => ctx.refersTo(a.config.subnet_id, subnet))
            .flatMap((a) => ctx.referenced(a.config.route_table_id, "aws_route_table"))
            .some((table) => blocks(table.config.route).some((route) => gateways.some((igw) => ctx.refersTo(route.gateway_id, igw)))),
        )
        .map((subnet) => ({ node: subnet.construct, detail: "nodes run in this subnet, which routes to an internet gateway (a public subnet)" }));
    },
  },
];
