import * as fs from "fs";
import * as path from "path";
import { Token } from "cdktf";
import type { ClusterSettings, GitLabSettings } from "../settings/schema";

/*
 * Renders the Kubernetes manifest templates in config_files/ for one cluster. Each template
 * maps 1:1 to clusters/<cluster>/<same relative path> in the GitOps repository.
 *
 * Placeholders are __UPPER_SNAKE__ words: `${...}` is Terraform interpolation and `{{...}}`
 * is Go-template syntax (Flux's commit messageTemplate), so neither can be used to mark a value.
 */

/** Every placeholder a template may use, without the surrounding `__`. */
export const PLACEHOLDER_NAMES = [
  "CLUSTER_NAME",
  "REGION",
  "ECR_REPOSITORY_URL",
  "APP_NAME",
  "APP_NAMESPACE",
  "SEMVER_RANGE",
  "INITIAL_TAG",
  "CONTAINER_PORT",
  "RUN_AS_USER",
  "REPLICAS",
  "GIT_BRANCH",
  "FLUX_INTERVAL",
  "IMAGE_SCAN_INTERVAL",
  "CLUSTER_PATH",
] as const;

export type PlaceholderName = (typeof PLACEHOLDER_NAMES)[number];

/**
 * The value of every placeholder. A value may be a cdktf token (e.g. the ECR repository URL,
 * a cross-stack reference unknown at synth); it is then inserted as-is.
 */
export type TemplateValues = Record<PlaceholderName, string>;

export interface RenderedFile {
  /** POSIX path relative to the templates directory, e.g. "app/deployment.yaml". */
  readonly path: string;
  /** The rendered text. */
  readonly content: string;
  /**
   * The file carries an image-policy setter marker, so Flux's image automation rewrites it:
   * Terraform creates it once and then ignores its content.
   */
  readonly fluxOwned: boolean;
}

export interface RenderOptions {
  /**
   * "terraform" (default): literal text is escaped for Terraform string templates
   * (`${` becomes `$${`, `%{` becomes `%%{`) while token values are inserted unescaped, so the
   * content can be given to a resource attribute as a plain string.
   * "none": the text exactly as it will be in Git; for validation with concrete values.
   */
  readonly escape?: "terraform" | "none";
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
const KNOWN = new Set<string>(PLACEHOLDER_NAMES);

/** Escapes text so that a Terraform string template reproduces it literally. */
export function escapeTerraformTemplate(text: string): string {
  // Function replacements: in a replacement string, "$$" would itself mean a single "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** Templates for Terraform: literal text escaped, token values left as they are. */
export function renderConfigFiles(values: TemplateValues, dir: string = CONFIG_FILES_DIR): RenderedFile[] {
  return renderTemplates(values, dir, { escape: "terraform" });
}

/** Templates as they will read in Git, without Terraform escaping (for validation with concrete values). */
export function renderConfigFilesPlain(values: TemplateValues, dir: string = CONFIG_FILES_DIR): RenderedFile[] {
  return renderTemplates(values, dir, { escape: "none" });
}

/** Every *.yaml / *.yml file under `dir`, recursively, rendered, sorted by path. */
export function renderTemplates(values: TemplateValues, dir: string, options: RenderOptions = {}): RenderedFile[] {
  return listTemplates(dir).map((rel) => {
    const template = fs.readFileSync(path.join(dir, ...rel.split("/")), "utf8");
    return {
      path: rel,
      content: renderTemplate(template, values, { ...options, file: `${path.basename(dir)}/${rel}` }),
      fluxOwned: IMAGE_POLICY_MARKER.test(template),
    };
  });
}

/**
 * Replaces the placeholders of one template. `file` only names the template in error messages.
 * Throws on an unknown or malformed placeholder and on a missing or empty value.
 */
export function renderTemplate(template: string, values: TemplateValues, options: RenderOptions & { file?: string } = {}): string {
  const file = options.file ?? "<template>";
  const escape = (options.escape ?? "terraform") === "terraform";

  for (const match of template.matchAll(PLACEHOLDER_LOOKALIKE)) {
    if (!WELL_FORMED_PLACEHOLDER.test(match[0])) {
      throw new Error(`${file}: malformed placeholder ${match[0]} (placeholders are __UPPER_SNAKE__)`);
    }
  }

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
    plain += template.slice(last, match.index);
    last = match.index + whole.length;
    if (!KNOWN.has(name)) {
      throw new Error(`${file}: unknown placeholder ${whole} (known: ${PLACEHOLDER_NAMES.map((n) => `__${n}__`).join(", ")})`);
    }
    const value: unknown = values[name as PlaceholderName];
    if (typeof value !== "string" || value.trim().length === 0) {
      throw new Error(`${file}: placeholder ${whole} has no value (got ${JSON.stringify(value) ?? "undefined"})`);
    }
    if (escape && Token.isUnresolved(value)) {
      if (plain.endsWith("$")) {
        // Terraform would read the `$` and the reference's `${` together as the escape `$${`.
        throw new Error(`${file}: placeholder ${whole} holds a Terraform reference and must not follow '$'`);
      }
      flushPlain();
      out += value;
    } else {
      plain += value;
    }
  }
  plain += template.slice(last);
  flushPlain();
  return out;
}

/**
 * The values for one cluster from its validated settings. `ecrRepositoryUrl` is usually a
 * cross-stack reference (a token) to the ECR repository of the cluster's AWS stack.
 */
export function templateValuesFor(cluster: ClusterSettings, gitlab: GitLabSettings, ecrRepositoryUrl: string): TemplateValues {
  return {
    CLUSTER_NAME: cluster.name,
    REGION: cluster.region,
    ECR_REPOSITORY_URL: ecrRepositoryUrl,
    APP_NAME: cluster.app.name,
    APP_NAMESPACE: cluster.app.namespace,
    SEMVER_RANGE: cluster.app.semverRange,
    INITIAL_TAG: cluster.app.initialTag,
    CONTAINER_PORT: String(cluster.app.containerPort),
    RUN_AS_USER: String(cluster.app.runAsUser),
    REPLICAS: String(cluster.app.replicas),
    GIT_BRANCH: gitlab.branch,
    FLUX_INTERVAL: cluster.flux.interval,
    IMAGE_SCAN_INTERVAL: cluster.flux.imageScanInterval,
    CLUSTER_PATH: clusterPath(cluster.name),
  };
}

/** Where flux_bootstrap_git puts a cluster, and where the rendered files go: clusters/<cluster>. */
export function clusterPath(clusterName: string): string {
  return `clusters/${clusterName}`;
}

/** Template paths relative to `dir`, POSIX separators, sorted by code unit (locale-independent). */
function listTemplates(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && TEMPLATE_EXTENSIONS.has(path.extname(entry.name))) found.push(child);
    }
  };
  walk("");
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
