import type { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import type { Addon } from "./addons";
import { ClusterAddons } from "./cluster/addons";
import { type EcrRepositoryRef, teamOutputs, teamRegistries } from "./cluster/team-registries";
import { ClusterAccess } from "./constructs/aws/cluster-access";
import { ClusterDns } from "./constructs/aws/cluster-dns";
import { EcrRepository } from "./constructs/aws/ecr-repository";
import { EksCluster } from "./constructs/aws/eks-cluster";
import { LoadBalancerCleanup } from "./constructs/aws/load-balancer-cleanup";
import { ManagedNodeGroup } from "./constructs/aws/managed-node-group";
import { Network } from "./constructs/aws/network";
import { flowLogsRoleName, nodeGroupName } from "./naming";
import { ProjectStack, type ProjectStackProps } from "./project-stack";
import { awsDefaultTags } from "./tags";
import type { ClusterSettings, GitLabSettings } from "./settings/schema";

export type { EcrRepositoryRef } from "./cluster/team-registries";

/** Where the single app's ECR repository was before apps became a list (cdktf logical ids). */
export const LEGACY_ECR_ADDRESSES = {
  repository: "aws_ecr_repository.ecr_repository_795B33D4",
  lifecycle: "aws_ecr_lifecycle_policy.ecr_lifecycle_BEFBC548",
} as const;

export interface ClusterStackProps extends ProjectStackProps {
  /** One validated cluster entry of the settings. */
  readonly cluster: ClusterSettings;
  /**
   * The GitLab instance the teams' CI roles trust (its baseUrl) and where its IAM OIDC provider
   * comes from (awsOidcProvider). Read only when a team has ECR repositories.
   * @default - none: a team with ECR repositories is then an error
   */
  readonly gitlab?: Pick<GitLabSettings, "baseUrl" | "awsOidcProvider">;
  /**
   * ARN of the GitLab OIDC provider an earlier cluster stack created: an account holds one
   * provider per URL. A cross-stack reference, so cdktf deploys that stack first.
   * @default - created here (awsOidcProvider "create") or read by URL ("existing"), when a team has ECR repositories
   */
  readonly gitlabOidcProviderArn?: string;
  /**
   * The add-ons, in order (a test gives its own).
   * @default ADDONS (stacks/addons/index.ts)
   */
  readonly addons?: readonly Addon[];
}

/** What a cluster's AWS stack gives its GitOps stack (cross-stack references); ClusterStack implements it. */
export interface ClusterOutputs {
  readonly clusterName: string;
  /** Kubernetes API endpoint (https URL). */
  readonly clusterEndpoint: string;
  /** Base64-encoded PEM of the cluster CA, as EKS returns it. */
  readonly clusterCaData: string;
  /** Each app's ECR repository, by app name. */
  readonly ecrRepositories: Readonly<Record<string, EcrRepositoryRef>>;
  /** ARN of each team's image reader role (IRSA), by team name: teams with ECR repositories only. */
  readonly teamImageReaderRoleArns: Readonly<Record<string, string>>;
  /** The cluster's DNS zone and certificate, for a cluster with `dns`. */
  readonly dns?: ClusterDnsOutputs;
}

/** What the GitOps stack needs to serve a cluster's exposed apps (clusters[].dns). */
export interface ClusterDnsOutputs {
  /** The VPC the load balancers go in (the load balancer controller's --aws-vpc-id). */
  readonly vpcId: string;
  readonly zoneId: string;
  /** ARN of the exposed hosts' certificate once issued; undefined when no app is exposed. */
  readonly certificateArn?: string;
}

/**
 * Everything AWS for one cluster: network, control plane, access, add-ons, nodes, the
 * ECR repository of each app, and each team's ECR repositories with the role its GitLab CI pushes
 * with. Its public fields are what other stacks read (as cross-stack references).
 */
export class ClusterStack extends ProjectStack implements ClusterOutputs {
  readonly clusterName: string;
  readonly clusterEndpoint: string;
  readonly clusterCaData: string;
  readonly ecrRepositories: Readonly<Record<string, EcrRepositoryRef>>;
  /** Each team's ECR repositories, by team name and repository name (empty for a team without any). */
  readonly teamEcrRepositories: Readonly<Record<string, Readonly<Record<string, EcrRepositoryRef>>>>;
  /** ARN of each team's CI role, by team name; only teams with ECR repositories have one. */
  readonly teamCiRoleArns: Readonly<Record<string, string>>;
  /** ARN of each team's image reader role (IRSA), by team name; only teams with ECR repositories have one. */
  readonly teamImageReaderRoleArns: Readonly<Record<string, string>>;
  /**
   * ARN of the GitLab OIDC provider the teams' CI roles trust (created here, passed in or read);
   * undefined when no team of the cluster has ECR repositories.
   */
  readonly gitlabOidcProviderArn?: string;
  readonly dns?: ClusterDnsOutputs;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const { cluster } = props;

    new AwsProvider(this, "aws", {
      region: cluster.region,
      defaultTags: [{ tags: awsDefaultTags(cluster) }],
    });
    const partition = new DataAwsPartition(this, "partition").partition;
    const caller = new DataAwsCallerIdentity(this, "caller");

    const network = new Network(this, "network", {
      name: cluster.name,
      vpcCidr: cluster.network.vpcCidr,
      availabilityZones: cluster.network.availabilityZones,
      publicSubnetCidrs: cluster.network.publicSubnets,
      privateSubnetCidrs: cluster.network.privateSubnets,
      flowLogs: cluster.network.flowLogs.enabled
        ? { retentionDays: cluster.network.flowLogs.retentionDays, roleName: flowLogsRoleName(cluster.name) }
        : undefined,
    });
    const privateSubnetIds = network.privateSubnets.map((s) => s.id);

    const eks = new EksCluster(this, "eks", {
      deletionProtection: cluster.eks.deletionProtection,
      name: cluster.name,
      kubernetesVersion: cluster.eks.kubernetesVersion,
      supportType: cluster.eks.supportType,
      subnetIds: privateSubnetIds,
      endpointPublicAccess: cluster.eks.endpointPublicAccess,
      publicAccessCidrs: cluster.eks.publicAccessCidrs,
      logTypes: cluster.eks.logTypes,
      logRetentionDays: cluster.eks.logRetentionDays,
      partition,
      accountId: caller.accountId,
    });
    // Reference the cluster resource's name so everything below waits for the control plane.
    const clusterName = eks.cluster.name;

    new ClusterAccess(this, "access", {
      clusterName,
      partition,
      adminPrincipalArns: cluster.eks.adminPrincipalArns,
      viewerPrincipalArns: cluster.eks.viewerPrincipalArns,
      grantDeployer: cluster.eks.grantDeployerAdmin,
      callerArn: caller.arn,
    });

    // The DNS zone and the certificate of the exposed apps' hosts (clusters[].dns), before the
    // add-ons: ExternalDNS's role may change records in that zone only.
    const dns = cluster.dns
      ? new ClusterDns(this, "dns", {
          zoneName: cluster.dns.zoneName,
          zoneId: cluster.dns.zoneId,
          hosts: cluster.apps.flatMap((app) => (app.expose ? [app.expose.host] : [])),
        })
      : undefined;
    if (dns) {
      this.dns = { vpcId: network.vpc.id, zoneId: dns.zoneId, certificateArn: dns.certificateArn };
      // With exposed apps, the destroy deletes what the load balancer controller left before the network goes.
      new LoadBalancerCleanup(this, "load-balancer-cleanup", {
        clusterName: cluster.name,
        region: cluster.region,
        dependsOn: [network.vpc, ...network.publicSubnets, ...network.privateSubnets, network.natGateway, network.internetGateway],
      });
    }

    // The add-ons by phase (stacks/addons/): the node group waits for the early ones, the others for it.
    const addons = new ClusterAddons(this, {
      cluster,
      clusterName,
      clusterArn: eks.cluster.arn,
      accountId: caller.accountId,
      partition,
      zoneArn: dns?.zoneArn,
      addons: props.addons,
    });
    const earlyAddons = addons.beforeNodes();

    const nodes = new ManagedNodeGroup(this, "nodes", {
      clusterName,
      clusterAtPlan: eks.atPlan,
      nodeGroupName: nodeGroupName(cluster.name, cluster.nodeGroup.name),
      subnetIds: privateSubnetIds,
      amiType: cluster.nodeGroup.amiType,
      capacityType: cluster.nodeGroup.capacityType,
      instanceTypes: cluster.nodeGroup.instanceTypes,
      minSize: cluster.nodeGroup.minSize,
      desiredSize: cluster.nodeGroup.desiredSize,
      maxSize: cluster.nodeGroup.maxSize,
      diskSizeGiB: cluster.nodeGroup.diskSizeGiB,
      kubernetesVersion: eks.cluster.version,
      releaseVersion: this.amiReleaseVersion(cluster),
      partition,
      instanceTags: awsDefaultTags(cluster),
      dependsOn: earlyAddons,
    });

    addons.afterNodes(nodes.nodeGroup);

    this.ecrRepositories = Object.fromEntries(
      cluster.apps.map((app, i) => {
        const ecr = new EcrRepository(this, `ecr-${app.name}`, {
          repositoryName: app.ecr.repositoryName,
          keepImages: app.ecr.keepImages,
          untaggedExpiryDays: app.ecr.untaggedExpiryDays,
          forceDelete: app.ecr.forceDelete,
        });
        // Deployments from before apps were a list have the first app's repository at the single
        // repository's address: move it (a new address alone would delete the repository and its images).
        if (i === 0) ecr.moveFrom(LEGACY_ECR_ADDRESSES);
        return [app.name, { url: ecr.repository.repositoryUrl, arn: ecr.repository.arn }];
      }),
    );

    // Teams: their own repositories, and a role their own GitLab CI pushes to them with.
    const teams = teamRegistries(this, {
      cluster,
      stackId: id,
      gitlab: props.gitlab,
      gitlabOidcProviderArn: props.gitlabOidcProviderArn,
      clusterIssuerUrl: eks.cluster.identity.get(0).oidc.get(0).issuer,
    });
    this.teamEcrRepositories = teams.teamEcrRepositories;
    this.teamCiRoleArns = teams.teamCiRoleArns;
    this.teamImageReaderRoleArns = teams.teamImageReaderRoleArns;
    this.gitlabOidcProviderArn = teams.gitlabOidcProviderArn;

    this.clusterName = clusterName;
    this.clusterEndpoint = eks.cluster.endpoint;
    this.clusterCaData = eks.cluster.certificateAuthority.get(0).data;

    new TerraformOutput(this, "cluster_name", { value: clusterName, description: "EKS cluster name" });
    new TerraformOutput(this, "cluster_endpoint", { value: this.clusterEndpoint, description: "Kubernetes API endpoint" });
    new TerraformOutput(this, "cluster_certificate_authority_data", {
      value: this.clusterCaData,
      description: "Base64 PEM of the cluster CA",
    });
    new TerraformOutput(this, "region", { value: cluster.region, description: "AWS region of the cluster" });
    new TerraformOutput(this, "ecr_repository_urls", {
      value: Object.fromEntries(Object.entries(this.ecrRepositories).map(([app, repository]) => [app, repository.url])),
      description: "Where each app's image is pushed, by app name",
    });
    teamOutputs(this, cluster, teams);
    new TerraformOutput(this, "kubeconfig_command", {
      value: `aws eks update-kubeconfig --name ${clusterName} --region ${cluster.region}`,
      description: "Adds this cluster to your kubeconfig",
    });
  }

  /**
   * The nodes' AMI release: none (EKS keeps what the group was created with), an explicit one, or
   * with "latest" the newest EKS publishes in SSM for the Kubernetes version and AMI family, read
   * at each plan: the one deliberate way this stack follows a release by itself.
   */
  private amiReleaseVersion(cluster: ClusterSettings): string | undefined {
    const wanted = cluster.nodeGroup.amiReleaseVersion;
    if (wanted !== "latest") return wanted;
    return new DataAwsSsmParameter(this, "node-ami-release", { name: amiReleaseParameter(cluster.nodeGroup.amiType, cluster.eks.kubernetesVersion) })
      .insecureValue;
  }
}

/** The SSM parameter in which EKS publishes the newest AMI release of an AMI family for a Kubernetes version. */
export function amiReleaseParameter(amiType: ClusterSettings["nodeGroup"]["amiType"], kubernetesVersion: string): string {
  const arch = amiType.includes("ARM_64") ? "arm64" : "x86_64";
  return amiType.startsWith("BOTTLEROCKET")
    ? `/aws/service/bottlerocket/aws-k8s-${kubernetesVersion}/${arch}/latest/image_version`
    : `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${arch}/standard/recommended/release_version`;
}
