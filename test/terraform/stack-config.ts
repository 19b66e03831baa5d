import * as fs from "fs";
import { escapeRegExp } from "../../stacks/text";
import * as path from "path";
import { App } from "cdktf";
import { buildApp } from "../../main";
import type { Settings } from "../../stacks/settings/schema";

/*
 * Synthesized stacks as Terraform JSON, and what the Terraform replays do to them before running a
 * real Terraform: cut out the blocks of a provider that cannot be had here (GitLab), leaving every
 * other block as it is, with each reference to a cut block pointed at a built-in stand-in.
 */

const REPO_ROOT = path.resolve(__dirname, "..", "..");

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
export interface TerraformJson {
  terraform?: { required_providers?: Record<string, { source?: string; version?: string }>; backend?: unknown; required_version?: string };
  resource?: Blocks;
  data?: Blocks;
  provider?: Record<string, Record<string, unknown>[]>;
  output?: Record<string, { value?: unknown; sensitive?: boolean; description?: string; depends_on?: string[] }>;
  variable?: Record<string, unknown>;
  moved?: { from: string; to: string }[];
  import?: { to: string; id: string }[];
  [block: string]: unknown;
}

/** Every stack of the app built from `settings`, synthesized as `cdktf synth` does (cdktf.json's context). */
export function synthesizeStacks(settings: Settings, outdir: string): Map<string, TerraformJson> {
  const context = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "cdktf.json"), "utf8")) as { context?: Record<string, unknown> }).context ?? {};
  const app = new App({ outdir, stackTraces: false, context });
  buildApp(app, settings);
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return new Map(
    Object.entries(manifest.stacks).map(([name, s]) => [name, JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8")) as TerraformJson]),
  );
}

/** The provider local name a resource or data source type belongs to ("terraform" for built-ins). */
export const providerOf = (type: string) => (type === "terraform_data" || type === "terraform_remote_state" ? "terraform" : type.split("_")[0]);

/** The stand-in resource that takes the place of a cut block: `terraform_data.<its name>`. */
export const standInName = (address: string) => `cut__${address.replace(/\W/g, "_")}`;

export interface CutStack {
  readonly config: TerraformJson;
  /** Address of every block cut out (`gitlab_project.p`, `data.gitlab_project.p`). */
  readonly cut: readonly string[];
}

/**
 * `config` without the blocks of the providers in `cut` (by local name): their resources, data
 * sources, provider blocks, `required_providers` entries, state moves and import blocks. Each
 * block cut out becomes a `terraform_data` stand-in and every reference to it, wherever it is
 * (arguments, provider blocks, outputs, `depends_on` of resources, data sources and outputs),
 * points at the stand-in instead:
 *
 * - a cut resource's attributes become `terraform_data.<stand-in>.id`, unknown until apply, as
 *   a resource's computed attributes are on a first deploy;
 * - a cut data source's attributes become `terraform_data.<stand-in>.input`, a known string
 *   (data sources are read at plan time; `output` would be unknown until the stand-in is created),
 *   so a plan sees a known value where it would;
 * - `depends_on` entries name the stand-in, so the order Terraform derives stays the same.
 *
 * Nothing else changes, so what is validated or planned is the stack as synthesized.
 */
export function cutProviders(config: TerraformJson, cut: ReadonlySet<string>): CutStack {
  const isCut = (type: string) => cut.has(providerOf(type));
  const addresses = [
    ...Object.entries(config.resource ?? {}).flatMap(([type, instances]) => (isCut(type) ? Object.keys(instances).map((name) => `${type}.${name}`) : [])),
    ...Object.entries(config.data ?? {}).flatMap(([type, instances]) => (isCut(type) ? Object.keys(instances).map((name) => `data.${type}.${name}`) : [])),
  ];
  const kept = <T>(blocks: Record<string, T> | undefined): Record<string, T> =>
    Object.fromEntries(Object.entries(blocks ?? {}).filter(([type]) => !isCut(type)));
  const part: TerraformJson = structuredClone({
    ...config,
    terraform: {
      ...config.terraform,
      required_providers: Object.fromEntries(Object.entries(config.terraform?.required_providers ?? {}).filter(([name]) => !cut.has(name))),
    },
    provider: Object.fromEntries(Object.entries(config.provider ?? {}).filter(([name]) => !cut.has(name))),
    resource: kept(config.resource),
    data: kept(config.data),
    moved: (config.moved ?? []).filter((m) => !isCut(m.to.split(".")[0])),
    import: (config.import ?? []).filter((m) => !isCut(m.to.split(".")[0])),
  });
  if (addresses.length > 0) {
    const standIns = part.resource!.terraform_data ?? {};
    for (const address of addresses) standIns[standInName(address)] = { input: `stand-in for ${address}` };
    part.resource!.terraform_data = standIns;
  }
  const rewritten = rewriteReferences(part, addresses);
  for (const kind of ["provider", "resource", "data", "output", "moved", "import"] as const) {
    const value = rewritten[kind];
    if (value === undefined || (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0)) delete rewritten[kind];
  }
  return { config: rewritten, cut: addresses };
}

/** Replaces references to `addresses` as {@link cutProviders} describes, in expressions and `depends_on` lists. */
function rewriteReferences(config: TerraformJson, addresses: readonly string[]): TerraformJson {
  if (addresses.length === 0) return config;
  const escaped = addresses.map(escapeRegExp).join("|");
  // The address, then any attribute path after it (`.a`, `[0]`, `["k"]`), not inside a longer name.
  const reference = new RegExp(`(?<![\\w.-])(${escaped})(?![\\w-])((?:\\.[\\w-]+|\\[\\d+\\]|\\["[^"\\]]*"\\])*)`, "g");
  const replacement = (address: string) => `terraform_data.${standInName(address)}.${address.startsWith("data.") ? "input" : "id"}`;
  const inExpressions = (text: string) =>
    rewriteInterpolations(text, (expression) => expression.replace(reference, (_match, address: string) => replacement(address)));
  const walk = (value: unknown, key?: string): unknown => {
    if (key === "depends_on" && Array.isArray(value)) {
      return (value as string[]).map((entry) => (addresses.includes(entry) ? `terraform_data.${standInName(entry)}` : entry));
    }
    if (typeof value === "string") return inExpressions(value);
    if (Array.isArray(value)) return value.map((item) => walk(item));
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  return walk(config) as TerraformJson;
}

/**
 * `text` with `rewrite` applied to the inside of each `${...}` interpolation (braces counted, so
 * an object constructor inside an expression stays whole); `$${` is Terraform's literal `${`.
 */
export function rewriteInterpolations(text: string, rewrite: (expression: string) => string): string {
  let out = "";
  for (let i = 0; i < text.length;) {
    if (text.startsWith("$${", i)) {
      out += "$${";
      i += 3;
    } else if (text.startsWith("${", i)) {
      let depth = 1;
      let j = i + 2;
      let quoted = false;
      for (; j < text.length && depth > 0; j++) {
        const c = text[j];
        if (quoted) {
          if (c === "\\") j++;
          else if (c === '"') quoted = false;
        } else if (c === '"') quoted = true;
        else if (c === "{") depth++;
        else if (c === "}") depth--;
      }
      out += `\${${rewrite(text.slice(i + 2, j - 1))}}`;
      i = j;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}
