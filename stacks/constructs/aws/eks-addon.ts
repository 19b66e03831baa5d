import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { DataAwsEksAddonVersion } from "@cdktf/provider-aws/lib/data-aws-eks-addon-version";
import { EksAddon as EksAddonResource } from "@cdktf/provider-aws/lib/eks-addon";

/** A JSON value, as an add-on's configuration holds them. */
export type AddonConfigurationValue =
  string | number | boolean | null | readonly AddonConfigurationValue[] | { readonly [key: string]: AddonConfigurationValue };

export interface EksAddonProps {
  /** Cluster the add-on is installed into. */
  readonly clusterName: string;
  /** Kubernetes version of the cluster; without `version`, EKS's default add-on version for it. */
  readonly kubernetesVersion: string;
  /**
   * An explicit add-on version (e.g. "v1.20.4-eksbuild.2"), to move ahead of or hold back from the default.
   * @default EKS's default version for the Kubernetes version
   */
  readonly version?: string;
  /** Add-on name, e.g. "vpc-cni". */
  readonly addonName: string;
  /**
   * Pod Identity associations EKS creates with the add-on (its service accounts' IAM roles).
   * @default - none: the add-on runs with the permissions of the node, if it needs any
   */
  readonly podIdentityAssociations?: readonly { readonly serviceAccount: string; readonly roleArn: string }[];
  /**
   * The add-on's configuration (`configuration_values`), as data: EKS validates it against the
   * add-on version's schema (`aws eks describe-addon-configuration`) and passes it to the add-on's
   * chart as values. Written as JSON with its keys in the given order, so the plan stays stable.
   * @default - none: the add-on runs with its own defaults
   */
  readonly configurationValues?: { readonly [key: string]: AddonConfigurationValue };
  /**
   * Resources that must exist first (e.g. the node group for add-ons that schedule pods).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One EKS managed add-on at EKS's default version for the cluster's Kubernetes version, or at an
 * explicit version. Not the walkthrough's `most_recent = true`: then every add-on release made the
 * next plan upgrade the add-on by itself; the default moves with the Kubernetes version.
 * Conflicts are overwritten so Terraform, not hand edits, owns the add-on's configuration, and
 * `preserve` keeps the add-on running in the cluster if the resource is ever replaced or removed
 * (a refactor must never delete the VPC CNI or CoreDNS).
 */
export class EksAddon extends Construct {
  readonly addon: EksAddonResource;
  readonly version: DataAwsEksAddonVersion;

  constructor(scope: Construct, id: string, props: EksAddonProps) {
    super(scope, id);

    this.version = new DataAwsEksAddonVersion(this, "version", {
      addonName: props.addonName,
      kubernetesVersion: props.kubernetesVersion,
      mostRecent: false,
    });

    this.addon = new EksAddonResource(this, "addon", {
      clusterName: props.clusterName,
      addonName: props.addonName,
      addonVersion: props.version ?? this.version.version,
      preserve: true,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      ...(props.configurationValues ? { configurationValues: JSON.stringify(props.configurationValues) } : {}),
      ...(props.podIdentityAssociations ? { podIdentityAssociation: props.podIdentityAssociations.map((a) => ({ ...a })) } : {}),
      dependsOn: props.dependsOn,
    });
  }
}
