import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { buildApp } from "../main";
import { ClusterStack } from "../stacks/cluster-stack";
import { GitOpsStack } from "../stacks/gitops-stack";
import { parseSettings, readRawSettings } from "../stacks/settings/load";

/**
 * Runs `terraform validate` on every cluster stack the app synthesizes from the committed
 * settings in cdktf.json, offline, against the AWS provider in a local filesystem mirror, and on
 * the AWS part of every GitOps stack (its GitLab, TLS and Flux providers are not available offline;
 * their JSON shape is asserted by the unit tests instead).
 *
 * Provider version: the @cdktf/provider-aws bindings pin hashicorp/aws 6.25.0, but the only
 * AWS provider available offline is 5.100.0 in the filesystem mirror at /opt/tf-plugins. The
 * test therefore rewrites `terraform.required_providers.aws.version` to 5.100.0 before `init`.
 * It validates the configuration's shape (argument names, block nesting, types, references)
 * against the 5.100.0 schema; an argument added only in 6.x would show up here as an error.
 *
 * Where terraform is not on PATH or the mirror has no hashicorp/aws, the tests are reported as
 * SKIPPED with the reason in their name, plus a console.warn; they never pass silently.
 */

const REPO_ROOT = path.resolve(__dirname, "..");
const CDKTF_JSON = path.join(REPO_ROOT, "cdktf.json");
const PLUGIN_MIRROR = "/opt/tf-plugins";
const MIRROR_AWS = path.join(PLUGIN_MIRROR, "registry.terraform.io", "hashicorp", "aws");
/** The version in the offline mirror (the bindings pin 6.25.0, which is not available here). */
const OFFLINE_AWS_VERSION = "5.100.0";
/** An argument aws_vpc does not have, for the check that the validator can fail. */
const BOGUS_ARGUMENT = "not_a_real_vpc_argument";

function findOnPath(command: string): string | undefined {
  const names = process.platform === "win32" ? [`${command}.exe`, command] : [command];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

function skipReason(): string | undefined {
  if (!findOnPath("terraform")) return "terraform not found on PATH";
  if (!fs.existsSync(MIRROR_AWS)) return `no hashicorp/aws provider in the filesystem mirror (${MIRROR_AWS} is missing)`;
  return undefined;
}

interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string; start: { line: number } };
}

interface ValidateResult {
  valid: boolean;
  error_count: number;
  warning_count: number;
  diagnostics: Diagnostic[];
}

type TerraformJson = {
  terraform?: { required_providers?: Record<string, { source?: string; version?: string }>; backend?: unknown };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  provider?: Record<string, unknown>;
  output?: Record<string, { value?: unknown }>;
};

/** Block types kept from a GitOps stack: the AWS provider's, and Terraform's built-in remote state. */
const OFFLINE_TYPE = /^(aws_|terraform_remote_state$)/;

/**
 * The part of a GitOps stack that can be validated offline: its AWS resources (the image
 * reflector's Pod Identity role) and the remote state they read. The GitLab, TLS and Flux
 * providers cannot be installed here, so their blocks, and references to them, are removed.
 */
