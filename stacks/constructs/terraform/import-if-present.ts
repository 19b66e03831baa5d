import type { Construct } from "constructs";
import { TerraformElement, type TerraformResource } from "cdktf";
import { terraformAddress } from "./address";

export interface ImportIfPresentProps {
  /** The resource that adopts the remote object. */
  readonly resource: TerraformResource;
  /**
   * A Terraform expression (without `${}`) of the set of IDs of the remote object that exist at plan
   * time, read from a data source: one ID imports it, an empty set imports nothing.
   */
  readonly presentIds: string;
}

/**
 * A Terraform `import` block with `for_each` (Terraform >= 1.7): the resource adopts an object that
 * exists outside the state, and creates it as usual when there is none. Terraform skips the import
 * once the resource is in the state, so the block stays in the configuration for good.
 * (cdktf's `importFrom` writes an unconditional import, which fails when the object is missing.)
 */
export class ImportIfPresent extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: ImportIfPresentProps,
  ) {
    super(scope, id);
  }

  override toTerraform(): Record<string, unknown> {
    const { resource, presentIds } = this.props;
    return {
      import: [{ for_each: `\${${presentIds}}`, to: terraformAddress(resource), id: "${each.value}" }],
    };
  }
}
