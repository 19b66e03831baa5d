import { Construct } from "constructs";
import { TerraformStack } from "cdktf";

/**
 * The oldest Terraform every stack works with. 1.7 is the floor of the Flux provider's own
 * examples; the stacks themselves need 1.4 (terraform_data) and 1.2 (conditions, replace_triggered_by).
 */
export const TERRAFORM_VERSION_CONSTRAINT = ">= 1.7.0";

/** A stack of this app: pins the Terraform versions it is known to work with. */
export class ProjectStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.addOverride("terraform.required_version", TERRAFORM_VERSION_CONSTRAINT);
  }
}
