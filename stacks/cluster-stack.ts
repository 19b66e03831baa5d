import { Construct } from "constructs";
import { ITerraformDependable, TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { ClusterAccess } from "./constructs/aws/cluster-access";
import { EcrRepository } from "./constructs/aws/ecr-repository";
import { EksAddon } from "./constructs/aws/eks-addon";
import { EksCluster } from "./constructs/aws/eks-cluster";
import { clusterAutoscalerPolicy, managedPolicyArn } from "./constructs/aws/iam";
import { ManagedNodeGroup } from "./constructs/aws/managed-node-group";
import { Network } from "./constructs/aws/network";
import { PodIdentityRole } from "./constructs/aws/pod-identity-role";
import type { ClusterOutputs, EcrRepositoryRef } from "./gitops-stack";
import { CLUSTER_AUTOSCALER, nodeGroupName } from "./naming";
import { ProjectStack, type ProjectStackProps } from "./project-stack";
import { awsDefaultTags } from "./tags";
import type { ClusterSettings } from "./settings/schema";

/**
 * Add-ons the first nodes need to become Ready, all DaemonSets (ACTIVE with no node yet): the VPC
 * CNI, kube-proxy (the CNI reaches the API server through the cluster service IP, which only
 * kube-proxy routes; without it aws-node crash-loops and the nodes stay NotReady) and the Pod
 * Identity agent (credentials for pods from their first start).
 */
export const ADDONS_BEFORE_NODES = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"] as const;
/**
 * Add-ons that run Deployments, so they stay DEGRADED until nodes exist. metrics-server (for
 * `kubectl top` and HorizontalPodAutoscalers) is an EKS community add-on: versioned, upgraded and
 * removed like the others, with no chart to track and no IAM.
 */
export const ADDONS_AFTER_NODES = ["coredns", "aws-ebs-csi-driver", "metrics-server"] as const;


/** Where the single app's ECR repository was before apps became a list (cdktf logical ids). */
export const LEGACY_ECR_ADDRESSES = {
  repository: "aws_ecr_repository.ecr_repository_795B33D4",
  lifecycle: "aws_ecr_lifecycle_policy.ecr_lifecycle_BEFBC548",
} as const;

export interface ClusterStackProps extends ProjectStackProps {
  /** One validated cluster entry of the settings. */
  readonly cluster: ClusterSettings;
}

/**
 * Everything AWS for one cluster: network, control plane, access, add-ons, nodes and the
 * ECR repository of each app. Its public fields are what the GitOps stack reads
 * (as cross-stack references).
 */
export class ClusterStack extends ProjectStack implements ClusterOutputs {
  readonly clusterName: string;
  readonly clusterEndpoint: string;
  readonly clusterCaData: string;
  readonly ecrRepositories: Readonly<Record<string, EcrRepositoryRef>>;

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
    });
    const privateSubnetIds = network.privateSubnets.map((s) => s.id);

    const eks = new EksCluster(this, "eks", {
      name: cluster.name,
      kubernetesVersion: cluster.eks.kubernetesVersion,
      supportType: cluster.eks.supportType,
      subnetIds: privateSubnetIds,
      endpointPublicAccess: cluster.eks.endpointPublicAccess,
      publicAccessCidrs: cluster.eks.publicAccessCidrs,
      logTypes: cluster.eks.logTypes,
      logRetentionDays: cluster.eks.logRetentionDays,
      partition,
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

    const addon = (name: string, dependsOn: ITerraformDependable[] = []) =>
      new EksAddon(this, `addon-${name}`, {
        clusterName,
        kubernetesVersion: cluster.eks.kubernetesVersion,
        addonName: name,
        dependsOn,
      });
    const earlyAddons = ADDONS_BEFORE_NODES.map((name) => addon(name).addon);

    const nodes = new ManagedNodeGroup(this, "nodes", {
      clusterName,
      nodeGroupName: nodeGroupName(cluster.name, cluster.nodeGroup.name),
      subnetIds: privateSubnetIds,
      amiType: cluster.nodeGroup.amiType,
      capacityType: cluster.nodeGroup.capacityType,
      instanceTypes: cluster.nodeGroup.instanceTypes,
      minSize: cluster.nodeGroup.minSize,
      desiredSize: cluster.nodeGroup.desiredSize,
      maxSize: cluster.nodeGroup.maxSize,
      diskSizeGiB: cluster.nodeGroup.diskSizeGiB,
      partition,
      instanceTags: awsDefaultTags(cluster),
      dependsOn: earlyAddons,
    });

    // The EBS CSI controller gets real permissions (the walkthrough's add-on had none and never provisioned a volume).
    const ebsCsi = new PodIdentityRole(this, "ebs-csi-identity", {
      clusterName,
      namespace: "kube-system",
      serviceAccount: "ebs-csi-controller-sa",
      roleName: `${cluster.name}-ebs-csi-driver`,
      managedPolicyArns: [managedPolicyArn(partition, "service-role/AmazonEBSCSIDriverPolicy")],
    });
    // Node autoscaling (installed by Flux in the infrastructure layer): scales this cluster's node groups only.
    new PodIdentityRole(this, "cluster-autoscaler-identity", {
      clusterName,
      namespace: CLUSTER_AUTOSCALER.namespace,
      serviceAccount: CLUSTER_AUTOSCALER.serviceAccount,
      roleName: `${cluster.name}-cluster-autoscaler`,
      inlinePolicy: clusterAutoscalerPolicy({ partition, region: cluster.region, accountId: caller.accountId, clusterName: cluster.name }),
    });
    for (const name of ADDONS_AFTER_NODES) {
      addon(name, name === "aws-ebs-csi-driver" ? [nodes.nodeGroup, ebsCsi.association] : [nodes.nodeGroup]);
    }

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
    new TerraformOutput(this, "kubeconfig_command", {
      value: `aws eks update-kubeconfig --name ${clusterName} --region ${cluster.region}`,
      description: "Adds this cluster to your kubeconfig",
    });
  }
}
