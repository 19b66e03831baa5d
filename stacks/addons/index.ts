/*
 * The registry of the cluster's add-ons, in order: EKS installs the add-ons of a phase in this
 * order (the node group lists its before-nodes add-ons in it), the infrastructure layer commits the
 * Flux ones in it (its kustomization.yaml lists them), and the settings and the README list the
 * names in it. Adding an add-on is a file of stacks/addons/ and a line here (and, for a Flux one,
 * its template in config_files/infrastructure/).
 */
import type { Addon, AddonClusterView, EksAddonUnit, FluxAddonUnit } from "./addon";
import { awsEbsCsiDriver } from "./aws-ebs-csi-driver";
import { awsLoadBalancerController } from "./aws-load-balancer-controller";
import { clusterAutoscaler } from "./cluster-autoscaler";
import { coredns } from "./coredns";
import { eksPodIdentityAgent } from "./eks-pod-identity-agent";
import { externalDns } from "./external-dns";
import { kubeProxy } from "./kube-proxy";
import { metricsServer } from "./metrics-server";
import { vpcCni } from "./vpc-cni";

export type { Addon, AddonIdentity, AddonPhase, EksAddonIdentity, EksAddonUnit, FluxAddonUnit } from "./addon";

/** Every add-on of every cluster, in install order. */
export const ADDONS: readonly Addon[] = [
  vpcCni,
  kubeProxy,
  eksPodIdentityAgent,
  coredns,
  awsEbsCsiDriver,
  metricsServer,
  clusterAutoscaler,
  awsLoadBalancerController,
  externalDns,
];

/** The EKS add-ons of a registry, in its order. */
export function eksAddons(addons: readonly Addon[] = ADDONS): EksAddonUnit[] {
  return addons.filter((a): a is EksAddonUnit => a.installedBy === "eks");
}

/** The add-ons Flux installs from the infrastructure layer, in the registry's order. */
export function fluxAddons(addons: readonly Addon[] = ADDONS): FluxAddonUnit[] {
  return addons.filter((a): a is FluxAddonUnit => a.installedBy === "flux");
}

/** Whether `cluster` gets `addon` (its installedOn; every cluster without one). */
export function isInstalledOn(addon: Addon, cluster: AddonClusterView): boolean {
  return addon.installedOn?.(cluster) ?? true;
}

/** The add-ons of a registry that `cluster` gets, in its order. */
export function installedAddons(cluster: AddonClusterView, addons: readonly Addon[] = ADDONS): Addon[] {
  return addons.filter((a) => isInstalledOn(a, cluster));
}

/** The names `eks.addonVersions` accepts: the EKS add-ons, in the registry's order. */
export const EKS_ADDON_NAMES = eksAddons().map((a) => a.name) as [string, ...string[]];

/**
 * The Kubernetes minor versions every Flux add-on pins an image for, in the first one's order; the
 * settings accept only these. Undefined when no add-on pins images per version (then any is fine).
 */
export function supportedKubernetesVersions(addons: readonly Addon[] = ADDONS): string[] | undefined {
  const pinning = fluxAddons(addons).flatMap((a) => (a.imageTags ? [Object.keys(a.imageTags)] : []));
  if (pinning.length === 0) return undefined;
  return pinning[0].filter((version) => pinning.every((versions) => versions.includes(version)));
}

/** Who pins the images the Kubernetes version must have, for the settings' message: "stacks/addons/<name>.ts pins a <title> image". */
export function kubernetesVersionPinners(addons: readonly Addon[] = ADDONS): string {
  return fluxAddons(addons)
    .filter((a) => a.imageTags)
    .map((a) => `stacks/addons/${a.name}.ts pins a ${a.title} image`)
    .join(" and ");
}
