import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { nodeRoleName } from "../../naming";
import { managedPolicyArn, trustPolicy } from "./iam";
import { type ClusterAtPlan, RunningNodeGroupSize } from "./running-node-group-size";

/**
 * Policies every EKS node needs: join the cluster and pull images from ECR (PullOnly: the
 * read-only policy also lists and describes every repository). The VPC CNI's permissions are not
 * here: the CNI has its own Pod Identity role, as AWS recommends, so no pod inherits them.
 */
export const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"] as const;

export interface ManagedNodeGroupProps {
  /** Cluster the nodes join (a reference to the cluster resource, so the group waits for it). */
  readonly clusterName: string;
  /**
   * The same cluster as the plan finds it: the running group's desired size is read through it, so
   * that a change of `minSize` or `maxSize` sends a desired size EKS accepts.
   */
  readonly clusterAtPlan: ClusterAtPlan;
  /** Node group name. */
  readonly nodeGroupName: string;
  /** Subnets the nodes are launched in (private). */
  readonly subnetIds: readonly string[];
  /** AMI family, e.g. AL2023_x86_64_STANDARD. */
  readonly amiType: string;
  /** SPOT or ON_DEMAND. */
  readonly capacityType: "SPOT" | "ON_DEMAND";
  /** Instance types, in order of preference. */
  readonly instanceTypes: readonly string[];
  /** Minimum node count. */
  readonly minSize: number;
  /** Node count at creation; later the autoscaler's count is kept (moved into [minSize, maxSize] when they change). */
  readonly desiredSize: number;
  /** Maximum node count. */
  readonly maxSize: number;
  /** Size in GiB of the volume containers use (gp3, encrypted): the root volume, or Bottlerocket's data volume. */
  readonly diskSizeGiB: number;
  /**
   * Kubernetes version of the nodes: the control plane's, as a reference, so that a version
   * change updates the nodes after the control plane (and after the add-ons they depend on).
   */
  readonly kubernetesVersion: string;
  /**
   * AMI release of the nodes (e.g. "1.35.0-20261104" for AL2023); a change rolls the nodes.
   * @default none: EKS takes the newest release when the group is created and keeps it
   */
  readonly releaseVersion?: string;
  /** AWS partition, for managed policy ARNs. */
  readonly partition: string;
  /**
   * Share of nodes replaced at once during an update (AMI or version): a rolling update, so the
   * others keep serving while one batch drains (respecting PodDisruptionBudgets).
   * @default 33
   */
  readonly maxUnavailablePercentage?: number;
  /**
   * Tags for the instances and volumes the launch template creates (default_tags do not reach them).
   * @default {}
   */
  readonly instanceTags?: Record<string, string>;
  /**
   * What must exist before nodes join (e.g. the vpc-cni add-on, or nodes stay NotReady).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * An EKS managed node group with its own launch template. The launch template is where the
 * root volume is sized (a node group `disk_size` is ignored once a launch template is used,
 * which is how the walkthrough's 50 GiB silently became 20) and where IMDSv2 is enforced
 * with a hop limit of 1, so pods cannot borrow the node's role.
 */
export class ManagedNodeGroup extends Construct {
  readonly nodeGroup: EksNodeGroup;
  readonly role: IamRole;
  readonly launchTemplate: LaunchTemplate;

  constructor(scope: Construct, id: string, props: ManagedNodeGroupProps) {
    super(scope, id);

    this.role = new IamRole(this, "role", {
      name: nodeRoleName(props.nodeGroupName),
      description: `Nodes of ${props.nodeGroupName} in ${props.clusterName}`,
      assumeRolePolicy: trustPolicy("ec2.amazonaws.com"),
    });
    const attachments = NODE_POLICIES.map(
      (policy) =>
        new IamRolePolicyAttachment(this, `policy-${policy}`, {
          role: this.role.name,
          policyArn: managedPolicyArn(props.partition, policy),
        }),
    );

    const instanceTags = { ...(props.instanceTags ?? {}), Name: props.nodeGroupName };
    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      namePrefix: `${props.nodeGroupName}-`,
      description: `Nodes of ${props.nodeGroupName}: IMDSv2 only, encrypted gp3 root volume`,
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        {
          // AL2023 runs containers on its root volume; Bottlerocket has a small OS volume (/dev/xvda)
          // and keeps containers and images on its data volume.
          deviceName: props.amiType.startsWith("BOTTLEROCKET") ? "/dev/xvdb" : "/dev/xvda",
          ebs: {
            volumeSize: props.diskSizeGiB,
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: [
        { resourceType: "instance", tags: instanceTags },
        { resourceType: "volume", tags: instanceTags },
      ],
      lifecycle: { createBeforeDestroy: true },
    });

    const namePrefix = `${props.nodeGroupName}-`;
    const running = new RunningNodeGroupSize(this, "running-size", { cluster: props.clusterAtPlan, nodeGroupNamePrefix: namePrefix });
    this.nodeGroup = new EksNodeGroup(this, "node-group", {
      clusterName: props.clusterName,
      // A prefix and create-before-destroy: a change that replaces the group (instance types,
      // capacity type, AMI type, disk) creates the new one first, and the old one is drained
      // only once new nodes exist. A fixed name would delete the old group first: an outage.
      nodeGroupNamePrefix: namePrefix,
      version: props.kubernetesVersion,
      ...(props.releaseVersion ? { releaseVersion: props.releaseVersion } : {}),
      nodeRoleArn: this.role.arn,
      subnetIds: [...props.subnetIds],
      amiType: props.amiType,
      capacityType: props.capacityType,
      instanceTypes: [...props.instanceTypes],
      launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.toString() },
      scalingConfig: {
        minSize: props.minSize,
        desiredSize: running.desiredSize({ initial: props.desiredSize, min: props.minSize, max: props.maxSize }),
        maxSize: props.maxSize,
      },
      updateConfig: { maxUnavailablePercentage: props.maxUnavailablePercentage ?? 33 },
      // No ignore_changes on the desired size: the running size is the configured one (see RunningNodeGroupSize).
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [...attachments, ...(props.dependsOn ?? [])],
    });
  }
}
