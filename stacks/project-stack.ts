import type { Construct } from "constructs";
import { App, TerraformStack } from "cdktf";
import { LOCAL_STATE, type StateBackend } from "./state/resolve";
import { S3_LOCKFILE_TERRAFORM, addStateBackend } from "./state/state-backend";

/**
 * The oldest Terraform every stack works with. 1.7 is the floor of the Flux provider's own
 * examples; the stacks themselves need 1.4 (terraform_data) and 1.2 (conditions, replace_triggered_by).
 */
export const TERRAFORM_VERSION_CONSTRAINT = ">= 1.7.0";

export interface ProjectStackProps {
  /**
   * Where the stack keeps its state.
   * @default a local state file beside cdktf.json
   */
  readonly state?: StateBackend;
  /**
   * The stack's state holds credentials (private keys, tokens, Secrets it writes or reads): with
   * GitLab-managed state it lives in the credentials project, and the pipeline never plans it in a
   * merge request. test/security/ checks this against what the synthesized stack holds.
   * @default false
   */
  readonly holdsCredentials?: boolean;
}

/** A stack of this app: its state backend and the Terraform versions it is known to work with. */
export class ProjectStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ProjectStackProps = {}) {
    super(scope, id);
    const state = props.state ?? LOCAL_STATE;
    addStateBackend(this, state, App.of(this).outdir, props.holdsCredentials ?? false);
    this.addOverride("terraform.required_version", state.kind === "s3" ? `>= ${S3_LOCKFILE_TERRAFORM}` : TERRAFORM_VERSION_CONSTRAINT);
  }
}
