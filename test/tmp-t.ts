import { policySchema } from "../stacks/settings/schema";
const r = policySchema.safeParse({ acceptedRisks: { CKV_XX: "some long reason here" } });
console.log(JSON.stringify(r.error?.issues, null, 1));
