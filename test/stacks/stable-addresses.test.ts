import { exampleSettings } from "../manifests/fixtures";
import { synthApp, type SynthesizedJson } from "../support";

/*
 * In cdktf a construct's path is its Terraform address: moving a construct (a refactor, a list
 * where there was one item) gives its resources new addresses, and Terraform then destroys the old
 * ones and creates new ones. For the resources below that is an outage or data loss (an ECR
 * repository with every image, the cluster, its secrets key, the VPC and its NAT address, the
 * deploy keys, the Flux bootstrap), so their addresses for the committed settings are pinned here.
 * A change that moves one must add a `moved` block (cdktf's moveFromId/moveTo) from the pinned
 * address; this test accepts exactly that.
 */

const PINNED = [
  "flux-cluster-eks aws_cloudwatch_log_group.eks_control-plane-logs_DDCE5D68",
  "flux-cluster-eks aws_ecr_repository.ecr_repository_795B33D4",
  "flux-cluster-eks aws_eip.network_nat-eip_4B0DC1C0",
  "flux-cluster-eks aws_eks_addon.addon-aws-ebs-csi-driver_addon_231AFCE3",
  "flux-cluster-eks aws_eks_addon.addon-coredns_addon_7A8D1D21",
  "flux-cluster-eks aws_eks_addon.addon-eks-pod-identity-agent_addon_EB0A11EE",
  "flux-cluster-eks aws_eks_addon.addon-kube-proxy_addon_1539C01A",
  "flux-cluster-eks aws_eks_addon.addon-vpc-cni_addon_CC0F2C9C",
  "flux-cluster-eks aws_eks_cluster.eks_cluster_55B0C966",
  "flux-cluster-eks aws_eks_node_group.nodes_node-group_12AEBAC4",
  "flux-cluster-eks aws_internet_gateway.network_internet-gateway_E855E801",
  "flux-cluster-eks aws_kms_key.eks_secrets-key_5FDBA834",
  "flux-cluster-eks aws_launch_template.nodes_launch-template_7B6F4E91",
  "flux-cluster-eks aws_nat_gateway.network_nat-gateway_4C1427FE",
  "flux-cluster-eks aws_subnet.network_private-0_A0649C48",
  "flux-cluster-eks aws_subnet.network_private-1_4188AF2B",
  "flux-cluster-eks aws_subnet.network_private-2_96169D1F",
  "flux-cluster-eks aws_subnet.network_private-3_0631671E",
  "flux-cluster-eks aws_subnet.network_private-4_C25D503D",
  "flux-cluster-eks aws_subnet.network_private-5_A63F7489",
  "flux-cluster-eks aws_subnet.network_public-0_A4E682E0",
  "flux-cluster-eks aws_subnet.network_public-1_8D79547B",
  "flux-cluster-eks aws_subnet.network_public-2_7452BF82",
  "flux-cluster-eks aws_vpc.network_vpc_4E8F0223",
  "flux-cluster-gitops flux_bootstrap_git.flux_bootstrap_015FFD41",
  "gitops-repository gitlab_branch_protection.branch_protection",
  "gitops-repository gitlab_deploy_key.flux-key-flux-cluster_deploy-key_0CC05D92",
  "gitops-repository tls_private_key.flux-key-flux-cluster_key_FE638F32",
];

type WithMoves = SynthesizedJson & { moved?: { from: string; to: string }[] };

/** Where a pinned address is now: itself, or the target of a `moved` block from it; undefined when it is gone. */
function whereIs(stack: WithMoves, address: string): string | undefined {
  const exists = (a: string) => {
    const [type, name] = a.split(".");
    return stack.resource?.[type]?.[name] !== undefined;
  };
  if (exists(address)) return address;
  const move = (stack.moved ?? []).find((m) => m.from === address);
  return move && exists(move.to) && move.to.split(".")[0] === address.split(".")[0] ? move.to : undefined;
}

describe("the addresses of stateful resources", () => {
  const stacks = synthApp(exampleSettings()) as Record<string, WithMoves>;

  test("GIVEN the committed settings WHEN synthesized THEN every pinned stateful resource is at its address or moved from it (never replaced)", () => {
    const lost = PINNED.filter((entry) => {
      const [stack, address] = entry.split(" ");
      return !stacks[stack] || whereIs(stacks[stack], address) === undefined;
    });
    expect(lost).toEqual([]);
  });

  test("GIVEN the single app's ECR repository WHEN apps became a list THEN it is moved to the first app's repository, not destroyed", () => {
    expect(whereIs(stacks["flux-cluster-eks"], "aws_ecr_repository.ecr_repository_795B33D4")).toMatch(/^aws_ecr_repository\.ecr-nginx_repository_/);
  });

  test("GIVEN a pinned address that no longer exists and has no move THEN the check reports it (the test can fail)", () => {
    const stack = structuredClone(stacks["flux-cluster-eks"]);
    delete stack.resource!.aws_vpc;
    expect(whereIs(stack, "aws_vpc.network_vpc_4E8F0223")).toBeUndefined();
    stack.moved = [{ from: "aws_ecr_repository.ecr_repository_795B33D4", to: "aws_ecr_repository.nowhere" }];
    expect(whereIs(stack, "aws_ecr_repository.ecr_repository_795B33D4")).toBeUndefined();
  });
});
