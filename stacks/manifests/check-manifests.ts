import { LineCounter, parseAllDocuments } from "yaml";
import { UserInputError } from "../errors";

/*
 * The check every rendered file passes at synth (render.ts calls it on each template and on what
 * it renders): YAML whose every document is a Kubernetes object, as kustomize-controller decodes it.
 */

/** A template that cannot be rendered or would commit something broken. */
export class TemplateError extends UserInputError {}

/**
 * Checks that `text` is YAML whose every document is a Kubernetes object (apiVersion and kind),
 * the way kustomize-controller would decode it. Throws a TemplateError naming line and column.
 */
export function checkManifests(text: string, file: string, when = ""): void {
  // Whether a text passes depends on the text alone (file and when only word the errors): the
  // same app in each cluster of a fleet renders the same files, so each text is parsed once.
  const key = withTokensNumberedInOrder(text);
  if (passedManifests.has(key)) return;
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const where = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const problems: string[] = [];
  let sawObject = false;
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      problems.push(`${where(error.pos[0])}: not valid YAML${when}: ${error.message.split("\n")[0]}`);
      continue;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue; // an empty document, e.g. after a trailing ---
    const start = doc.contents?.range?.[0] ?? 0;
    if (typeof value !== "object" || Array.isArray(value)) {
      problems.push(`${where(start)}: a document that is not a Kubernetes object (a mapping with apiVersion and kind)${when}`);
      continue;
    }
    const object = value as Record<string, unknown>;
    for (const field of ["apiVersion", "kind"]) {
      if (typeof object[field] !== "string" || object[field] === "") problems.push(`${where(start)}: document without ${field}${when}`);
    }
    sawObject = true;
  }
  if (problems.length === 0 && !sawObject) problems.push(`${file}:1:1: holds no Kubernetes object${when}`);
  if (problems.length > 0) throw new TemplateError(problems);
  passedManifests.add(key);
}

/** The texts that passed {@link checkManifests} in this process, as {@link withTokensNumberedInOrder} writes them. */
const passedManifests = new Set<string>();

const STRING_TOKEN = /\$\{TfToken\[TOKEN\.(\d+)\]\}/g;

/**
 * `text` with cdktf's string tokens renumbered 0, 1, 2... in the order they first appear. Two
 * clusters' copies of one app differ only in the numbers of their tokens (each cluster's ECR
 * repository is its own reference); digits inside a token cannot change how YAML reads it, and
 * equal tokens stay equal, distinct ones distinct, so both texts pass or fail alike.
 */
export function withTokensNumberedInOrder(text: string): string {
  const numbers = new Map<string, number>();
  return text.replace(STRING_TOKEN, (_whole, id: string) => {
    if (!numbers.has(id)) numbers.set(id, numbers.size);
    return `\${TfToken[TOKEN.${numbers.get(id)}]}`;
  });
}
