import * as fs from "fs";
import * as path from "path";
import { Token } from "cdktf";
import { lineAndColumn } from "../text";
import type { FileOwner, TemplateLayer } from "../layout";
import { checkManifests, TemplateError } from "./check-manifests";

/*
 * Renders the Kubernetes manifest templates of config_files/, one template layer (a folder) at a
 * time, with that layer's values. Every rendered file is checked at synth: a template that is not
 * YAML, a document without apiVersion or kind, or a setter marker in a file Flux does not own
 * stops the synth naming the template, line and column, so nothing broken is ever committed.
 *
 * The check of the rendered YAML is in check-manifests.ts.
 *
 * Placeholders are __UPPER_SNAKE__ words: `${...}` is Terraform interpolation and `{{...}}`
 * is Go-template syntax (Flux's commit messageTemplate), so neither can be used to mark a value.
 *
 * A section is whole lines kept only when a value says so: between a line `# if __NAME__` and a
 * line `# end if __NAME__` (each alone on its line, indented freely), kept when NAME is "true",
 * left out when it is "false"; the two marker lines are always left out. Sections are YAML
 * comments, so a template with them is still checked as YAML; they do not nest. One template
 * then serves both variants of a file instead of a second copy that could drift.
 *
 * A list value fills a block sequence: a line `- __NAME__` (indented freely, nothing after it)
 * becomes one such line per item, so a list that is derived (a kustomization.yaml's resources)
 * reads as if written by hand. A list anywhere else, or an empty one, stops the synth.
 */

/**
 * Placeholder values, without the surrounding `__`. A value may be a cdktf token (e.g. the ECR
 * repository URL, a cross-stack reference unknown at synth); it is then inserted as-is. A list
 * fills a block sequence, one line per item (see above).
 */
export type TemplateValues = Readonly<Record<string, string | readonly string[]>>;

export interface RenderedFile {
  /** What the file is (declared in the layout), e.g. "app.image-kustomization". */
  readonly role: string;
  /** Its template, a POSIX path relative to the layer's folder, e.g. "image/kustomization.yaml". */
  readonly template: string;
  /** The rendered text. */
  readonly content: string;
  /** Who writes the file after Terraform created it (declared in the layout). */
  readonly owner: FileOwner;
}

export interface RenderOptions {
  /**
   * "terraform" (default): literal text is escaped for Terraform string templates
   * (`${` becomes `$${`, `%{` becomes `%%{`) while token values are inserted unescaped, so the
   * content can be given to a resource attribute as a plain string.
   * "none": the text exactly as it will be in Git; for validation with concrete values.
   */
  readonly escape?: "terraform" | "none";
  /**
   * Folder holding the layers' template folders.
   * @default config_files/ of this repository
   */
  readonly templatesRoot?: string;
  /**
   * The roles of the files to render, for a layer of which a cluster gets only some (the add-ons
   * installed on it); the folder must still hold every declared template.
   * @default - every file of the layer
   */
  readonly only?: readonly string[];
}

/** The templates directory of this repository. */
export const CONFIG_FILES_DIR = path.resolve(__dirname, "..", "..", "config_files");

