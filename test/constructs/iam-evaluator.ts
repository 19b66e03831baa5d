/*
 * A small evaluator of IAM policy documents, for the tests that replay what STS and ECR decide
 * on the synthesized policies: whether a web identity token may assume a role (the trust policy),
 * and whether the role's credentials may call an action on a resource (its permission policies).
 *
 * It implements the part of IAM's evaluation these documents use, as AWS documents it
 * ("Policy evaluation logic", "IAM JSON policy elements: Condition operators"): an explicit Deny
 * wins, otherwise an Allow whose principal, action, resource and every condition match; nothing
 * matching is an implicit deny. Action and resource patterns take `*` and `?`, case-insensitive
 * for actions. Conditions: StringEquals and StringLike (a key with several values matches any of
 * them; a key missing from the request never matches). Anything else it meets (another operator,
 * NotAction, NotResource, NotPrincipal, a ForAnyValue: qualifier) throws: it never answers for
 * a document it cannot read.
 */

/** A policy document as synthesized (after the Terraform references in it are resolved). */
interface Document {
  readonly Statement: readonly RawStatement[];
}

type Values = string | readonly string[];

interface RawStatement {
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Readonly<Record<string, Values>> | "*";
  readonly Action?: Values;
  readonly Resource?: Values;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, Values>>>>;
  readonly [other: string]: unknown;
}

/** A token presented to sts:AssumeRoleWithWebIdentity: the OIDC provider STS found for its issuer, and its claims as IAM keys. */
export interface WebIdentityRequest {
  /** ARN of the account's IAM OIDC provider for the token's issuer. */
  readonly providerArn: string;
  /** Condition keys the request carries, e.g. `oidc.eks.../id/X:sub` -> `system:serviceaccount:ns:sa`. */
  readonly context: Readonly<Record<string, string>>;
}

const list = (v: Values | undefined): readonly string[] => (v === undefined ? [] : typeof v === "string" ? [v] : v);

/** IAM's wildcard match: `*` any run of characters, `?` any one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, caseInsensitive ? "is" : "s").test(value);
}

const KNOWN_FIELDS = new Set(["Sid", "Effect", "Principal", "Action", "Resource", "Condition"]);

function parse(document: string | Document): Document {
  const doc = typeof document === "string" ? (JSON.parse(document) as Document) : document;
  for (const s of doc.Statement) {
    const unknown = Object.keys(s).filter((k) => !KNOWN_FIELDS.has(k));
    if (unknown.length > 0) throw new Error(`iam-evaluator: statement field(s) ${unknown.join(", ")} not supported`);
    if (s.Effect !== "Allow" && s.Effect !== "Deny") throw new Error(`iam-evaluator: Effect ${String(s.Effect)}`);
  }
  return doc;
}

function conditionsHold(condition: RawStatement["Condition"], context: Readonly<Record<string, string>>): boolean {
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    if (operator !== "StringEquals" && operator !== "StringLike") throw new Error(`iam-evaluator: condition operator ${operator} not supported`);
    for (const [key, expected] of Object.entries(keys)) {
      // Condition keys are case-insensitive, their values (for these operators) are not.
      const found = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase());
      if (!found) return false;
      const value = found[1];
      const matches = list(expected).some((e) => (operator === "StringEquals" ? e === value : wildcardMatch(e, value)));
      if (!matches) return false;
    }
  }
  return true;
}

const actionMatches = (s: RawStatement, action: string) => list(s.Action).some((pattern) => wildcardMatch(pattern, action, true));

/** Whether the trust policy lets the token's holder assume the role with sts:AssumeRoleWithWebIdentity. */
export function trustAllowsWebIdentity(trustPolicy: string | Document, request: WebIdentityRequest): boolean {
  const matching = parse(trustPolicy).Statement.filter((s) => {
    if (s.Principal === "*") return actionMatches(s, "sts:AssumeRoleWithWebIdentity") && conditionsHold(s.Condition, request.context);
    const federated = list(s.Principal?.Federated);
    return federated.includes(request.providerArn) && actionMatches(s, "sts:AssumeRoleWithWebIdentity") && conditionsHold(s.Condition, request.context);
  });
  if (matching.some((s) => s.Effect === "Deny")) return false;
  return matching.some((s) => s.Effect === "Allow");
}

/** Whether the permission policies, together, allow `action` on `resource` (identity-based policies, no conditions in the request). */
export function permissionsAllow(policies: readonly (string | Document)[], action: string, resource: string): boolean {
  const matching = policies
    .flatMap((p) => parse(p).Statement)
    .filter((s) => {
      if (s.Principal !== undefined) throw new Error("iam-evaluator: a Principal in an identity-based policy");
      return actionMatches(s, action) && list(s.Resource).some((pattern) => wildcardMatch(pattern, resource)) && conditionsHold(s.Condition, {});
    });
  if (matching.some((s) => s.Effect === "Deny")) return false;
  return matching.some((s) => s.Effect === "Allow");
}