function awsPartOf(config: TerraformJson): TerraformJson {
  const keep = <T>(blocks: Record<string, T> | undefined) =>
    Object.fromEntries(Object.entries(blocks ?? {}).filter(([type]) => OFFLINE_TYPE.test(type)));
  const resource = keep(config.resource);
  for (const instances of Object.values(resource)) {
    for (const body of Object.values(instances)) {
      const dependsOn = body.depends_on as string[] | undefined;
      if (dependsOn) body.depends_on = dependsOn.filter((address) => OFFLINE_TYPE.test(address));
    }
  }
  const removedReference = /\$\{(gitlab_|tls_|flux_|data\.gitlab_)/;
  return {
    terraform: { required_providers: { aws: config.terraform!.required_providers!.aws } },
    provider: { aws: config.provider?.aws },
    resource,
    data: keep(config.data),
    output: Object.fromEntries(Object.entries(config.output ?? {}).filter(([, o]) => !removedReference.test(JSON.stringify(o.value)))),
  };
}

function formatDiagnostic(d: Diagnostic): string {
  const where = d.range ? ` (${d.range.filename}:${d.range.start.line})` : d.address ? ` (${d.address})` : "";
  return `${d.severity}: ${d.summary}${where}${d.detail ? ` — ${d.detail}` : ""}`;
}

interface ScratchStack {
  name: string;
  dir: string;
  /** The stack's Terraform JSON, adjusted for offline validation. */
  config: TerraformJson;
  /** Only the AWS part of the stack is validated (see awsPartOf). */
  awsPartOnly: boolean;
}

const reason = skipReason();

if (reason) {
  console.warn(`terraform validate tests SKIPPED: ${reason}`);
  test.skip(`terraform validate of the cluster stacks — skipped: ${reason}`, () => undefined);
  test.skip(`terraform validate of the GitOps stacks' AWS part — skipped: ${reason}`, () => undefined);
  test.skip(`terraform validate rejects an unknown aws_vpc argument — skipped: ${reason}`, () => undefined);
} else {
  describe("terraform validate (offline, hashicorp/aws 5.100.0 from the filesystem mirror)", () => {
    let scratch: string;
    let env: NodeJS.ProcessEnv;
    const stacks: ScratchStack[] = [];

    const terraform = (dir: string, args: string[]) =>
      spawnSync("terraform", [`-chdir=${dir}`, ...args], { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

    const writeConfig = (stack: ScratchStack, config: TerraformJson) =>
      fs.writeFileSync(path.join(stack.dir, "cdk.tf.json"), JSON.stringify(config, null, 2));

    const validate = (stack: ScratchStack): ValidateResult => {
      const run = terraform(stack.dir, ["validate", "-json", "-no-color"]);
      try {
        return JSON.parse(run.stdout) as ValidateResult;
      } catch {
        throw new Error(`terraform validate printed no JSON (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
      }
    };

    beforeAll(() => {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tf-validate-"));

      // Only the local mirror: no `direct {}` block, so nothing is fetched from the network.
      const cliConfig = path.join(scratch, "terraform.rc");
      fs.writeFileSync(
        cliConfig,
        `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(PLUGIN_MIRROR)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`,
      );
      env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
      delete env.TF_PLUGIN_CACHE_DIR;
      delete env.TF_DATA_DIR;

      // The app as `cdktf synth` builds it: cdktf.json's context, the committed default settings.
      const cdktfJson = JSON.parse(fs.readFileSync(CDKTF_JSON, "utf8")) as { context?: Record<string, unknown> };
      const app = new App({ outdir: path.join(scratch, "cdktf.out"), stackTraces: false, context: cdktfJson.context ?? {} });
      buildApp(app, parseSettings(readRawSettings(app.node.getAllContext(), CDKTF_JSON)));
      app.synth();
      const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8")) as {
        stacks: Record<string, { synthesizedStackPath: string }>;
      };
      const clusterStackNames = app.node.children.filter((c): c is ClusterStack => c instanceof ClusterStack).map((s) => s.node.id);
      expect(clusterStackNames.length).toBeGreaterThan(0);
      const gitopsStackNames = new Set(app.node.children.filter((c) => c instanceof GitOpsStack).map((s) => s.node.id));
      expect(gitopsStackNames.size).toBe(clusterStackNames.length);

      for (const name of [...clusterStackNames, ...gitopsStackNames]) {
        const synthesized = path.join(app.outdir, manifest.stacks[name].synthesizedStackPath);
        const full = JSON.parse(fs.readFileSync(synthesized, "utf8")) as TerraformJson;
        const config = gitopsStackNames.has(name) ? awsPartOf(full) : full;
        const providers = config.terraform?.required_providers ?? {};
        expect(providers.aws).toBeDefined();
        // The bindings pin 6.25.0; only 5.100.0 is available offline (see the comment at the top).
        providers.aws.version = OFFLINE_AWS_VERSION;
        for (const [local, req] of Object.entries(providers)) {
          // `source` may be "aws", "hashicorp/aws" or "registry.terraform.io/hashicorp/aws".
          const parts = (req.source ?? local).replace(/^registry\.terraform\.io\//, "").split("/");
          const source = parts.length === 1 ? `hashicorp/${parts[0]}` : parts.join("/");
          if (!fs.existsSync(path.join(PLUGIN_MIRROR, "registry.terraform.io", source))) {
            throw new Error(`stack ${name} requires provider ${source}, which is not in the offline mirror ${PLUGIN_MIRROR}`);
          }
        }
        // Remote/local state is irrelevant to validation, and init runs with -backend=false.
        if (config.terraform) delete config.terraform.backend;

        const stack: ScratchStack = { name, dir: path.join(scratch, "stacks", name), config, awsPartOnly: gitopsStackNames.has(name) };
        fs.mkdirSync(stack.dir, { recursive: true });
        writeConfig(stack, config);
        const init = terraform(stack.dir, ["init", "-backend=false", "-input=false", "-no-color"]);
        if (init.status !== 0) throw new Error(`terraform init failed in ${stack.dir} (exit ${init.status}):\n${init.stdout}\n${init.stderr}`);
        stacks.push(stack);
      }
    }, 300_000);

    afterAll(() => {
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    test("every cluster stack is valid Terraform", () => {
      for (const stack of stacks.filter((s) => !s.awsPartOnly)) {
        writeConfig(stack, stack.config);
        const result = validate(stack);
        const errors = result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
        // On failure jest prints the diff, i.e. every error diagnostic.
        expect({ stack: stack.name, valid: result.valid, error_count: result.error_count, errors }).toEqual({
          stack: stack.name,
          valid: true,
          error_count: 0,
          errors: [],
        });
      }
    }, 180_000);

    test("the AWS part of every GitOps stack (image reflector role, Pod Identity association) is valid Terraform", () => {
      const gitops = stacks.filter((s) => s.awsPartOnly);
      expect(gitops.length).toBeGreaterThan(0);
      for (const stack of gitops) {
        // Guard against validating an empty shell: the resources that matter must have survived the filter.
        expect(Object.keys(stack.config.resource ?? {}).sort()).toEqual(["aws_eks_pod_identity_association", "aws_iam_role", "aws_iam_role_policy"]);
        expect(Object.keys(stack.config.data ?? {})).toEqual(["terraform_remote_state"]);
        const result = validate(stack);
        const errors = result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
        expect({ stack: stack.name, valid: result.valid, errors }).toEqual({ stack: stack.name, valid: true, errors: [] });
      }
    }, 180_000);

    test("the validator fails on an unknown aws_vpc argument", () => {
      const stack = stacks[0];
      const broken = JSON.parse(JSON.stringify(stack.config)) as TerraformJson;
      const vpcs = broken.resource?.aws_vpc ?? {};
      const [vpcId] = Object.keys(vpcs);
      expect(vpcId).toBeDefined();
      vpcs[vpcId][BOGUS_ARGUMENT] = true;
      writeConfig(stack, broken);
      try {
        const result = validate(stack);
        expect(result.valid).toBe(false);
        expect(result.error_count).toBeGreaterThan(0);
        const messages = result.diagnostics.map(formatDiagnostic).join("\n");
        // JSON syntax says "Extraneous JSON object property"; HCL would say "Unsupported argument".
        expect(messages).toMatch(/Extraneous JSON object property|Unsupported argument/);
        expect(messages).toContain(BOGUS_ARGUMENT);
      } finally {
        writeConfig(stack, stack.config);
      }
    }, 180_000);
  });
}
