import type { EksAddonUnit } from "./addon";

/**
 * The VPC CNI: pod networking, and NetworkPolicy enforcement. Before the nodes (a DaemonSet the
 * nodes need to become Ready).
 *
 * It manages the nodes' network interfaces with its own role (AWS's recommendation), not the node
 * role every pod on the node could use. EKS creates the association with the add-on; the agent
 * that hands out the credentials is installed first, and the CNI's pods only start once nodes
 * join, after both.
 *
 * Configuration: enforce NetworkPolicies. Without it the objects Flux's bootstrap writes
 * (network_policy) and the namespaces' policies exist but nothing enforces them.
 * `enableNetworkPolicy` is a string, "true", as the add-on's configuration schema wants
 * (`{"format": "boolean", "type": "string"}`, `aws eks describe-addon-configuration --addon-name
 * vpc-cni`); the add-on's chart (aws/amazon-vpc-cni-k8s charts/aws-vpc-cni, values.yaml and
 * templates/) turns it into `enable-network-policy-controller` in the amazon-vpc-cni ConfigMap
 * (EKS's network policy controller) and `--enable-network-policy` of the node agent, which runs by
 * default (`nodeAgent.enabled: true`), so nothing else is needed (EKS User Guide,
 * cni-network-policy-configure). Enforcing mode stays "standard" (the CNI's README,
 * NETWORK_POLICY_ENFORCING_MODE): a pod no policy selects accepts all traffic, and a new pod is
 * open for the moment until its policies are set; "strict" closes that moment but needs a policy
 * for every pod, kube-system's add-ons included.
 */
export const vpcCni: EksAddonUnit = {
  name: "vpc-cni",
  title: "VPC CNI",
  installedBy: "eks",
  phase: "before-nodes",
  configurationValues: { enableNetworkPolicy: "true" },
  identity: {
    id: "vpc-cni-identity",
    namespace: "kube-system",
    serviceAccount: "aws-node",
    roleName: (cluster) => `${cluster}-vpc-cni`,
    managedPolicies: ["AmazonEKS_CNI_Policy"],
    association: "addon",
  },
};
