import { Construct } from "constructs";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { policyDocument, trustPolicy } from "./iam";

/** VPC flow logs, delivered to a CloudWatch Logs group of their own. */
export interface FlowLogsProps {
  /** Retention of the flow log group, in days (a value CloudWatch Logs accepts). */
  readonly retentionDays: number;
  /** Name of the IAM role the flow logs deliver with (unique in the account). */
  readonly roleName: string;
}
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
  /**
   * Record the VPC's traffic (accepted and rejected) to CloudWatch Logs.
   * @default - no flow logs
   */
  readonly flowLogs?: FlowLogsProps;
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
  /** The public subnets' route to the internet (internet-facing load balancers' addresses are mapped through it). */
  readonly internetGateway: InternetGateway;
  /** The flow log, when props.flowLogs asks for one. */
  readonly flowLog?: FlowLog;

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

    if (props.flowLogs) this.flowLog = this.addFlowLogs(props.name, props.flowLogs);

    this.internetGateway = new InternetGateway(this, "internet-gateway", {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-igw` },
    });
    const igw = this.internetGateway;

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
    this.publicSubnets.forEach((subnet, i) => new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id }));
    this.privateSubnets.forEach((subnet, i) => new RouteTableAssociation(this, `private-${i}-routes`, { subnetId: subnet.id, routeTableId: privateRoutes.id }));
  }

  /**
   * Flow logs of the whole VPC to CloudWatch Logs rather than S3: the control-plane logs are there
   * already (one place to search, Logs Insights), retention is a setting of the group, and no
   * bucket needs its own hardening (public access block, versioning, access logs). The role may
   * only write to this one group.
   */
  private addFlowLogs(name: string, props: FlowLogsProps): FlowLog {
    const logGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/aws/vpc/${name}/flow-logs`,
      retentionInDays: props.retentionDays,
    });
    const role = new IamRole(this, "flow-logs-role", {
      name: props.roleName,
      description: `VPC flow logs of ${name} to CloudWatch Logs`,
      assumeRolePolicy: trustPolicy("vpc-flow-logs.amazonaws.com"),
    });
    const delivery = new IamRolePolicy(this, "flow-logs-delivery", {
      name: "deliver-flow-logs",
      role: role.id,
      policy: policyDocument([
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
          Resource: [logGroup.arn, `${logGroup.arn}:*`],
        },
      ]),
    });
    return new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 600,
      tags: { Name: `${name}-flow-logs` },
      dependsOn: [delivery],
    });
  }
}
