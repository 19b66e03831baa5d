import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { TerraformData } from "../terraform/terraform-data";

export interface LoadBalancerCleanupProps {
  /** The cluster's name: the value of the tag elbv2.k8s.aws/cluster the controller puts on what it creates. */
  readonly clusterName: string;
  readonly region: string;
  /** What must outlive the cleanup: the VPC, its subnets and gateways (destroyed after it). */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * What the script deletes, in order: the load balancers the AWS Load Balancer Controller created for
 * this cluster (tag elbv2.k8s.aws/cluster = the cluster), then its target groups, then its security
 * groups, retried while the load balancers' network interfaces are still detaching. Nothing without
 * that tag with this cluster's name, so another cluster's load balancers in the VPC's account are
 * never touched. Run by `aws` with the deploying identity's credentials, like the clusters' tokens.
 */
export const LOAD_BALANCER_CLEANUP_SCRIPT = String.raw`set -euo pipefail
tag="elbv2.k8s.aws/cluster"
ours() { # ARNs on stdin -> those tagged as this cluster's
  while read -r arn; do
    [ -n "$arn" ] || continue
    owner=$(aws elbv2 describe-tags --resource-arns "$arn" --query "TagDescriptions[0].Tags[?Key=='$tag'].Value | [0]" --output text)
    if [ "$owner" = "$CLUSTER" ]; then echo "$arn"; fi
  done
}
lbs=$(aws elbv2 describe-load-balancers --query 'LoadBalancers[].LoadBalancerArn' --output text | tr '\t' '\n' | ours)
for arn in $lbs; do echo "deleting load balancer $arn"; aws elbv2 delete-load-balancer --load-balancer-arn "$arn"; done
[ -z "$lbs" ] || aws elbv2 wait load-balancers-deleted --load-balancer-arns $lbs
for arn in $(aws elbv2 describe-target-groups --query 'TargetGroups[].TargetGroupArn' --output text | tr '\t' '\n' | ours); do
  echo "deleting target group $arn"; aws elbv2 delete-target-group --target-group-arn "$arn"
done
for sg in $(aws ec2 describe-security-groups --filters "Name=tag:$tag,Values=$CLUSTER" --query 'SecurityGroups[].GroupId' --output text); do
  for attempt in $(seq 1 30); do
    if aws ec2 delete-security-group --group-id "$sg" 2>/dev/null; then echo "deleted security group $sg"; break; fi
    [ "$attempt" -lt 30 ] || { echo "security group $sg is still in use after 5 minutes" >&2; exit 1; }
    sleep 10
  done
done`;

/**
 * Leaves no load balancer behind when a cluster with exposed apps is destroyed. The controller
 * deletes an Ingress's ALB, target groups and security groups itself, but only while it runs; when
 * the GitOps stack's destroy removes the apps and the controller together, what it has not deleted
 * yet would stay in the VPC and its deletion fail on DependencyViolation
 * (aws-ia/terraform-aws-eks-blueprints-addons#462). A destroy-time step, run before the VPC goes
 * (it depends on the network), deletes whatever is still tagged as the cluster's.
 */
export class LoadBalancerCleanup extends Construct {
  readonly resource: TerraformData;

  constructor(scope: Construct, id: string, props: LoadBalancerCleanupProps) {
    super(scope, id);
    this.resource = new TerraformData(this, "on-destroy", {
      // A destroy-time provisioner may read only its own resource: the cluster and region are its input.
      input: { cluster: props.clusterName, region: props.region },
      dependsOn: props.dependsOn,
      provisioners: [
        {
          type: "local-exec",
          when: "destroy",
          interpreter: ["bash", "-c"],
          command: LOAD_BALANCER_CLEANUP_SCRIPT,
          environment: { CLUSTER: "${self.input.cluster}", AWS_REGION: "${self.input.region}", AWS_DEFAULT_REGION: "${self.input.region}" },
        },
      ],
    });
  }
}
