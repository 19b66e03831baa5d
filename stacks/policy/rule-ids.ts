/*
 * The ids of the policy rules checked at synth (stacks/policy/), kept apart from the rules so that
 * the settings schema can name them without loading the rules. A rule mirrors the checkov check
 * of the same id; a rule no checkov check covers has an id of ours, EFG_* (eks-flux-gitops).
 */

/** Rules whose violation the settings may accept knowingly (policy.acceptedRisks): then a warning. */
export const ACCEPTABLE_RULE_IDS = ["CKV_AWS_38", "CKV_AWS_39", "CKV2_AWS_11"] as const;

/** Rules no setting can accept: a violation always fails synth. */
export const HARD_RULE_IDS = [
  "CKV_AWS_58",
  "CKV_AWS_37",
  "CKV_AWS_339",
  "CKV_AWS_79",
  "CKV_AWS_341",
  "CKV_AWS_100",
  "CKV_AWS_8",
  "EFG_NODES_PRIVATE_SUBNETS",
  "CKV2_AWS_12",
  "CKV_AWS_130",
  "CKV_AWS_163",
  "CKV_AWS_51",
  "CKV_AWS_136",
  "CKV_AWS_62",
  "EFG_POD_IDENTITY_TRUST",
  "EFG_SERVICE_ACCOUNT_TRUST",
  "EFG_NODE_ECR_PULL_ONLY",
  "EFG_VPC_CNI_POD_IDENTITY",
  "CKV2_AWS_64",
  "EFG_NO_SECRET_LITERALS",
] as const;

export type AcceptableRuleId = (typeof ACCEPTABLE_RULE_IDS)[number];
export type RuleId = AcceptableRuleId | (typeof HARD_RULE_IDS)[number];
