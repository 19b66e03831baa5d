import type { Construct } from "constructs";
import { type ITerraformDependable, type LocalExecProvisioner, TerraformResource } from "cdktf";

/** Props of {@link TerraformData}. */
export interface TerraformDataProps {
  /** Stored in the state and shown as `output` after apply; a change replaces the resource. */
  readonly input: Record<string, unknown>;
  /**
   * What it waits for (and, on destroy, what outlives it).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Commands Terraform runs where it runs, at create or destroy.
   * @default - none
   */
  readonly provisioners?: LocalExecProvisioner[];
}

/**
 * Terraform's built-in `terraform_data` resource, as cdktf's `DataResource` writes it, minus the
 * check cdktf attaches to that class: a `terraform version` run in a child process at every synth
 * (and a failed synth on a machine without Terraform). Terraform itself enforces the stacks'
 * `required_version` (>= 1.7, see ProjectStack) at init, which covers terraform_data's >= 1.4.
 */
export class TerraformData extends TerraformResource {
  private readonly input: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: TerraformDataProps) {
    super(scope, id, {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
      dependsOn: props.dependsOn,
      provisioners: props.provisioners,
    });
    this.input = props.input;
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return { input: this.input };
  }

  protected override synthesizeHclAttributes(): { [name: string]: unknown } {
    return { input: { value: this.input, isBlock: false, type: "map", storageClassType: "anyMap" } };
  }
}
