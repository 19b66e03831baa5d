import type { EksAddonUnit } from "./addon";

/**
 * The EBS CSI driver, after the nodes (its controller is a Deployment). Its controller gets real
 * permissions (the walkthrough's add-on had none and never provisioned a volume), through an
 * association of its own that the add-on waits for.
 */
export const awsEbsCsiDriver: EksAddonUnit = {
  name: "aws-ebs-csi-driver",
  title: "EBS CSI driver",
  installedBy: "eks",
  phase: "after-nodes",
  identity: {
    id: "ebs-csi-identity",
    namespace: "kube-system",
    serviceAccount: "ebs-csi-controller-sa",
    roleName: (cluster) => `${cluster}-ebs-csi-driver`,
    managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"],
    association: "resource",
  },
};
