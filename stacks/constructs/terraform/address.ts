import { TerraformDataSource, type TerraformResource } from "cdktf";

/**
 * The address Terraform knows an element by: `aws_vpc.x`, or `data.aws_eks_cluster.y`. A plain
 * string, not a token, for what cdktf cannot write itself: expressions we compose (a token there
 * would render as a nested `${...}`), `import` blocks and `replace_triggered_by`.
 */
export function terraformAddress(element: TerraformResource | TerraformDataSource): string {
  const address = `${element.terraformResourceType}.${element.friendlyUniqueId}`;
  return element instanceof TerraformDataSource ? `data.${address}` : address;
}
