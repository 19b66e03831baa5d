import { Construct } from "constructs";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";

export interface NetworkProps {
  /** Prefix of every Name tag, usually the cluster name. */
  readonly name: string;
  /** IPv4 CIDR of the VPC. */
  readonly vpcCidr: string;
  /** Zones the subnets are spread over, in order (subnet i goes to zone i mod n). */
  readonly availabilityZones: readonly string[];
  /** Public subnets: NAT gateway and internet-facing load balancers. */
  readonly publicSubnetCidrs: readonly string[];
  /** Private subnets: nodes, pods and the control plane's network interfaces. */
  readonly privateSubnetCidrs: readonly string[];
}

/**
 * The walkthrough's VPC: public and private subnets over several zones, one internet
 * gateway and a single NAT gateway (cheap; one zone's outage cuts the others' egress).
 * Subnets carry the role tags the AWS Load Balancer Controller and the in-tree
 * service controller use to place load balancers.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnets: Subnet[];
  readonly privateSubnets: Subnet[];
  readonly natGateway: NatGateway;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const zoneOf = (i: number) => props.availabilityZones[i % props.availabilityZones.length];

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.vpcCidr,
      enableDnsHostnames: true, // EKS nodes and private endpoints need DNS hostnames
      enableDnsSupport: true,
      tags: { Name: `${props.name}-vpc` },
    });

    // Adopt the default security group and strip its allow-all rules, so nothing uses it by accident.
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: `${props.name}-default` },
    });

    const igw = new InternetGateway(this, "internet-gateway", {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-igw` },
    });

    this.publicSubnets = props.publicSubnetCidrs.map(
      (cidr, i) =>
        new Subnet(this, `public-${i}`, {
          vpcId: this.vpc.id,
          cidrBlock: cidr,
          availabilityZone: zoneOf(i),
          mapPublicIpOnLaunch: true,
          tags: { Name: `${props.name}-public-${i}-${zoneOf(i)}`, "kubernetes.io/role/elb": "1" },
        }),
    );
    this.privateSubnets = props.privateSubnetCidrs.map(
      (cidr, i) =>
        new Subnet(this, `private-${i}`, {
          vpcId: this.vpc.id,
          cidrBlock: cidr,
          availabilityZone: zoneOf(i),
          tags: { Name: `${props.name}-private-${i}-${zoneOf(i)}`, "kubernetes.io/role/internal-elb": "1" },
        }),
    );

    const eip = new Eip(this, "nat-eip", {
      domain: "vpc",
      tags: { Name: `${props.name}-nat` },
      dependsOn: [igw],
    });
    this.natGateway = new NatGateway(this, "nat-gateway", {
      allocationId: eip.allocationId,
      subnetId: this.publicSubnets[0].id,
      tags: { Name: `${props.name}-nat` },
      dependsOn: [igw],
    });

    const publicRoutes = new RouteTable(this, "public-route-table", {
      vpcId: this.vpc.id,
      route: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: { Name: `${props.name}-public` },
    });
    const privateRoutes = new RouteTable(this, "private-route-table", {
      vpcId: this.vpc.id,
      route: [{ cidrBlock: "0.0.0.0/0", natGatewayId: this.natGateway.id }],
      tags: { Name: `${props.name}-private` },
    });
    this.publicSubnets.forEach(
      (subnet, i) =>
        new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id }),
    );
    this.privateSubnets.forEach(
      (subnet, i) =>
        new RouteTableAssociation(this, `private-${i}-routes`, { subnetId: subnet.id, routeTableId: privateRoutes.id }),
    );
  }
}
