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
