import type { EksAddonUnit } from "./addon";

/** CoreDNS, the cluster's DNS: a Deployment, so after the nodes. */
export const coredns: EksAddonUnit = {
  name: "coredns",
  title: "CoreDNS",
  installedBy: "eks",
  phase: "after-nodes",
};
