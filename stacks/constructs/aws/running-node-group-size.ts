import { Construct } from "constructs";
import { Token } from "cdktf";
import { DataAwsEksNodeGroup } from "@cdktf/provider-aws/lib/data-aws-eks-node-group";
import { DataAwsEksNodeGroups } from "@cdktf/provider-aws/lib/data-aws-eks-node-groups";
import { terraformAddress } from "../terraform/address";

/** The cluster as known when the plan is made, before any of the plan's changes. */
export interface ClusterAtPlan {
  /** The cluster's name as a literal (a reference to the cluster resource would defer every read to the apply). */
  readonly name: string;
  /** A Terraform expression (without `${}`), true when the cluster exists. */
  readonly exists: string;
}

export interface RunningNodeGroupSizeProps {
  readonly cluster: ClusterAtPlan;
  /** The node group's name prefix; the provider appends 26 characters (a UTC timestamp and a counter). */
  readonly nodeGroupNamePrefix: string;
}

/**
 * The desired size of a running node group, read at plan time. The cluster autoscaler owns the
 * desired size, yet on any scaling change the AWS provider sends one to EKS, and EKS rejects a
 * desired size below the new minimum or above the new maximum. With `ignore_changes` the provider
 * sends the stale size from the state, so raising `minSize` above it failed. Sending the running
 * size, moved into the new bounds, keeps the autoscaler's choice and makes bound changes apply.
 */
export class RunningNodeGroupSize extends Construct {
  private readonly runningSizes: string;

  constructor(scope: Construct, id: string, props: RunningNodeGroupSizeProps) {
    super(scope, id);
    const names = new DataAwsEksNodeGroups(this, "names", {
      clusterName: props.cluster.name,
      count: Token.asNumber(`\${${props.cluster.exists} ? 1 : 0}`),
    });
    const namesAddress = terraformAddress(names);
    // Only this group's names: the prefix and the provider's generated suffix, so that another
    // group whose name merely starts with this prefix ("nodes-" and "nodes-gpu-") is not read.
    // (Names are DNS labels: no character of the prefix means anything in a regular expression.)
    const ours = `"^${props.nodeGroupNamePrefix}[0-9]{18}[0-9a-f]{8}$"`;
    const groups = new DataAwsEksNodeGroup(this, "groups", {
      clusterName: props.cluster.name,
      nodeGroupName: "${each.value}",
    });
    groups.addOverride("for_each", `\${toset([for n in flatten(${namesAddress}[*].names) : n if can(regex(${ours}, n))])}`);
    // Two groups during a create-before-destroy replacement that stopped half way: the larger one.
    this.runningSizes = `[for g in ${terraformAddress(groups)} : g.scaling_config[0].desired_size]`;
  }

  /** The desired size to send: `initial` when no group runs, else the running size within [min, max]. */
  desiredSize(bounds: { readonly initial: number; readonly min: number; readonly max: number }): number {
    const { initial, min, max } = bounds;
    return Token.asNumber(`\${length(${this.runningSizes}) == 0 ? ${initial} : min(${max}, max(concat([${min}], ${this.runningSizes})...))}`);
  }
}
