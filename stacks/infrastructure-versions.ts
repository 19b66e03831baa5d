/*
 * Versions of what the infrastructure layer installs, kept here so that they move only with a
 * reviewed change of this file (and the plan shows it), never by themselves.
 */

/** The official Cluster Autoscaler chart (github.com/kubernetes/autoscaler, cluster-autoscaler/charts). */
export const CLUSTER_AUTOSCALER_CHART = {
  repository: "https://kubernetes.github.io/autoscaler",
  name: "cluster-autoscaler",
  /** The newest chart in July 2026; it ships autoscaler v1.35.0 by default. */
  version: "9.59.0",
} as const;

/**
 * The Cluster Autoscaler image per Kubernetes minor version: the autoscaler's minor must match the
 * control plane's (its README, "Releases"). A Kubernetes version missing here is refused at synth.
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
  "1.33": "v1.33.0",
  "1.34": "v1.34.2",
  "1.35": "v1.35.0",
};
