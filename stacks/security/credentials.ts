/**
 * Which credentials a synthesized stack keeps in its Terraform state: the one list the state
 * placement (ProjectStack's holdsCredentials), the pipeline (no merge-request plan of such a stack)
 * and the security model page (docs/security-model.md) are checked against.
 *
 * A block type is listed when its state holds a secret value. test/security/ checks that every
 * type the stacks use whose provider schema marks an attribute sensitive is either here or in
 * SENSITIVE_BUT_NOT_CREDENTIALS, so a new credential cannot slip in unplaced.
 */
export const CREDENTIAL_BLOCKS = {
  "resource.tls_private_key": "the private key of a Flux deploy key (a cluster's, or a team's on its own project)",
  "resource.gitlab_project_access_token": "the commit-status token of a cluster (scope api, role Maintainer on the GitOps project)",
  "resource.kubernetes_secret_v1": "a Secret Terraform writes into a cluster: the commit-status token, or a team's Git key",
  "data.kubernetes_secret_v1": "flux-system's Secret (Flux's private key with its known_hosts), read for the known_hosts",
  "data.gitlab_project": "the project's runner registration token (`runners_token`, where the project still has one), which the data source keeps",
} as const satisfies Record<string, string>;

export type CredentialBlock = keyof typeof CREDENTIAL_BLOCKS;

/**
 * Block types whose provider schema marks an attribute sensitive, but whose state holds nothing
 * that grants access, with the reason.
 */
export const SENSITIVE_BUT_NOT_CREDENTIALS: Readonly<Record<string, string>> = {
  // Its schema's sensitive attribute is private_key, for importing a certificate of one's own.
  "resource.aws_acm_certificate":
    "the exposed hosts' certificate, issued by ACM (stacks/constructs/aws/cluster-dns.ts): ACM keeps its private key, which cannot be exported; the state holds the ARN and the public certificate, never a key (private_key is for imported certificates, never set here)",
};

/** The part of a synthesized stack (cdk.tf.json) this reads. */
export interface SynthesizedStack {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** The credential blocks of one stack, as "resource.<type>.<name>" / "data.<type>.<name>", sorted. */
export function credentialBlocksOf(stack: SynthesizedStack): string[] {
  const found: string[] = [];
  for (const kind of ["resource", "data"] as const) {
    for (const [type, blocks] of Object.entries(stack[kind] ?? {})) {
      if (`${kind}.${type}` in CREDENTIAL_BLOCKS) found.push(...Object.keys(blocks).map((name) => `${kind}.${type}.${name}`));
    }
  }
  return found.sort();
}

/**
 * The stacks whose state holds a credential: a credential block of their own, or a remote-state read
 * of such a stack (Terraform keeps the outputs it read, the other stack's keys included, in state).
 * `reads` gives, per stack, the stacks it reads through terraform_remote_state.
 */
export function stacksHoldingCredentials(stacks: Readonly<Record<string, SynthesizedStack>>, reads: (stack: string) => readonly string[]): Set<string> {
  const holding = new Set(Object.keys(stacks).filter((name) => credentialBlocksOf(stacks[name]).length > 0));
  // Reads chain (a stack may read one that reads another): until nothing changes.
  for (let grew = true; grew;) {
    grew = false;
    for (const name of Object.keys(stacks)) {
      if (!holding.has(name) && reads(name).some((read) => holding.has(read))) {
        holding.add(name);
        grew = true;
      }
    }
  }
  return holding;
}

/**
 * What a token rotation applies in a stack: each project access token (its rotation_configuration
 * rotates it on apply) and every resource that takes its value (the Secret it is written to), as
 * Terraform addresses for `-target`.
 */
export function rotationTargets(stack: SynthesizedStack): string[] {
  const tokens = Object.keys(stack.resource?.gitlab_project_access_token ?? {}).map((name) => `gitlab_project_access_token.${name}`);
  const consumers = Object.entries(stack.resource ?? {}).flatMap(([type, blocks]) =>
    Object.entries(blocks)
      .filter(([, block]) => tokens.some((token) => JSON.stringify(block).includes(`\${${token}.token}`)))
      .map(([name]) => `${type}.${name}`),
  );
  return [...tokens, ...consumers].sort();
}
