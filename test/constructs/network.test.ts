import type { Construct } from "constructs";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Network } from "../../stacks/constructs/aws/network";
import { resourcesOf, synthConstructRaw, type SynthesizedJson } from "../support";
import { address, findResource, ref } from "./find";

const ZONES = ["us-west-2a", "us-west-2b", "us-west-2c"];
const PUBLIC = ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"];
const PRIVATE = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24", "10.0.6.0/24"];

function walkthroughNetwork(scope: Construct): void {
  new Network(scope, "network", {
    name: "demo",
    vpcCidr: "10.0.0.0/16",
    availabilityZones: ZONES,
    publicSubnetCidrs: PUBLIC,
    privateSubnetCidrs: PRIVATE,
  });
}

describe("Network", () => {
  describe("GIVEN the walkthrough's layout: 10.0.0.0/16, 3 zones, 3 public and 6 private /24 subnets", () => {
    let raw: string;
    let json: SynthesizedJson;
    let vpcId: string;
    let igwId: string;
    let natId: string;

    beforeAll(() => {
      // WHEN the network is synthesized
      raw = synthConstructRaw(walkthroughNetwork);
      json = JSON.parse(raw) as SynthesizedJson;
      vpcId = findResource(json, "aws_vpc")[0];
      igwId = findResource(json, "aws_internet_gateway")[0];
      natId = findResource(json, "aws_nat_gateway")[0];
    });

    const subnetId = (cidr: string) => findResource(json, "aws_subnet", (s) => s.cidr_block === cidr)[0];

    test("THEN the VPC has the CIDR and DNS support and hostnames on", () => {
      expect(resourcesOf(json, "aws_vpc")).toHaveLength(1);
      expect(raw).toHaveResourceWithProperties(Vpc, {
        cidr_block: "10.0.0.0/16",
        enable_dns_support: true,
        enable_dns_hostnames: true,
        tags: { Name: "demo-vpc" },
      });
    });

    test("THEN there are 3 public subnets that map public IPs and carry kubernetes.io/role/elb=1", () => {
      const publicSubnets = resourcesOf(json, "aws_subnet").filter(([, s]) => s.map_public_ip_on_launch === true);
      expect(publicSubnets.map(([, s]) => s.cidr_block).sort()).toEqual([...PUBLIC].sort());
      for (const [, subnet] of publicSubnets) {
        expect(subnet.tags).toEqual(expect.objectContaining({ "kubernetes.io/role/elb": "1" }));
        expect(subnet.tags).not.toHaveProperty(["kubernetes.io/role/internal-elb"]);
        expect(subnet.vpc_id).toBe(ref("aws_vpc", vpcId, "id"));
      }
    });

    test("THEN there are 6 private subnets, without public IPs, tagged kubernetes.io/role/internal-elb=1", () => {
      const privateSubnets = resourcesOf(json, "aws_subnet").filter(([, s]) => s.map_public_ip_on_launch !== true);
      expect(privateSubnets.map(([, s]) => s.cidr_block).sort()).toEqual([...PRIVATE].sort());
      for (const [, subnet] of privateSubnets) {
        expect(subnet.tags).toEqual(expect.objectContaining({ "kubernetes.io/role/internal-elb": "1" }));
        expect(subnet.tags).not.toHaveProperty(["kubernetes.io/role/elb"]);
        expect(subnet.vpc_id).toBe(ref("aws_vpc", vpcId, "id"));
      }
    });

    test.each([...PUBLIC.map((cidr, i) => [cidr, ZONES[i % 3]]), ...PRIVATE.map((cidr, i) => [cidr, ZONES[i % 3]])])(
      "THEN subnet %s is in zone %s (round-robin over the zones)",
      (cidr, zone) => {
        expect(raw).toHaveResourceWithProperties(Subnet, { cidr_block: cidr, availability_zone: zone });
      },
    );

    test("THEN each zone gets 1 public and 2 private subnets", () => {
      for (const zone of ZONES) {
        const inZone = resourcesOf(json, "aws_subnet").filter(([, s]) => s.availability_zone === zone);
        expect(inZone.filter(([, s]) => s.map_public_ip_on_launch === true)).toHaveLength(1);
        expect(inZone.filter(([, s]) => s.map_public_ip_on_launch !== true)).toHaveLength(2);
      }
    });

    test("THEN there is exactly one internet gateway, in the VPC", () => {
      expect(resourcesOf(json, "aws_internet_gateway")).toHaveLength(1);
      expect(raw).toHaveResourceWithProperties(InternetGateway, { vpc_id: ref("aws_vpc", vpcId, "id") });
    });

    test("THEN there is exactly one NAT gateway, in the first public subnet, using an Elastic IP", () => {
      expect(resourcesOf(json, "aws_nat_gateway")).toHaveLength(1);
      expect(resourcesOf(json, "aws_eip")).toHaveLength(1);
      const [eipId] = findResource(json, "aws_eip");
      expect(raw).toHaveResourceWithProperties(Eip, { domain: "vpc" });
      expect(raw).toHaveResourceWithProperties(NatGateway, {
        subnet_id: ref("aws_subnet", subnetId(PUBLIC[0]), "id"),
        allocation_id: ref("aws_eip", eipId, "allocation_id"),
      });
    });

    test("THEN the EIP and the NAT gateway wait for the internet gateway", () => {
      expect(findResource(json, "aws_eip")[1].depends_on).toEqual([address("aws_internet_gateway", igwId)]);
      expect(findResource(json, "aws_nat_gateway")[1].depends_on).toEqual([address("aws_internet_gateway", igwId)]);
    });

    test("THEN the public route table sends 0.0.0.0/0 to the internet gateway", () => {
      expect(raw).toHaveResourceWithProperties(RouteTable, {
        vpc_id: ref("aws_vpc", vpcId, "id"),
        route: [expect.objectContaining({ cidr_block: "0.0.0.0/0", gateway_id: ref("aws_internet_gateway", igwId, "id"), nat_gateway_id: null })],
      });
    });

    test("THEN the private route table sends 0.0.0.0/0 to the NAT gateway", () => {
      expect(raw).toHaveResourceWithProperties(RouteTable, {
        vpc_id: ref("aws_vpc", vpcId, "id"),
        route: [expect.objectContaining({ cidr_block: "0.0.0.0/0", nat_gateway_id: ref("aws_nat_gateway", natId, "id"), gateway_id: null })],
      });
      expect(resourcesOf(json, "aws_route_table")).toHaveLength(2);
    });

    test("THEN 9 route table associations tie public subnets to the public table and private ones to the private table", () => {
      const associations = resourcesOf(json, "aws_route_table_association").map(([, a]) => a);
      expect(associations).toHaveLength(9);
      const [publicTable] = findResource(json, "aws_route_table", (t) => t.route[0].gateway_id !== null);
      const [privateTable] = findResource(json, "aws_route_table", (t) => t.route[0].nat_gateway_id !== null);
      const subnetsOf = (table: string) =>
        associations
          .filter((a) => a.route_table_id === ref("aws_route_table", table, "id"))
          .map((a) => a.subnet_id)
          .sort();
      expect(subnetsOf(publicTable)).toEqual(PUBLIC.map((c) => ref("aws_subnet", subnetId(c), "id")).sort());
      expect(subnetsOf(privateTable)).toEqual(PRIVATE.map((c) => ref("aws_subnet", subnetId(c), "id")).sort());
    });

    test("THEN the default security group is adopted with no ingress and no egress rules", () => {
      expect(resourcesOf(json, "aws_default_security_group")).toHaveLength(1);
      expect(raw).toHaveResourceWithProperties(DefaultSecurityGroup, {
        vpc_id: ref("aws_vpc", vpcId, "id"),
        ingress: [],
        egress: [],
      });
    });
  });

  describe("GIVEN two zones and three private subnets", () => {
    test("WHEN synthesized THEN the third private subnet wraps around to the first zone", () => {
      const raw = synthConstructRaw((scope) => {
        new Network(scope, "network", {
          name: "small",
          vpcCidr: "172.16.0.0/16",
          availabilityZones: ["eu-west-1a", "eu-west-1b"],
          publicSubnetCidrs: ["172.16.100.0/24"],
          privateSubnetCidrs: ["172.16.1.0/24", "172.16.2.0/24", "172.16.3.0/24"],
        });
      });
      expect(raw).toHaveResourceWithProperties(Subnet, { cidr_block: "172.16.1.0/24", availability_zone: "eu-west-1a" });
      expect(raw).toHaveResourceWithProperties(Subnet, { cidr_block: "172.16.2.0/24", availability_zone: "eu-west-1b" });
      expect(raw).toHaveResourceWithProperties(Subnet, { cidr_block: "172.16.3.0/24", availability_zone: "eu-west-1a" });
      expect(raw).toHaveResourceWithProperties(Vpc, { cidr_block: "172.16.0.0/16" });
    });
  });
});

