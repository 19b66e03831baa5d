import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { DataAwsEksAddonVersion } from "@cdktf/provider-aws/lib/data-aws-eks-addon-version";
import { EksAddon as EksAddonResource } from "@cdktf/provider-aws/lib/eks-addon";

export interface EksAddonProps {
  /** Cluster the add-on is installed into. */
  readonly clusterName: string;
  /** Kubernetes version of the cluster; the add-on version is the newest compatible with it. */
  readonly kubernetesVersion: string;
  /** Add-on name, e.g. "vpc-cni". */
  readonly addonName: string;
  /**
   * Resources that must exist first (e.g. the node group for add-ons that schedule pods).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One EKS managed add-on, pinned at plan time to the newest version compatible with the
 * cluster's Kubernetes version (the walkthrough's `most_recent = true`). Conflicts are
 * overwritten so Terraform, not hand edits, owns the add-on's configuration.
 */
export class EksAddon extends Construct {
  readonly addon: EksAddonResource;
  readonly version: DataAwsEksAddonVersion;

  constructor(scope: Construct, id: string, props: EksAddonProps) {
    super(scope, id);

    this.version = new DataAwsEksAddonVersion(this, "version", {
      addonName: props.addonName,
      kubernetesVersion: props.kubernetesVersion,
      mostRecent: true,
    });

    this.addon = new EksAddonResource(this, "addon", {
      clusterName: props.clusterName,
      addonName: props.addonName,
      addonVersion: this.version.version,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      dependsOn: props.dependsOn,
    });
  }
}
