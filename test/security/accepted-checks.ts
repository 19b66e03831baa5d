/**
 * checkov checks that fail on the default settings on purpose. The README lists each with its
 * reason and the setting that changes it; test/security/checkov.replay.test.ts fails on any other failed
 * check, and on an entry here that no longer fails (so the list cannot go stale).
 */
export interface AcceptedCheck {
  readonly id: string;
  /** Resource types (Terraform) or kinds (Kubernetes) it may fail for. */
  readonly on: readonly string[];
  readonly reason: string;
  /** The setting that makes it pass, or what would. */
  readonly setting: string;
}

export const ACCEPTED_CHECKS: readonly AcceptedCheck[] = [
  {
    id: "CKV_AWS_37",
    on: ["aws_eks_cluster"],
    reason: "api, audit and authenticator are logged; controllerManager and scheduler add cost for little security value",
    setting: "`eks.logTypes`",
  },
  {
    id: "CKV_AWS_38",
    on: ["aws_eks_cluster"],
    reason: "a laptop or a shared CI runner must reach the API endpoint; access still needs an IAM identity with an access entry",
    setting: "`eks.publicAccessCidrs`",
  },
  {
    id: "CKV_AWS_39",
    on: ["aws_eks_cluster"],
    reason: "as above: deploying from outside the VPC needs the public endpoint",
    setting: "`eks.endpointPublicAccess: false` (deploy from inside the VPC)",
  },
  {
    id: "CKV_AWS_338",
    on: ["aws_cloudwatch_log_group"],
    reason: "control-plane logs are kept 7 days and flow logs 30 days by default to keep the example cheap",
    setting: "`eks.logRetentionDays` and `network.flowLogs.retentionDays` (365 or more)",
  },
  {
    id: "CKV_AWS_158",
    on: ["aws_cloudwatch_log_group"],
    reason: "the log groups (control plane, flow logs) use CloudWatch's own encryption at rest, not a customer-managed KMS key",
    setting: "none yet (hardening issue)",
  },
  {
    id: "CKV_AWS_130",
    on: ["aws_subnet"],
    reason: "only the public subnets assign public IPs: they hold the NAT gateway and internet-facing load balancers; nodes run in the private subnets",
    setting: "none: public subnets need it",
  },
  {
    id: "CKV_K8S_43",
    on: ["Deployment"],
    reason: "images are referenced by tag: ECR tags are immutable and Flux's ImagePolicy selects tags",
    setting: "none: the image automation writes tags",
  },
  {
    id: "CKV_K8S_15",
    on: ["Deployment"],
    reason: "imagePullPolicy IfNotPresent: with immutable tags a tag is pulled once per node",
    setting: "none needed",
  },
  {
    id: "CKV_K8S_40",
    on: ["Deployment"],
    reason: "nginx-unprivileged runs as uid 101",
    setting: "`apps[].runAsUser` (10000 or more, for an image that allows it)",
  },
];
