import { asList, blocks, type JsonObject, type PolicyRule } from "../context";

/** The Kubernetes versions checkov's CKV_AWS_339 (checkov 3.2) calls supported by EKS. */
export const SUPPORTED_EKS_VERSIONS: readonly string[] = ["1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35"];

/** Control-plane log types the policy requires (CKV_AWS_37 asks for all five; audit is what matters for forensics). */
export const REQUIRED_LOG_TYPES = ["api", "audit"] as const;

const clusters = (ctx: Parameters<PolicyRule["check"]>[0]) => ctx.ofType("aws_eks_cluster");
const vpcConfig = (config: JsonObject) => blocks(config.vpc_config)[0] ?? {};
/** EKS turns the public endpoint on unless told otherwise. */
const isPublic = (config: JsonObject) => vpcConfig(config).endpoint_public_access !== false;

export const EKS_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AWS_58",
    title: "EKS Secrets encrypted with a KMS key",
    fix: 'give the cluster an encryption_config for resources ["secrets"] with a KMS key (the EksCluster construct does)',
    check: (ctx) =>
      clusters(ctx)
        .filter((c) => !blocks(c.config.encryption_config).some((e) => asList(e.resources).includes("secrets") && blocks(e.provider).some((p) => p.key_arn)))
        .map((c) => ({ node: c.construct, detail: "Kubernetes Secrets are not envelope-encrypted with a KMS key" })),
  },
  {
    id: "CKV_AWS_37",
    title: "EKS control-plane logging including audit",
    fix: `include ${REQUIRED_LOG_TYPES.join(" and ")} in settings.clusters[].eks.logTypes`,
    check: (ctx) =>
      clusters(ctx).flatMap((c) => {
        const enabled = asList(c.config.enabled_cluster_log_types);
        const missing = REQUIRED_LOG_TYPES.filter((t) => !enabled.includes(t));
        return missing.length > 0 ? [{ node: c.construct, detail: `control-plane log types ${missing.join(", ")} are not enabled` }] : [];
      }),
  },
  {
    id: "CKV_AWS_39",
    title: "EKS public endpoint disabled",
    fix: "set settings.clusters[].eks.endpointPublicAccess false (deploy from inside the VPC)",
    check: (ctx) =>
      clusters(ctx)
        .filter((c) => isPublic(c.config))
        .map((c) => ({ node: c.construct, detail: "the API endpoint is public (access still needs an IAM identity with an access entry)" })),
  },
  {
    id: "CKV_AWS_38",
    title: "EKS public endpoint not open to 0.0.0.0/0",
    fix: "list only your networks in settings.clusters[].eks.publicAccessCidrs, or turn the public endpoint off",
    check: (ctx) =>
      clusters(ctx)
        .filter((c) => isPublic(c.config))
        .filter((c) => {
          const cidrs: unknown = vpcConfig(c.config).public_access_cidrs;
          // EKS opens an endpoint without a list to the world.
          return cidrs === undefined || (Array.isArray(cidrs) && cidrs.includes("0.0.0.0/0"));
        })
        .map((c) => ({ node: c.construct, detail: "the public API endpoint accepts connections from 0.0.0.0/0" })),
  },
  {
    id: "CKV_AWS_339",
    title: "EKS on a supported Kubernetes version",
    fix: `set settings.clusters[].eks.kubernetesVersion to one of ${SUPPORTED_EKS_VERSIONS.join(", ")}`,
    check: (ctx) =>
      clusters(ctx)
        .filter((c) => typeof c.config.version === "string" && !c.config.version.includes("${") && !SUPPORTED_EKS_VERSIONS.includes(c.config.version))
        .map((c) => ({ node: c.construct, detail: `Kubernetes ${String(c.config.version)} is not a version EKS supports` })),
  },
];
