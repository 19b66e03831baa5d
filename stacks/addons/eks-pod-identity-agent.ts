import type { EksAddonUnit } from "./addon";

/**
 * The EKS Pod Identity agent, before the nodes: it hands out the credentials of every Pod Identity
 * role, so pods have them from their first start.
 */
export const eksPodIdentityAgent: EksAddonUnit = {
  name: "eks-pod-identity-agent",
  title: "EKS Pod Identity agent",
  installedBy: "eks",
  phase: "before-nodes",
  providesPodIdentity: true,
};
