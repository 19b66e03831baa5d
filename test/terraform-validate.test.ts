import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { buildApp } from "../main";
import { parseSettings, readRawSettings } from "../stacks/settings/load";
import type { Settings } from "../stacks/settings/schema";
import { MINIMAL_SETTINGS, twoClusters } from "./support";
import { AvailableProvider, findTerraform, lookupProvider, normalizeSource, REPO_ROOT, scratchMirror } from "./terraform/providers";

/*
 * `terraform validate` of every synthesized stack, for the committed settings, two clusters, and a
 * fleet with several apps and teams (ECR, OIDC provider, CI roles), offline, with the providers of ./terraform/providers.ts.
 *
 * A stack is validated with every provider that is available at its pinned version. The blocks of
 * a provider that is not (a resource, data source or provider block of that type, the outputs and
 * depends_on entries naming them) are left out, and a skipped test per missing provider says so:
 * nothing passes for a provider that was never asked. Where aws 6.25.0 is missing and the aws
 * 5.100.0 stand-in is used, the pin is rewritten in the scratch copy and the test names say so.
 */

const CDKTF_JSON = path.join(REPO_ROOT, "cdktf.json");
const BOGUS_ARGUMENT = "not_a_real_argument";

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
interface TerraformJson {
  terraform?: { required_providers?: Record<string, { source?: string; version?: string }>; backend?: unknown; required_version?: string };
  resource?: Blocks;
  data?: Blocks;
  provider?: Record<string, unknown>;
  output?: Record<string, { value?: unknown }>;
  [block: string]: unknown;
}

interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string; start: { line: number } };
}

