import type { EksAddonUnit } from "./addon";

/**
 * metrics-server, for `kubectl top` and HorizontalPodAutoscalers: an EKS community add-on,
 * versioned, upgraded and removed like the others, with no chart to track and no IAM. A
 * Deployment, so after the nodes.
 */
export const metricsServer: EksAddonUnit = {
  name: "metrics-server",
  title: "metrics-server",
  installedBy: "eks",
  phase: "after-nodes",
};
