import * as fs from "fs";
import * as path from "path";
import { type AddonPolicyContext, chartTemplateValues, type FluxAddonUnit } from "./addon";

/*
 * The AWS Load Balancer Controller, installed by Flux in the infrastructure layer on a cluster with
 * `dns` (config_files/infrastructure/aws-load-balancer-controller.yaml): it turns the exposed apps'
 * Ingresses into one internet-facing and one internal ALB per cluster (the IngressClasses of
 * config_files/infrastructure-configs/), with HTTPS from the certificate ACM issued for their hosts.
 */

/** The controller's chart as aws/eks-charts publishes it (github.com/aws/eks-charts, stable/aws-load-balancer-controller). */
const CHART = {
  repository: "https://aws.github.io/eks-charts",
  name: "aws-load-balancer-controller",
  /** Chart 3.5.0 ships controller v3.5.0, the newest release (2026-08-03). */
  version: "3.5.0",
} as const;

/** Where it runs, as its installation guide has it; the Pod Identity association names the same service account. */
const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "aws-load-balancer-controller";

/**
 * The IAM policy the controller's release publishes for its version, byte for byte
 * (kubernetes-sigs/aws-load-balancer-controller, docs/install/iam_policy.json at tag v3.5.0,
 * sha256 16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a). Its writes to load
 * balancers, target groups and security groups need the controller's own cluster tag on the
 * resource or in the request; no action is a wildcard. Move it with the chart, never alone.
 */
export const LOAD_BALANCER_CONTROLLER_POLICY_FILE = path.join(__dirname, "policies", "aws-load-balancer-controller-v3.5.0.iam-policy.json");

/** The published policy in the cluster's partition (the file is written for `aws`). */
export function loadBalancerControllerPolicy(props: AddonPolicyContext): string {
  const published = fs.readFileSync(LOAD_BALANCER_CONTROLLER_POLICY_FILE, "utf8");
  // Re-serialized so that the document is compact; the statements are the published ones.
  return JSON.stringify(JSON.parse(published.replace(/"arn:aws:/g, () => `"arn:${props.partition}:`)));
}

/** Load balancers for the exposed apps: Ingresses become ALBs in the cluster's VPC. */
export const awsLoadBalancerController: FluxAddonUnit = {
  name: "aws-load-balancer-controller",
  title: "AWS Load Balancer Controller",
  installedBy: "flux",
  phase: "infrastructure-layer",
  installedOn: (cluster) => cluster.dns !== undefined,
  templateFile: "aws-load-balancer-controller.yaml",
  chart: CHART,
  chartImage: "public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0",
  identity: {
    id: "aws-load-balancer-controller-identity",
    namespace: NAMESPACE,
    serviceAccount: SERVICE_ACCOUNT,
    roleName: (cluster) => `${cluster}-aws-lb-controller`,
    inlinePolicy: loadBalancerControllerPolicy,
  },
  templateValues: () => chartTemplateValues("LOAD_BALANCER_CONTROLLER", CHART, SERVICE_ACCOUNT),
};
