/*
 * The policy check at synth (`policy`): which rule violations are knowingly accepted, and why.
 */
import { z } from "zod";
import { ACCEPTABLE_RULE_IDS } from "../../policy/rule-ids";

export const policySchema = z
  .object({
    acceptedRisks: z
      .partialRecord(
        // An unknown rule id is reported by zod as an unrecognized key (load.ts lists the allowed ones), never with an enum message.
        z.enum(ACCEPTABLE_RULE_IDS),
        z.string("a reason, in words, why the risk is accepted").trim().min(10, "a reason, in words, why the risk is accepted (10 characters or more)"),
      )
      .default({})
      .describe(
        "Policy rules whose violation is knowingly accepted, by rule id, each with its reason (10 characters or more): the violation then warns instead of stopping the synth. Only `CKV_AWS_38`, `CKV_AWS_39` and `CKV2_AWS_11` may be accepted (see [Policy at synth](#policy-at-synth)).",
      ),
  })
  .strict();
