import type { ClusterSettings } from "./settings/schema";

/**
 * Tags on every AWS resource of a cluster (through the provider's default_tags).
 * The walkthrough's Terraform and Environment tags win over user tags of the same name.
 */
export function awsDefaultTags(cluster: Pick<ClusterSettings, "name" | "environment" | "tags">): Record<string, string> {
  return { ...cluster.tags, Terraform: "true", Environment: cluster.environment, Cluster: cluster.name };
}
