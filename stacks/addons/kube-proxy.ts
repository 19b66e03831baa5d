import type { EksAddonUnit } from "./addon";

/**
 * kube-proxy, before the nodes: the VPC CNI reaches the API server through the cluster service IP,
 * which only kube-proxy routes; without it aws-node crash-loops and the nodes stay NotReady.
 */
export const kubeProxy: EksAddonUnit = {
  name: "kube-proxy",
  title: "kube-proxy",
  installedBy: "eks",
  phase: "before-nodes",
};
