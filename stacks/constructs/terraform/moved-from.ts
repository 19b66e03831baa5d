import type { Construct } from "constructs";
import { TerraformElement, type TerraformResource } from "cdktf";
import { terraformAddress } from "./address";

/** Props of {@link MovedFrom}. */
export interface MovedFromProps {
  /** The resource that takes over what the state holds at `from`. */
  readonly resource: TerraformResource;
  /** The address the state may hold it at, e.g. `aws_ecr_repository.ecr_repository_795B33D4`. */
  readonly from: string;
}

/**
 * A Terraform `moved` block: what the state holds at `from` is `resource` now (a no-op where the
 * state has nothing there). The same block cdktf's `moveFromId` writes, without the check cdktf then
 * attaches to the whole stack, a `terraform version` run in a child process at every synth; the
 * stacks' `required_version` (>= 1.7) already covers moved blocks (>= 1.1), and Terraform enforces it.
 */
export class MovedFrom extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: MovedFromProps,
  ) {
    super(scope, id);
  }

  override toTerraform(): Record<string, unknown> {
    return { moved: [{ from: this.props.from, to: terraformAddress(this.props.resource) }] };
  }
}
