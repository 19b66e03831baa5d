import { Construct } from "constructs";
import { Token } from "cdktf";
import { BranchProtection as BranchProtectionResource } from "@cdktf/provider-gitlab/lib/branch-protection";

export interface BranchProtectionProps {
  /** ID of the GitLab project (numeric, as `data.gitlab_project.id` gives it). */
  readonly projectId: string;
  /** The protected branch, usually the project's default branch. */
  readonly branch: string;
  /** IDs of the deploy keys allowed to push (one per cluster); usually Terraform references. */
  readonly deployKeyIds: readonly (string | number)[];
}

/**
 * The protection of the GitOps branch, owned here as one rule for every cluster: Maintainers may
 * push and merge, nobody may force-push, and each cluster's Flux deploy key may push (since
 * GitLab 12.0 a deploy key cannot push to a protected branch unless the rule names it).
 *
 * There is one rule per branch, so a single resource lists every key; one per cluster would have
 * the stacks overwrite each other's rule. On a project's default branch, which GitLab protects at
 * creation, the provider takes the existing rule over (it unprotects and protects the branch
 * again in one step); another branch that is already protected must be imported (see README).
 * Adding or removing a key updates the rule in place.
 */
export class BranchProtection extends Construct {
  readonly protection: BranchProtectionResource;

  constructor(scope: Construct, id: string, props: BranchProtectionProps) {
    super(scope, id);

    this.protection = new BranchProtectionResource(this, "protection", {
      project: props.projectId,
      branch: props.branch,
      pushAccessLevel: "maintainer",
      mergeAccessLevel: "maintainer",
      unprotectAccessLevel: "maintainer",
      allowForcePush: false,
      allowedToPush: props.deployKeyIds.map((keyId) => ({ deployKeyId: Token.asNumber(keyId) })),
    });
    // A fixed address for the runbooks (import, state rm), independent of the construct's path.
    this.protection.overrideLogicalId("branch_protection");
  }
}