/** What marks a field Flux's image automation rewrites (the "Setters" strategy). */
export const IMAGE_POLICY_MARKER = /\{\s*"\$imagepolicy"\s*:/;

const PLACEHOLDER = /__([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)__/g;
const WELL_FORMED_PLACEHOLDER = new RegExp(`^${PLACEHOLDER.source}$`);
/** Anything that looks like a placeholder but is not well-formed (lower case, stray underscores). */
const PLACEHOLDER_LOOKALIKE = /__[A-Za-z][A-Za-z0-9_]*?__/g;
const TEMPLATE_EXTENSIONS = new Set([".yaml", ".yml"]);
/** The first or last line of a section: `# if __NAME__` or `# end if __NAME__`, with its line break. */
const SECTION_LINE = new RegExp(`^[ \\t]*# (if|end if) ${PLACEHOLDER.source}[ \\t]*(?:\\n|$)`, "gm");

/** Escapes text so that a Terraform string template reproduces it literally. */
export function escapeTerraformTemplate(text: string): string {
  // Function replacements: in a replacement string, "$$" would itself mean a single "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/**
 * Every template of `layer`, rendered and checked, in the layer's commit order. The layer's
 * folder must hold exactly the templates the layout declares.
 */
export function renderLayer(layer: TemplateLayer, values: TemplateValues, options: RenderOptions = {}): RenderedFile[] {
  const root = options.templatesRoot ?? CONFIG_FILES_DIR;
  const dir = path.join(root, layer.templateDir);
  const label = (rel: string) => `${path.basename(root)}/${layer.templateDir}/${rel}`;

  const found = listTemplates(dir);
  const declared = layer.files.map((f) => f.template);
  const problems = [
    ...found
      .filter((f) => !declared.includes(f))
      .map((f) => `${label(f)}: not declared in stacks/layout.ts (every template needs an owner and a place in the commit order)`),
    ...declared.filter((f) => !found.includes(f)).map((f) => `${label(f)}: declared in stacks/layout.ts but missing`),
  ];
  if (problems.length > 0) throw new TemplateError(problems);

  return layer.files
    .filter((f) => options.only?.includes(f.role) ?? true)
    .map(({ role, template: rel, owner }) => {
      const file = label(rel);
      const template = fs.readFileSync(path.join(dir, ...rel.split("/")), "utf8");
      checkTemplate(template, file, owner);
      const content = renderTemplate(template, values, { escape: options.escape, file });
      // The values must not break the YAML either (a quote, a colon, a newline in the wrong place).
      checkManifests(renderTemplate(template, values, { escape: "none", file }), file, " after filling in the placeholders");
      return { role, template: rel, content, owner };
    });
}

/** A template, before any value is filled in: Kubernetes YAML, with a setter marker exactly when Flux owns it. */
function checkTemplate(template: string, file: string, owner: string): void {
  // checkManifests parses a text once per process: a layer rendered per app checks its templates once.
  checkManifests(template, file, "");
  const hasMarker = IMAGE_POLICY_MARKER.test(template);
  if (hasMarker !== (owner === "flux")) {
    throw new TemplateError([
      hasMarker
        ? `${file}: has an image policy setter marker, but stacks/layout.ts declares it owned by Terraform (every deploy would revert Flux's commits)`
        : `${file}: declared owned by Flux in stacks/layout.ts, but has no image policy setter marker (Flux would never write it)`,
    ]);
  }
}

/**
 * Replaces the placeholders of one template and keeps or leaves out its sections. `file` only
 * names the template in error messages. Throws on an unknown or malformed placeholder, on a
 * missing or empty value, and on a section that is not well-formed or whose value is not
 * "true" or "false".
 */
export function renderTemplate(template: string, values: TemplateValues, options: RenderOptions & { file?: string } = {}): string {
  const file = options.file ?? "<template>";
  const escape = (options.escape ?? "terraform") === "terraform";
  const at = (index: number) => {
    const { line, column } = lineAndColumn(template, index);
    return `${file}:${line}:${column}`;
  };

  for (const match of template.matchAll(PLACEHOLDER_LOOKALIKE)) {
    if (!WELL_FORMED_PLACEHOLDER.test(match[0])) {
      throw new TemplateError([`${at(match.index)}: malformed placeholder ${match[0]} (placeholders are __UPPER_SNAKE__)`]);
    }
  }

  // Positions stay those of the template (for the errors): what a section leaves out is skipped, not cut.
  const omitted = omittedRanges(template, values, at);
  const isOmitted = (index: number) => omitted.some(([start, end]) => index >= start && index < end);
  /** template.slice(from, to) without what the sections leave out. */
  const kept = (from: number, to: number) => {
    let text = "";
    let cursor = from;
    for (const [start, end] of omitted) {
      if (end <= cursor || start >= to) continue;
      text += template.slice(cursor, start);
      cursor = end;
    }
    return text + template.slice(cursor, Math.max(cursor, to));
  };

  // Literal text and plain values accumulate in `plain` and are escaped together, so that a
  // `$` at the end of one piece and a `{` at the start of the next are escaped as well.
  let out = "";
  let plain = "";
  const flushPlain = () => {
    out += escape ? escapeTerraformTemplate(plain) : plain;
    plain = "";
  };
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const [whole, name] = match;
    plain += kept(last, match.index);
    last = match.index + whole.length;
    if (!Object.prototype.hasOwnProperty.call(values, name)) throw unknownPlaceholder(whole, values, at(match.index));
    // A placeholder in a section left out must still be known, but needs no value.
    if (isOmitted(match.index)) continue;
    let value: unknown = values[name];
    if (Array.isArray(value)) {
      // `<indent>- __NAME__` alone on its line: the line once per item, its prefix repeated.
      const lineStart = template.lastIndexOf("\n", match.index - 1) + 1;
      const prefix = template.slice(lineStart, match.index);
      const lineEnd = template.indexOf("\n", last);
      const rest = template.slice(last, lineEnd < 0 ? template.length : lineEnd);
      if (!/^[ \t]*- $/.test(prefix) || rest.trim() !== "") {
        throw new TemplateError([`${at(match.index)}: placeholder ${whole} holds a list, which fills only a line "- ${whole}" of a block sequence`]);
      }
      const items = value as unknown[];
      if (items.length === 0 || items.some((item) => typeof item !== "string" || item.trim() === "" || /[\r\n]/.test(item))) {
        throw new TemplateError([`${at(match.index)}: placeholder ${whole} needs a list of one or more one-line strings (got ${JSON.stringify(items)})`]);
      }
      value = (items as string[]).join(`\n${prefix}`);
    }
    if (typeof value !== "string" || value.trim().length === 0) {
      throw new TemplateError([`${at(match.index)}: placeholder ${whole} has no value (got ${JSON.stringify(value) ?? "undefined"})`]);
    }
    if (!Array.isArray(values[name]) && /[\r\n]/.test(value)) {
      throw new TemplateError([`${at(match.index)}: placeholder ${whole} has a value with a line break, which would break the YAML`]);
    }
    if (escape && Token.isUnresolved(value)) {
      if (plain.endsWith("$")) {
        // Terraform would read the `$` and the reference's `${` together as the escape `$${`.
        throw new TemplateError([`${at(match.index)}: placeholder ${whole} holds a Terraform reference and must not follow '$'`]);
      }
      flushPlain();
      out += value;
    } else {
      plain += value;
    }
  }
  plain += kept(last, template.length);
  flushPlain();
  return out;
}

function unknownPlaceholder(whole: string, values: TemplateValues, where: string): TemplateError {
  const known = Object.keys(values)
    .map((n) => `__${n}__`)
    .join(", ");
  return new TemplateError([`${where}: unknown placeholder ${whole} (this layer knows ${known})`]);
}

/**
 * The [start, end) ranges of `template` a render leaves out, in order: the marker lines of every
 * section, and the whole of each section whose value is "false".
 */
function omittedRanges(template: string, values: TemplateValues, at: (index: number) => string): [number, number][] {
  const ranges: [number, number][] = [];
  let open: { name: string; start: number; end: number; keep: boolean } | undefined;
  for (const match of template.matchAll(SECTION_LINE)) {
    const [line, kind, name] = match;
    const start = match.index;
    const end = start + line.length;
    if (kind === "if") {
      if (open) throw new TemplateError([`${at(start)}: section __${name}__ inside section __${open.name}__ (sections do not nest)`]);
      if (!Object.prototype.hasOwnProperty.call(values, name)) throw unknownPlaceholder(`__${name}__`, values, at(start));
      const value: unknown = values[name];
      if (value !== "true" && value !== "false") {
        throw new TemplateError([`${at(start)}: section __${name}__ needs the value "true" or "false" (got ${JSON.stringify(value) ?? "undefined"})`]);
      }
      open = { name, start, end, keep: value === "true" };
    } else {
      if (open?.name !== name) throw new TemplateError([`${at(start)}: end of section __${name}__, which is not open`]);
      ranges.push(...(open.keep ? [[open.start, open.end] as [number, number], [start, end] as [number, number]] : [[open.start, end] as [number, number]]));
      open = undefined;
    }
  }
  if (open) throw new TemplateError([`${at(open.start)}: section __${open.name}__ has no line "# end if __${open.name}__"`]);
  return ranges;
}

/** Template paths relative to `dir`, POSIX separators, sorted by code unit (locale-independent). */
function listTemplates(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && TEMPLATE_EXTENSIONS.has(path.extname(entry.name))) found.push(child);
    }
  };
  walk("");
  // Without a compare function, sort compares UTF-16 code units: the order the doc comment promises.
  return found.sort();
}
