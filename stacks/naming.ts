/*
 * Names built from settings in more than one place: the constructs create resources with them and
 * the settings schema checks them against AWS length limits, so both must build them the same way.
 */

/** The EKS node group of a cluster: "<cluster>-<node group>". */
export function nodeGroupName(clusterName: string, groupName: string): string {
  return `${clusterName}-${groupName}`;
}

/** The IAM role of a node group's nodes: "<node group name>-node". */
export function nodeRoleName(fullNodeGroupName: string): string {
  return `${fullNodeGroupName}-node`;
}