describe("Network subnet names", () => {
  test("GIVEN two subnets per zone WHEN synthesized THEN every subnet has a distinct Name tag", () => {
    const json = JSON.parse(synthConstructRaw(walkthroughNetwork)) as SynthesizedJson;
    const names = resourcesOf(json, "aws_subnet").map(([, s]) => s.tags.Name as string);
    expect(names).toHaveLength(9);
    expect(new Set(names).size).toBe(9);
    expect(names).toContain("demo-private-3-us-west-2a");
  });
});

describe("Network flow logs", () => {
  const build = (flowLogs?: { retentionDays: number; roleName: string }) =>
    JSON.parse(
      synthConstructRaw(
        (scope) =>
          new Network(scope, "network", {
            name: "demo",
            vpcCidr: "10.0.0.0/16",
            availabilityZones: ZONES,
            publicSubnetCidrs: PUBLIC,
            privateSubnetCidrs: PRIVATE,
            flowLogs,
          }),
      ),
    ) as SynthesizedJson;

  test("GIVEN flow logs kept 30 days WHEN synthesized THEN all the VPC's traffic goes to its own log group, delivered by a role that may write only there", () => {
    const json = build({ retentionDays: 30, roleName: "demo-vpc-flow-logs" });
    const [vpcId] = findResource(json, "aws_vpc");
    const [groupId, group] = findResource(json, "aws_cloudwatch_log_group");
    const [roleId, role] = findResource(json, "aws_iam_role");
    const [policyId, policy] = findResource(json, "aws_iam_role_policy");
    const [, flowLog] = findResource(json, "aws_flow_log");
    expect(group).toMatchObject({ name: "/aws/vpc/demo/flow-logs", retention_in_days: 30 });
    expect(flowLog).toMatchObject({
      vpc_id: ref("aws_vpc", vpcId, "id"),
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: ref("aws_cloudwatch_log_group", groupId, "arn"),
      iam_role_arn: ref("aws_iam_role", roleId, "arn"),
      depends_on: [address("aws_iam_role_policy", policyId)],
    });
    expect(role.name).toBe("demo-vpc-flow-logs");
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "vpc-flow-logs.amazonaws.com" });
    expect(JSON.parse(policy.policy).Statement.map((s: { Resource: string[] }) => s.Resource)).toEqual([
      [ref("aws_cloudwatch_log_group", groupId, "arn"), `${ref("aws_cloudwatch_log_group", groupId, "arn")}:*`],
    ]);
  });

  test("GIVEN no flow logs WHEN synthesized THEN there is no flow log, log group or role", () => {
    const json = build();
    for (const type of ["aws_flow_log", "aws_cloudwatch_log_group", "aws_iam_role"]) expect(resourcesOf(json, type)).toHaveLength(0);
  });
});
