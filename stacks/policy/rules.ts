import type { PolicyRule } from "./context";
import { ECR_RULES } from "./rules/ecr";
import { EKS_RULES } from "./rules/eks";
import { IAM_RULES } from "./rules/iam";
import { KMS_RULES } from "./rules/kms";
import { NETWORK_RULES } from "./rules/network";
import { NODE_RULES } from "./rules/nodes";
import { SECRET_RULES } from "./rules/secrets";

/** Every rule checked at synth, in the order the README lists them. */
export const POLICY_RULES: readonly PolicyRule[] = [...EKS_RULES, ...NODE_RULES, ...NETWORK_RULES, ...ECR_RULES, ...IAM_RULES, ...KMS_RULES, ...SECRET_RULES];