/** Every stack of the app built from `settings`, synthesized as `cdktf synth` does. */
function synthesize(settings: Settings, outdir: string): Map<string, TerraformJson> {
  const context = (JSON.parse(fs.readFileSync(CDKTF_JSON, "utf8")) as { context?: Record<string, unknown> }).context ?? {};
  const app = new App({ outdir, stackTraces: false, context });
  buildApp(app, settings);
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return new Map(Object.entries(manifest.stacks).map(([name, s]) => [name, JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8"))]));
}

/** The provider local name a resource or data source type belongs to ("terraform" for built-ins). */
const providerOf = (type: string) => (type === "terraform_data" || type === "terraform_remote_state" ? "terraform" : type.split("_")[0]);

/** The stack without the blocks of providers not in `keep` (by local name), as described above. */
function partFor(config: TerraformJson, keep: ReadonlySet<string>): TerraformJson {
  const kept = (type: string) => providerOf(type) === "terraform" || keep.has(providerOf(type));
  const filter = (blocks: Blocks | undefined): Blocks => Object.fromEntries(Object.entries(blocks ?? {}).filter(([type]) => kept(type)));
  const resource = structuredClone(filter(config.resource));
  for (const instances of Object.values(resource)) {
    for (const body of Object.values(instances)) {
      const dependsOn = body.depends_on as string[] | undefined;
      if (dependsOn) body.depends_on = dependsOn.filter((address) => kept(address.replace(/^data\./, "").split(".")[0]));
    }
  }
  const dropped = new RegExp(`\\$\\{[^}]*\\b(data\\.)?(${[...new Set([...Object.keys(config.resource ?? {}), ...Object.keys(config.data ?? {})].filter((t) => !kept(t)))].join("|") || "$^"})\\.`);
  const providers = config.terraform?.required_providers ?? {};
  const part: TerraformJson = {
    terraform: {
      required_version: config.terraform?.required_version,
      required_providers: Object.fromEntries(Object.entries(providers).filter(([name]) => keep.has(name))),
    },
    provider: Object.fromEntries(Object.entries(config.provider ?? {}).filter(([name]) => keep.has(name))),
    resource,
    data: filter(config.data),
    output: Object.fromEntries(Object.entries(config.output ?? {}).filter(([, o]) => !dropped.test(JSON.stringify(o.value)))),
    // State moves and adoptions are validated too (Terraform checks their addresses and expressions).
    moved: ((config.moved ?? []) as { to: string }[]).filter((m) => kept(m.to.split(".")[0])),
    import: ((config.import ?? []) as { to: string }[]).filter((m) => kept(m.to.split(".")[0])),
  };
  // Terraform reads an empty block type ("data": {}) as a block without its labels.
  for (const kind of ["provider", "resource", "data", "output", "moved", "import"] as const) {
    if (Object.keys(part[kind] ?? {}).length === 0) delete part[kind];
  }
  return part;
}

const formatDiagnostic = (d: Diagnostic) =>
  `${d.severity}: ${d.summary}${d.range ? ` (${d.range.filename}:${d.range.start.line})` : d.address ? ` (${d.address})` : ""}${d.detail ? ` — ${d.detail}` : ""}`;

// ---- What can be validated here, decided when the file loads --------------------------------

const terraform = findTerraform();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tf-validate-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const fleets: [string, Settings][] = [
  ["committed settings", parseSettings(readRawSettings({}, CDKTF_JSON))],
  ["two clusters", twoClusters()],
  [
    "a fleet with apps and teams",
    parseSettings({
      ...MINIMAL_SETTINGS,
      clusters: [
        {
          name: "us",
          apps: [{}, { name: "api", autoscaling: {} }],
          tenants: [{ name: "payments", gitlabProject: "teams/payments", ecrRepositories: ["payments/api"] }],
        },
        { name: "eu", region: "eu-west-1", tenants: [{ name: "search", gitlabProject: "teams/search", ecrRepositories: ["search/api"], imageAutomation: true }] },
      ],
    }),
  ],
];
const synthesized = fleets.map(([label, settings], i) => ({ label, stacks: synthesize(settings, path.join(scratch, `out-${i}`)) }));

/** Every provider any stack pins: local name -> source and version. */
const pinned = new Map<string, { source: string; version: string }>();
for (const { stacks } of synthesized) {
  for (const config of stacks.values()) {
    for (const [name, req] of Object.entries(config.terraform?.required_providers ?? {})) {
      pinned.set(name, { source: normalizeSource(name, req.source), version: req.version ?? "" });
    }
  }
}
const available = new Map<string, AvailableProvider>();
const missing = new Map<string, string>();
for (const [name, { source, version }] of pinned) {
  const found = lookupProvider(source, version);
  if ("available" in found) available.set(name, found.available);
  else missing.set(name, found.missing);
}
const standIns = [...available.values()].filter((p) => p.standIn).map((p) => `${p.source} ${p.version} standing in for ${p.pinned}`);
const withStandIns = standIns.length > 0 ? ` (${standIns.join(", ")})` : "";

if (!terraform) {
  const reason = "terraform not found on PATH or in .cache/terraform/bin (.ci/provider-mirror installs one)";
  console.warn(`terraform validate tests SKIPPED: ${reason}`);
  test.skip(`terraform validate of every stack — skipped: ${reason}`, () => undefined);
} else {
  for (const [name, reason] of missing) {
    console.warn(`terraform validate of ${name} resources SKIPPED: ${reason}`);
    test.skip(`terraform validate of the ${name} provider's resources — skipped: ${reason}`, () => undefined);
  }

  describe(`terraform validate, offline, with ${[...available.values()].map((p) => `${p.source} ${p.version}`).join(", ")}`, () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
    delete env.TF_PLUGIN_CACHE_DIR;
    delete env.TF_DATA_DIR;
    const run = (dir: string, args: string[]) => spawnSync(terraform, [`-chdir=${dir}`, ...args], { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const keep = new Set(available.keys());
    const stacksDir = path.join(scratch, "stacks");

    beforeAll(() => {
      // Only the scratch mirror, no `direct {}`: nothing is fetched from the network.
      const cliConfig = path.join(scratch, "terraform.rc");
      const mirror = scratchMirror(scratch, [...available.values()]);
      fs.writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`);
      env.TF_CLI_CONFIG_FILE = cliConfig;
    });

    const initialised = new Set<string>();
    /** Writes `config` as a stack folder (initialised once) and validates it; a configuration init refuses is invalid. */
    const validate = (dir: string, config: TerraformJson): { valid: boolean; errors: string[] } => {
      const copy = structuredClone(config);
      delete copy.terraform?.backend;
      for (const [name, req] of Object.entries(copy.terraform?.required_providers ?? {})) {
        const provider = available.get(name);
        if (provider?.standIn) req.version = provider.version;
      }
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(copy, null, 2));
      if (!initialised.has(dir)) {
        const init = run(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
        if (init.status !== 0) return { valid: false, errors: [`terraform init: ${init.stderr.trim() || init.stdout.trim()}`] };
        initialised.add(dir);
      }
      const result = run(dir, ["validate", "-json", "-no-color"]);
      const parsed = JSON.parse(result.stdout) as { valid: boolean; diagnostics: Diagnostic[] };
      return { valid: parsed.valid, errors: parsed.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic) };
    };

    describe.each(synthesized.map(({ label, stacks }) => [label, stacks] as const))("%s", (label, stacks) => {
      test.each([...stacks.keys()])(`stack %s is valid Terraform${withStandIns}`, (name) => {
        const config = stacks.get(name)!;
        const part = partFor(config, keep);
        // Guard: every block of an available provider is still there, so nothing is validated as an empty shell.
        for (const kind of ["resource", "data"] as const) {
          for (const [type, instances] of Object.entries(config[kind] ?? {})) {
            if (providerOf(type) === "terraform" || keep.has(providerOf(type))) expect(Object.keys(part[kind]?.[type] ?? {})).toEqual(Object.keys(instances));
          }
        }
        if (keep.has("aws")) for (const kind of ["moved", "import"]) expect(part[kind] ?? []).toEqual(config[kind] ?? []);
        expect({ stack: name, ...validate(path.join(stacksDir, label.replace(/\W+/g, "-"), name), part) }).toEqual({ stack: name, valid: true, errors: [] });
      }, 180_000);
    });

    for (const provider of [...available.keys()].filter((name) => name !== "terraform")) {
      const { source, version, standIn, pinned: pin } = available.get(provider)!;
      test(`a planted unknown argument in a ${provider} resource fails validation (${source} ${version}${standIn ? ` standing in for ${pin}` : ""})`, () => {
        const { stacks } = synthesized[0];
        const found = [...stacks].flatMap(([name, config]) =>
          Object.entries(config.resource ?? {})
            .filter(([type]) => providerOf(type) === provider)
            .map(([type, instances]) => ({ name, config, type, id: Object.keys(instances)[0] })),
        );
        expect(found.length).toBeGreaterThan(0);
        const { name, config, type, id } = found[0];
        const broken = structuredClone(partFor(config, keep));
        broken.resource![type][id][BOGUS_ARGUMENT] = true;
        const result = validate(path.join(stacksDir, "committed-settings", name), broken);
        expect(result.valid).toBe(false);
        // JSON syntax says "Extraneous JSON object property"; HCL would say "Unsupported argument".
        expect(result.errors.join("\n")).toMatch(/Extraneous JSON object property|Unsupported argument/);
        expect(result.errors.join("\n")).toContain(BOGUS_ARGUMENT);
      }, 180_000);
    }

    test("a bare-address replace_triggered_by is valid, and the interpolated form cdktf writes for a dependable is not", () => {
      const config: TerraformJson = {
        resource: { terraform_data: { a: { input: { version: 1 } }, b: { input: "x", lifecycle: { replace_triggered_by: ["terraform_data.a"] } } } },
      };
      expect(validate(path.join(stacksDir, "builtin"), config)).toEqual({ valid: true, errors: [] });
      (config.resource!.terraform_data.b.lifecycle as { replace_triggered_by: string[] }).replace_triggered_by = ["${terraform_data.a}"];
      expect(validate(path.join(stacksDir, "builtin"), config).valid).toBe(false);
    }, 60_000);
  });
}
