import type { PolicyRule } from "../context";

export const KMS_RULES: readonly PolicyRule[] = [
  {
    id: "CKV2_AWS_64",
    title: "KMS key with an explicit key policy",
    fix: "give the key a policy saying who administers it and who uses it (EksCluster's Secrets key has one)",
    check: (ctx) =>
      ctx
        .ofType("aws_kms_key")
        .filter((k) => typeof k.config.policy !== "string" || k.config.policy.trim() === "")
        .map((k) => ({ node: k.construct, detail: "the key has the default key policy (any principal the account's IAM allows may use it)" })),
  },
];
