import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { type AvailableProvider, normalizeSource, scratchMirror } from "./providers";
import type { TerraformJson } from "./stack-config";

/*
 * Terraform run offline on synthesized stacks: a CLI configuration whose only provider
 * installation is a scratch mirror of the chosen providers, and stack folders that share one
 * installation (the aws provider alone is ~700 MB, and each `init` would copy it).
 */

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  /** stdout and stderr, whitespace collapsed (Terraform wraps long lines and draws boxes). */
  readonly output: string;
}

export interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { filename: string; start: { line: number } };
}

export const formatDiagnostic = (d: Diagnostic) =>
  `${d.severity}: ${d.summary}${d.range ? ` (${d.range.filename}:${d.range.start.line})` : d.address ? ` (${d.address})` : ""}${d.detail ? ` — ${d.detail}` : ""}`;

export const formatDiagnostics = (diagnostics: readonly Diagnostic[]) => diagnostics.map(formatDiagnostic).join("\n");

/** Terraform with a CLI configuration whose only provider installation is the scratch mirror. */
export class OfflineTerraform {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly bin: string,
    dir: string,
    providers: readonly AvailableProvider[],
  ) {
    const cliConfig = path.join(dir, "terraform.rc");
    const mirror = scratchMirror(dir, providers);
    // No `direct {}`: nothing can come from the network.
    fs.writeFileSync(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
    // This machine's credentials, kubeconfig and Terraform caches must not reach the providers.
    for (const name of Object.keys(env)) if (/^(AWS_|KUBE_|TF_PLUGIN_CACHE_DIR$|TF_DATA_DIR$|TF_VAR_)/.test(name)) delete env[name];
    this.env = env;
  }

  run(dir: string, ...args: string[]): Run {
    const run = spawnSync(this.bin, [`-chdir=${dir}`, ...args], { env: this.env, encoding: "utf8", timeout: 300_000, maxBuffer: 256 * 1024 * 1024 });
    if (run.error) throw run.error;
    return { status: run.status, stdout: run.stdout, output: `${run.stdout}${run.stderr}`.replace(/[\s│╷╵]+/g, " ") };
  }

  ok(dir: string, ...args: string[]): Run {
    const run = this.run(dir, ...args);
    if (run.status !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${dir}: ${run.output}`);
    return run;
  }
}

/**
 * Stack folders under `root`: `config` initialised once in `<root>/base`, and variants (another
 * stack, a planted fault) in folders that share its `.terraform` and lock file. `config` must
 * require every provider a variant uses.
 */
export class StackWorkspace {
  readonly base: string;

  constructor(
    private readonly tf: OfflineTerraform,
    private readonly root: string,
    config: TerraformJson,
    private readonly providers: readonly AvailableProvider[],
  ) {
    this.base = this.write("base", config);
    tf.ok(this.base, "init", "-backend=false", "-input=false", "-no-color");
  }

  /** `config` as Terraform runs it here: no backend (state in the folder), stand-in versions pinned. */
  private write(name: string, config: TerraformJson): string {
    const copy = structuredClone(config);
    delete copy.terraform?.backend;
    for (const [local, req] of Object.entries(copy.terraform?.required_providers ?? {})) {
      const provider = this.providers.find((p) => p.source === normalizeSource(local, req.source));
      if (provider?.standIn) req.version = provider.version;
    }
    const dir = path.join(this.root, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(copy, null, 2));
    return dir;
  }

  /** A folder `name` (a path below the root) holding `config`, sharing the base's installation; rewritten when it exists. */
  variant(name: string, config: TerraformJson): string {
    const dir = this.write(name, config);
    if (!fs.existsSync(path.join(dir, ".terraform"))) {
      fs.symlinkSync(path.join(this.base, ".terraform"), path.join(dir, ".terraform"));
      fs.copyFileSync(path.join(this.base, ".terraform.lock.hcl"), path.join(dir, ".terraform.lock.hcl"));
    }
    return dir;
  }

  /**
   * `terraform plan -out` (machine-readable log: its diagnostics name summary, detail and address),
   * then the plan as JSON (`terraform show -json`), undefined when the plan failed.
   */
  plan<Plan>(dir = this.base): { run: Run; errors: Diagnostic[]; plan?: Plan } {
    const run = this.tf.run(dir, "plan", "-json", "-input=false", "-no-color", "-lock=false", "-out=tfplan");
    const errors = run.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { type: string; diagnostic?: Diagnostic })
      .flatMap((entry) => (entry.type === "diagnostic" && entry.diagnostic?.severity === "error" ? [entry.diagnostic] : []));
    if (run.status !== 0) return { run, errors: errors.length > 0 ? errors : [{ severity: "error", summary: run.output }] };
    return { run, errors, plan: JSON.parse(this.tf.ok(dir, "show", "-json", "tfplan").stdout) as Plan };
  }

  /** `terraform validate -json`: whether it is valid, and its errors. */
  validate(dir: string): { valid: boolean; errors: Diagnostic[] } {
    const run = this.tf.run(dir, "validate", "-json", "-no-color");
    if (!run.stdout.trim()) return { valid: false, errors: [{ severity: "error", summary: `terraform validate: ${run.output}` }] };
    const parsed = JSON.parse(run.stdout) as { valid: boolean; diagnostics: Diagnostic[] };
    return { valid: parsed.valid, errors: parsed.diagnostics.filter((d) => d.severity === "error") };
  }

  /**
   * Validates several stacks in one `terraform validate`, so each provider's schema is loaded once
   * rather than once per stack (the aws provider takes seconds to start): `root` as the root
   * module and each of `modules` as a child module of it, in folder `name`. Terraform allows
   * import blocks only in a root module, so a stack with imports must be `root` (or lose them).
   * Returns each module's error diagnostics by its name, the root's under "" (Terraform names the
   * file of each diagnostic, which tells whose it is).
   */
  validateTogether(name: string, root: TerraformJson, modules: Readonly<Record<string, TerraformJson>>): Map<string, Diagnostic[]> {
    for (const [module, config] of Object.entries(modules)) {
      if (!/^[A-Za-z][\w-]*$/.test(module)) throw new Error(`module name ${module}: letters, digits, '_' and '-' only`);
      if (config.import?.length) throw new Error(`module ${module} has import blocks, which Terraform allows only in the root module`);
    }
    // Terraform reads an empty "module": {} as a module block without its name.
    const names = Object.keys(modules);
    const withModules: TerraformJson = names.length === 0 ? root : { ...root, module: Object.fromEntries(names.map((m) => [m, { source: `./modules/${m}` }])) };
    const dir = this.write(name, withModules);
    for (const [module, config] of Object.entries(modules)) this.write(path.join(name, "modules", module), config);
    // Modules are installed by `terraform get` into .terraform/modules; the providers are the base's.
    const dotTerraform = path.join(dir, ".terraform");
    if (!fs.existsSync(dotTerraform)) {
      fs.mkdirSync(dotTerraform);
      fs.symlinkSync(path.join(this.base, ".terraform", "providers"), path.join(dotTerraform, "providers"));
      fs.copyFileSync(path.join(this.base, ".terraform.lock.hcl"), path.join(dir, ".terraform.lock.hcl"));
    }
    this.tf.ok(dir, "get", "-no-color");
    const errors = new Map<string, Diagnostic[]>([["", []], ...Object.keys(modules).map((m): [string, Diagnostic[]] => [m, []])]);
    for (const d of this.validate(dir).errors) {
      const module = /^modules\/([^/]+)\//.exec(d.range?.filename ?? "")?.[1] ?? "";
      errors.get(errors.has(module) ? module : "")!.push(d);
    }
    return errors;
  }

  /** `terraform providers schema -json` of the base's providers. */
  schema<Schema>(): Schema {
    return JSON.parse(this.tf.ok(this.base, "providers", "schema", "-json").stdout) as Schema;
  }
}
