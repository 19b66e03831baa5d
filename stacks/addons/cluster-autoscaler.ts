import { policyDocument } from "../constructs/aws/iam";
import { type AddonPolicyContext, chartTemplateValues, type FluxAddonUnit } from "./addon";

/*
 * The Cluster Autoscaler, installed by Flux in the infrastructure layer
 * (config_files/infrastructure/cluster-autoscaler.yaml): it scales this cluster's node groups only.
 * Its chart and image move only with a reviewed change of this file (and the plan shows it), never
 * by themselves.
 */

/** The official chart (github.com/kubernetes/autoscaler, cluster-autoscaler/charts). */
const CHART = {
  repository: "https://kubernetes.github.io/autoscaler",
  name: "cluster-autoscaler",
  /** The newest chart in July 2026; it ships autoscaler v1.35.0 by default. */
  version: "9.59.0",
} as const;

/**
 * The image per Kubernetes minor version: the autoscaler's minor must match the control plane's
 * (its README, "Releases"). A Kubernetes version missing here is refused by the settings.
 */
const IMAGE_TAGS: Readonly<Record<string, string>> = {
  "1.33": "v1.33.0",
  "1.34": "v1.34.2",
  "1.35": "v1.35.0",
};

/** Its service account: the cluster stack's Pod Identity association and the HelmRelease name the same one. */
const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "cluster-autoscaler";

/**
 * What the Cluster Autoscaler needs on AWS, for one cluster: the read calls it makes on "*"
 * (they have no resource-level permissions), its node groups described by ARN, and the two
 * calls that change capacity only on Auto Scaling groups tagged as this cluster's (EKS tags a
 * managed node group's group with k8s.io/cluster-autoscaler/<cluster> = owned).
 */
export function clusterAutoscalerPolicy(props: AddonPolicyContext): string {
  return policyDocument([
    {
      Sid: "ReadScalingState",
      Effect: "Allow",
      Action: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeTags",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
      ],
      Resource: "*",
    },
    {
      Sid: "DescribeOwnNodeGroups",
      Effect: "Allow",
      Action: "eks:DescribeNodegroup",
      Resource: `arn:${props.partition}:eks:${props.region}:${props.accountId}:nodegroup/${props.clusterName}/*/*`,
    },
    {
      Sid: "ScaleOwnNodeGroups",
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${props.clusterName}`]: "owned" } },
    },
  ]);
}

/** Node autoscaling: grows and shrinks the managed node group between its minSize and maxSize. */
export const clusterAutoscaler: FluxAddonUnit = {
  name: "cluster-autoscaler",
  title: "Cluster Autoscaler",
  installedBy: "flux",
  phase: "infrastructure-layer",
  templateFile: "cluster-autoscaler.yaml",
  chart: CHART,
  imageTags: IMAGE_TAGS,
  identity: {
    id: "cluster-autoscaler-identity",
    namespace: NAMESPACE,
    serviceAccount: SERVICE_ACCOUNT,
    roleName: (cluster) => `${cluster}-cluster-autoscaler`,
    inlinePolicy: clusterAutoscalerPolicy,
  },
  templateValues: (cluster) => {
    const imageTag = IMAGE_TAGS[cluster.eks.kubernetesVersion];
    // The settings schema accepts only Kubernetes versions this table has.
    if (!imageTag) throw new Error(`no Cluster Autoscaler image for Kubernetes ${cluster.eks.kubernetesVersion}`);
    return {
      ...chartTemplateValues("CLUSTER_AUTOSCALER", CHART, SERVICE_ACCOUNT),
      /** The autoscaler release for the cluster's Kubernetes minor version. */
      CLUSTER_AUTOSCALER_IMAGE_TAG: imageTag,
    };
  },
};
