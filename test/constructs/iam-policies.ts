/*
 * What the tests expect of the IAM policies, written out independently of stacks/constructs/aws/iam.ts
 * so that a change there fails them.
 */

/** The push and pull calls `docker push` and `docker pull` make on a repository, and nothing else. */
export const PUSH_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:CompleteLayerUpload",
  "ecr:DescribeImages",
  "ecr:DescribeRepositories",
  "ecr:GetDownloadUrlForLayer",
  "ecr:InitiateLayerUpload",
  "ecr:ListImages",
  "ecr:PutImage",
  "ecr:UploadLayerPart",
];

/** One statement of a policy document, as synthesized. */
export interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: { Federated?: string };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** The statements of a policy document (JSON). */
export const statementsOf = (policy: string): Statement[] => (JSON.parse(policy) as { Statement: Statement[] }).Statement;
