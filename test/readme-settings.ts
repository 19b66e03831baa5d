import { type JsonSchemaNode, maxLength, type SettingLeaf, settingsJsonSchema } from "../stacks/settings/introspect";

/*
 * The README settings table's promises, as a function a test can run against the real README and
 * against planted mistakes. A row is `| \`path\` | default | meaning |`.
 *
 * The default column's canonical form is the schema default as JSON in backticks (`"main"`, `7`,
 * `true`, `["api","audit"]`, `{}`), copy-pasteable into cdktf.json, optionally followed by
 * ": words" or " (words)". A required setting's column starts with *(required)*. A setting whose
 * default depends on other settings (or whose absence means something) has no JSON default: its
 * column is words. The meaning column is the schema's description (`.describe()`), character for
 * character, so the one text is written once and cannot drift.
 */

export interface TableRow {
  readonly defaultCell: string;
  readonly meaning: string;
}

/** The "## Settings" section of the README (other tables may start a row with a setting too). */
export function settingsSection(readme: string): string {
  const start = readme.search(/^## Settings$/m);
  if (start < 0) return "";
  const end = readme.slice(start + 1).search(/^## /m);
  return end < 0 ? readme.slice(start) : readme.slice(start, start + 1 + end);
}

/** The settings table's rows by setting path. */
export function settingsRows(readme: string): Map<string, TableRow> {
  const rows = new Map<string, TableRow>();
  for (const m of settingsSection(readme).matchAll(/^\| `([^`]+)` \| (.*?) \| (.*) \|$/gm)) rows.set(m[1], { defaultCell: m[2].trim(), meaning: m[3] });
  return rows;
}

/** A cell that is nothing but a JSON value in backticks (so it reads as a schema default). */
function isJsonValue(cell: string): boolean {
  const m = /^`([^`]*)`$/.exec(cell);
  if (!m) return false;
  try {
    JSON.parse(m[1]);
    return true;
  } catch {
    return false;
  }
}

/** A default as the table writes it. */
export function renderDefault(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

/**
 * What the table gets wrong about `leaves`: one line per problem, empty when the table keeps its
 * promises. `inWords` lists the settings whose default is described in words (see above).
 */
export function settingsTableProblems(readme: string, leaves: readonly SettingLeaf[], inWords: readonly string[]): string[] {
  const rows = settingsRows(readme);
  const problems: string[] = [];
  for (const { path, schema, required } of leaves) {
    const row = rows.get(path);
    if (!row) {
      problems.push(`${path}: no row in the settings table`);
      continue;
    }
    const cell = row.defaultCell;
    const listed = inWords.includes(path);
    if (schema.default !== undefined) {
      const expected = renderDefault(schema.default);
      if (cell !== expected && !cell.startsWith(`${expected}: `) && !cell.startsWith(`${expected} (`)) {
        problems.push(`${path}: the table's default is ${cell}; the schema's is ${expected}`);
      }
      if (listed) problems.push(`${path}: has a schema default, so it is not one described in words`);
    } else if (required) {
      if (!cell.startsWith("*(required)*")) problems.push(`${path}: required by the schema, the table says ${cell}`);
      if (listed) problems.push(`${path}: required, so it has no default described in words`);
    } else if (!listed) {
      problems.push(`${path}: optional with no default the schema can state; describe it in words and list it`);
    } else {
      if (cell === "" || cell === "—" || isJsonValue(cell))
        problems.push(`${path}: the table's default should say in words what applies, not ${cell || "nothing"}`);
    }
    const max = maxLength(schema);
    if (max !== undefined && !row.meaning.includes(`${max} characters`)) {
      problems.push(`${path}: the schema allows at most ${max} characters; the table's meaning does not say "${max} characters"`);
    }
  }
  return problems;
}

/** A table cell's text as Markdown renders it (a `|` inside a cell is written `\\|`). */
const cellText = (cell: string) => cell.replace(/\\\|/g, "|");

/** The JSON Schema node at a table path (`clusters[].apps`), undefined when the schema has none. */
function nodeAt(path: string, root: JsonSchemaNode): JsonSchemaNode | undefined {
  return path.split(".").reduce<JsonSchemaNode | undefined>((node, key) => {
    const list = key.endsWith("[]");
    const child = node?.properties?.[list ? key.slice(0, -2) : key];
    return list ? child?.items : child;
  }, root);
}

/**
 * Rows whose meaning is not the schema's description of that setting (leaves, and lists or objects
 * described as a whole): one line per row, empty when they agree.
 */
export function descriptionProblems(readme: string, root: JsonSchemaNode = settingsJsonSchema()): string[] {
  return [...settingsRows(readme)].flatMap(([path, { meaning }]) => {
    const description = nodeAt(path, root)?.description;
    if (description === undefined) return [`${path}: the schema has no description for this row (give it .describe() with the row's meaning)`];
    return cellText(meaning) === description ? [] : [`${path}: the table's meaning is not the schema's description (${JSON.stringify(description)})`];
  });
}
