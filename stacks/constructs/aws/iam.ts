/** Small helpers that build IAM policy documents as JSON (tokens inside strings resolve at synth). */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/** A trust policy letting an AWS service principal assume the role. */
export function trustPolicy(service: string, actions: readonly string[] = ["sts:AssumeRole"]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
  });
}

/** A permissions policy document. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** ARN of an AWS managed policy, partition-independent through the caller's partition token. */
export function managedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/**
 * Read-only access to the given ECR repositories: list and describe tags (what Flux's image
 * reflector scans) and pull. GetAuthorizationToken has no resource-level permissions.
 */
export function ecrReadOnlyPolicy(repositoryArns: readonly string[]): string {
  return policyDocument([
    { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: "EcrRead",
      Effect: "Allow",
      Action: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:DescribeImages",
        "ecr:DescribeRepositories",
        "ecr:GetDownloadUrlForLayer",
        "ecr:ListImages",
      ],
      Resource: repositoryArns,
    },
  ]);
}

/**
 * What the Cluster Autoscaler needs on AWS, for one cluster: the read calls it makes on "*"
 * (they have no resource-level permissions), its node groups described by ARN, and the two
 * calls that change capacity only on Auto Scaling groups tagged as this cluster's (EKS tags a
 * managed node group's group with k8s.io/cluster-autoscaler/<cluster> = owned).
 */
export function clusterAutoscalerPolicy(props: { partition: string; region: string; accountId: string; clusterName: string }): string {
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
