import type { PolicyRule } from "../context";

/** Literal credentials by shape: PEM private keys, GitLab tokens, AWS access keys. */
export const SECRET_SHAPES: readonly [string, RegExp][] = [
  // Split so that this file itself does not look like a key to scanners.
  ["PEM private key", new RegExp("-----BEGIN [A-Z ]*PRIVATE " + "KEY-----")],
  ["GitLab token", /\bgl(pat|dt|rt|oas|cbt|ptt|ft|agent|soat)-[A-Za-z0-9_-]{20,}/],
  ["AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
];

/** Keys whose value would be a credential if it were a literal. */
export const SENSITIVE_KEY = /(^|_)(token|password|passphrase|secret|secret_key|private_key|client_key|access_key|credentials)$/i;
/** A Terraform expression and nothing else, e.g. "${tls_private_key.k.private_key_pem}". */
const PURE_REFERENCE = /^\$\{[^{}]+(\{[^{}]*\}[^{}]*)*\}$/;

/** Every literal credential in a JSON tree: secret-shaped strings, and sensitive keys holding literals. */
export function findSecretLiterals(node: unknown, where = ""): string[] {
  if (typeof node === "string") {
    return SECRET_SHAPES.filter(([, shape]) => shape.test(node)).map(([what]) => `${where || "a value"} looks like a ${what}`);
  }
  if (Array.isArray(node)) return node.flatMap((item, i) => findSecretLiterals(item, `${where}[${i}]`));
  if (node && typeof node === "object") {
    return Object.entries(node).flatMap(([key, value]) => {
      const path = where ? `${where}.${key}` : key;
      const literal = SENSITIVE_KEY.test(key) && typeof value === "string" && value !== "" && !PURE_REFERENCE.test(value);
      return [...(literal ? [`${path} holds a literal value`] : []), ...findSecretLiterals(value, path)];
    });
  }
  return [];
}

export const SECRET_RULES: readonly PolicyRule[] = [
  {
    id: "EFG_NO_SECRET_LITERALS",
    title: "no key, token or password literal",
    fix: "take credentials from the provider's environment (AWS credentials, GITLAB_TOKEN) or from a resource that generates them, never from code or settings",
    check: (ctx) => ctx.elements.flatMap(({ node, json }) => findSecretLiterals(json).map((detail) => ({ node, detail }))),
  },
];
