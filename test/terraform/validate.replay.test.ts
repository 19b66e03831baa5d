import * as fs from "fs";
import { escapeRegExp } from "../../stacks/text";
import * as os from "os";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { FluxProvider, type FluxProviderConfig } from "../../stacks/bindings/flux/provider";
import { BootstrapGit, type BootstrapGitConfig } from "../../stacks/bindings/flux/bootstrap-git";
import { parseSettings, readRawSettings } from "../../stacks/settings/load";
import type { Settings } from "../../stacks/settings/schema";
import { MINIMAL_SETTINGS, twoClusters } from "../support";
import { formatDiagnostic, OfflineTerraform, StackWorkspace } from "./offline-terraform";
import { findTerraform, lookupProviders, REPO_ROOT } from "./providers";
import { CREDENTIAL_BLOCKS, SENSITIVE_BUT_NOT_CREDENTIALS } from "../../stacks/security/credentials";
import { schemaProblems, sensitiveBlockTypes, type ProvidersSchema } from "./schema-check";
import { cutProviders, providerOf, synthesizeStacks, type TerraformJson } from "./stack-config";

/*
 * Every synthesized stack, whole, through the real providers, offline (./terraform/providers.ts):
 * `terraform validate`, and the schema check validate lacks (./terraform/schema-check.ts: every key
 * of every provider block, resource and data source, nested, against `terraform providers schema
 * -json`), for the committed settings, two clusters, and a fleet with apps, exposed apps and teams.
 *
 * Only the blocks of a provider that cannot be had here are cut out (GitLab: its source is not
 * public where this runs), each reference to them pointed at a built-in stand-in
 * (./terraform/stack-config.ts), and a skipped test per missing provider says so: nothing passes
 * for a provider that was never asked. Where a stand-in version is used (aws 5.100.0 for 6.25.0,
 * flux 1.8.5 for 1.9.5), the pin is rewritten in the scratch copy and the test names say so.
 */

const CDKTF_JSON = path.join(REPO_ROOT, "cdktf.json");

/**
 * The GitLab provider's block types the stacks use, with the attributes its source marks
 * sensitive (gitlabhq/terraform-provider-gitlab 18.6.1: data_source_gitlab_project.go has
 * `runners_token` Sensitive; resource_gitlab_project_access_token.go `token`; the others none).
 * A new GitLab type fails the test below until its source has been read and it is added here.
 */
const GITLAB_SENSITIVE_FROM_SOURCE: Readonly<Record<string, readonly string[]>> = {
  "data.gitlab_project": ["runners_token"],
  "resource.gitlab_project_access_token": ["token"],
  "data.gitlab_current_user": [],
  "data.gitlab_project_membership": [],
  "resource.gitlab_deploy_key": [],
  "resource.gitlab_branch_protection": [],
  "resource.gitlab_repository_file": [],
};
const BOGUS_ARGUMENT = "not_a_real_argument";

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
          // Exposed apps: the zone, the certificate and its validation records, the controllers' roles.
          dns: { zoneName: "apps.example.com" },
          apps: [{ expose: { host: "nginx.apps.example.com" } }, { name: "api", autoscaling: {}, expose: { host: "api.apps.example.com", internal: true } }],
          teams: [{ name: "payments", gitlabProject: "teams/payments", ecrRepositories: ["payments/api"] }],
        },
        {
          name: "eu",
          region: "eu-west-1",
          teams: [{ name: "search", gitlabProject: "teams/search", ecrRepositories: ["search/api"], imageAutomation: true }],
        },
      ],
    }),
  ],
];
// Synthesized only where Terraform is: cdktf asks `terraform version` while it synthesizes.
const synthesized = terraform ? fleets.map(([label, settings], i) => ({ label, stacks: synthesizeStacks(settings, path.join(scratch, `out-${i}`)) })) : [];

/** Every provider any stack pins (by local name), and what each is validated with or why it cannot be. */
const { available, missing } = lookupProviders(
  Object.fromEntries(synthesized.flatMap(({ stacks }) => [...stacks.values()].flatMap((config) => Object.entries(config.terraform?.required_providers ?? {})))),
);
/** Local names of the providers whose blocks are cut out. */
const cut = new Set(missing.keys());
const standIns = [...available.values()].filter((p) => p.standIn).map((p) => `${p.source} ${p.version} standing in for ${p.pinned}`);
const withStandIns = standIns.length > 0 ? ` (${standIns.join(", ")})` : "";
/** Local name -> the schema's provider key. */
const sources = Object.fromEntries([...available].map(([name, p]) => [name, `registry.terraform.io/${p.source}`]));

if (!terraform) {
  const reason = "terraform not found on PATH or in .cache/terraform/bin (.ci/provider-mirror installs one)";
  console.warn(`terraform validate tests SKIPPED: ${reason}`);
  test.skip(`terraform validate and schema check of every stack — skipped: ${reason}`, () => undefined);
} else {
  for (const [name, reason] of missing) {
    console.warn(`terraform validate and schema check of the ${name} provider's blocks SKIPPED (cut out, references pointed at stand-ins): ${reason}`);
    test.skip(`terraform validate and schema check of the ${name} provider's blocks — skipped: ${reason}`, () => undefined);
  }

  describe(`the real providers, offline: ${[...available.values()].map((p) => `${p.source} ${p.version}`).join(", ")}`, () => {
    let workspace: StackWorkspace;
    let schema: ProvidersSchema;

    beforeAll(() => {
      const providers = [...available.values()];
      // Every available provider, installed once; a terraform_data and a terraform_remote_state
      // so that the schema includes Terraform's built-in provider too.
      const base: TerraformJson = {
        terraform: { required_providers: Object.fromEntries([...available].map(([name, p]) => [name, { source: p.source, version: p.version }])) },
        resource: { terraform_data: { schema: {} } },
        data: { terraform_remote_state: { schema: { backend: "local" } } },
      };
      workspace = new StackWorkspace(new OfflineTerraform(terraform, scratch, providers), path.join(scratch, "stacks"), base, providers);
      schema = workspace.schema<ProvidersSchema>();
    }, 300_000);

    /** Writes `config` as stack folder `name`, sharing the installed providers, and validates it. */
    const validate = (name: string, config: TerraformJson): { valid: boolean; errors: string[] } => {
      const { valid, errors } = workspace.validate(workspace.variant(name, config));
      return { valid, errors: errors.map(formatDiagnostic) };
    };

    /**
     * Every stack of a fleet validated in as few runs as Terraform allows: a stack with import
     * blocks must be a root module, so each of those is the root of one run, and the first run
     * also carries every stack without imports as a child module. Errors by stack name.
     */
    const validateFleet = (label: string, stacks: ReadonlyMap<string, TerraformJson>): Map<string, string[]> => {
      const cutStacks = [...stacks].map(([name, config]) => [name, cutProviders(config, cut).config] as const);
      const roots = cutStacks.filter(([, config]) => (config.import ?? []).length > 0);
      const modules = cutStacks.filter(([, config]) => (config.import ?? []).length === 0);
      const runs = roots.length > 0 ? roots.map((root, i) => ({ root, modules: i === 0 ? modules : [] })) : [{ root: undefined, modules }];
      const errors = new Map<string, string[]>();
      runs.forEach(({ root, modules: children }, i) => {
        const found = workspace.validateTogether(path.join(label.replace(/\W+/g, "-"), `run-${i}`), root?.[1] ?? {}, Object.fromEntries(children));
        for (const [module, diagnostics] of found) {
          const owner = module === "" ? (root?.[0] ?? "(root)") : module;
          errors.set(owner, [...(errors.get(owner) ?? []), ...diagnostics.map(formatDiagnostic)]);
        }
      });
      return errors;
    };

    describe.each(synthesized.map(({ label, stacks }) => [label, stacks] as const))("%s", (label, stacks) => {
      let errors: Map<string, string[]>;
      beforeAll(() => {
        errors = validateFleet(label, stacks);
      }, 300_000);

      test.each([...stacks.keys()])(`stack %s, whole but for what has no provider here, is valid Terraform${withStandIns}`, (name) => {
        const config = stacks.get(name)!;
        const part = cutProviders(config, cut);
        // Guard: every block of an available provider is still there, and nothing refers to a cut block.
        for (const kind of ["resource", "data"] as const) {
          for (const [type, instances] of Object.entries(config[kind] ?? {})) {
            if (!cut.has(providerOf(type))) expect(Object.keys(part.config[kind]?.[type] ?? {})).toEqual(expect.arrayContaining(Object.keys(instances)));
          }
        }
        const { terraform_data: standIns, ...rest } = part.config.resource ?? {};
        // cdktf's "//" metadata (a comment to Terraform) names the outputs' sources, cut ones too: not a reference.
        const { "//": _metadata, ...terraformConfig } = part.config;
        const text = JSON.stringify({
          ...terraformConfig,
          resource: { ...rest, terraform_data: Object.fromEntries(Object.entries(standIns ?? {}).filter(([id]) => !id.startsWith("cut__"))) },
        });
        for (const address of part.cut) expect(text).not.toMatch(new RegExp(`[^\\w.]${escapeRegExp(address)}[^\\w-]`));
        // Validated at all (not only absent from the error map), and without an error of its own or an unattributed one.
        expect(errors.has(name)).toBe(true);
        expect({ stack: name, errors: [...(errors.get(name) ?? []), ...(errors.get("(root)") ?? [])] }).toEqual({ stack: name, errors: [] });
      });

      test.each([...stacks.keys()])(`stack %s has no key the real providers' schemas lack, at any depth${withStandIns}`, (name) => {
        const part = cutProviders(stacks.get(name)!, cut);
        expect({ stack: name, problems: schemaProblems(part.config, schema, sources) }).toEqual({ stack: name, problems: [] });
      });
    });

    // ---- Every credential Terraform keeps in state is placed in the security model ---------------

    describe("the credentials in state (stacks/security/credentials.ts, docs/security-model.md)", () => {
      const placed = new Set([...Object.keys(CREDENTIAL_BLOCKS), ...Object.keys(SENSITIVE_BUT_NOT_CREDENTIALS)]);
      const used = () => {
        const found = synthesized.flatMap(({ stacks }) => [...stacks.values()].map((config) => sensitiveBlockTypes(config, schema, sources)));
        return { sensitive: [...new Set(found.flatMap((f) => f.sensitive))].sort(), unchecked: [...new Set(found.flatMap((f) => f.unchecked))].sort() };
      };

      // The credentials' providers whose schemas are here: with none, no sensitive type can be found, and "none" would prove nothing.
      const credentialProviders = [...new Set(Object.keys(CREDENTIAL_BLOCKS).map((block) => providerOf(block.split(".")[1])))].sort();
      const checkable = credentialProviders.filter((provider) => !cut.has(provider));
      const sensitiveTitle = `GIVEN every fleet's stacks WHEN each block type is looked up in its real provider's schema THEN every type with a sensitive attribute is a credential of the model, or explained${withStandIns}`;
      if (checkable.length === 0) {
        const reason = `no provider of a credential block (${credentialProviders.join(", ")}) is in the provider mirror`;
        console.warn(`the check of sensitive block types SKIPPED: ${reason}`);
        test.skip(`${sensitiveTitle} — skipped: ${reason}`, () => undefined);
      } else {
        test(sensitiveTitle, () => {
          const { sensitive } = used();
          // At least the credentials of the providers that are here are found.
          expect(sensitive.filter((type) => checkable.includes(providerOf(type.split(".")[1]))).length).toBeGreaterThan(0);
          expect(sensitive.filter((type) => !placed.has(type))).toEqual([]);
        });
      }

      test("GIVEN the GitLab provider, whose schema cannot be had here WHEN its block types are checked THEN each is one whose sensitive attributes were read in the provider's source", () => {
        const { unchecked } = used();
        // Types of another provider missing from the mirror have no schema either: their skip is announced above.
        const announced = (type: string) => cut.has(providerOf(type.split(".")[1])) && providerOf(type.split(".")[1]) !== "gitlab";
        expect(unchecked.filter((type) => !announced(type) && !(type in GITLAB_SENSITIVE_FROM_SOURCE))).toEqual([]);
        for (const [type, attributes] of Object.entries(GITLAB_SENSITIVE_FROM_SOURCE)) {
          if (attributes.length > 0) expect({ type, placed: placed.has(type) }).toEqual({ type, placed: true });
        }
      });

      test("GIVEN an AWS access key planted in a stack (its secret is sensitive) WHEN checked THEN it is named as unplaced", () => {
        const [, config] = [...synthesized[0].stacks].find(([, c]) => c.provider?.aws)!;
        const fault = structuredClone(config);
        fault.resource = { ...fault.resource, aws_iam_access_key: { leaked: { user: "someone" } } };
        expect(sensitiveBlockTypes(fault, schema, sources).sensitive.filter((type) => !placed.has(type))).toEqual(["resource.aws_iam_access_key"]);
      });
    });

    // ---- Planted faults, validated together in one run ---------------------------------------

    /** Each planted variant as a child module; its errors, from one `terraform validate` (computed on first use). */
    const planted = new Map<string, TerraformJson>();
    let plantedErrors: Map<string, string[]> | undefined;
    const plantedResult = (variant: string): { valid: boolean; errors: string[] } => {
      plantedErrors ??= new Map(
        [...workspace.validateTogether("planted", {}, Object.fromEntries(planted))].map(([module, diagnostics]) => [module, diagnostics.map(formatDiagnostic)]),
      );
      const errors = [...(plantedErrors.get(variant) ?? []), ...(plantedErrors.get("") ?? [])];
      return { valid: errors.length === 0, errors };
    };
    /** A stack with a fault planted, registered as a variant; the import blocks go (a child module may have none, and no fault is in them). */
    const plant = (variant: string, config: TerraformJson): TerraformJson => {
      const { import: _imports, ...rest } = structuredClone(config);
      planted.set(variant, rest);
      return rest;
    };

    for (const provider of [...available.keys()].filter((name) => name !== "terraform")) {
      const { source, version, standIn, pinned: pin } = available.get(provider)!;
      const found = [...(synthesized[0]?.stacks ?? [])].flatMap(([, config]) =>
        Object.entries(config.resource ?? {})
          .filter(([type]) => providerOf(type) === provider)
          .map(([type, instances]) => ({ config, type, id: Object.keys(instances)[0] })),
      );
      if (found[0])
        plant(`unknown-argument-${provider}`, cutProviders(found[0].config, cut).config).resource![found[0].type][found[0].id][BOGUS_ARGUMENT] = true;
      test(`GIVEN an unknown argument planted in a ${provider} resource WHEN validated THEN validation fails naming it (${source} ${version}${standIn ? ` standing in for ${pin}` : ""})`, () => {
        expect(found.length).toBeGreaterThan(0);
        const result = plantedResult(`unknown-argument-${provider}`);
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
      expect(validate("builtin", config)).toEqual({ valid: true, errors: [] });
      (config.resource!.terraform_data.b.lifecycle as { replace_triggered_by: string[] }).replace_triggered_by = ["${terraform_data.a}"];
      expect(validate("builtin", config).valid).toBe(false);
    }, 60_000);

    // ---- The schema check catches what validate lets through -----------------------------------

    const flux = available.get("flux");
    const fluxLabel = flux ? `${flux.source} ${flux.version}${flux.standIn ? ` standing in for ${flux.pinned}` : ""}` : "";
    const stackWithFlux = () => {
      const [name, config] = [...(synthesized[0]?.stacks ?? [])].find(([, c]) => c.provider?.flux)!;
      return { name, config: cutProviders(config, cut).config };
    };
    if (!flux) test.skip(`the Flux binding against the real schema — skipped: ${missing.get("flux") ?? "no flux provider"}`, () => undefined);
    else
      describe(`the Flux binding against the schema of ${fluxLabel}`, () => {
        const nested = [
          ["kubernetes", "not_a_real_arg"],
          ["git.ssh", "bogus"],
          ["kubernetes.exec", "bogus"],
        ] as const;
        const nestedVariants = nested.map(([where, key]) => {
          const config = plant(`nested-${where.replace(/\W/g, "-")}`, stackWithFlux().config);
          let target = config.provider!.flux[0];
          for (const part of where.split(".")) target = target[part] as Record<string, unknown>;
          target[key] = "x";
          return [where, key, config] as const;
        });
        test.each(nestedVariants)(
          "GIVEN an unknown key planted inside the provider's nested %s WHEN checked THEN terraform validate passes it silently and the schema check names it",
          (where, key, config) => {
            expect(plantedResult(`nested-${where.replace(/\W/g, "-")}`)).toEqual({ valid: true, errors: [] });
            expect(schemaProblems(config, schema, sources)).toEqual([`provider.flux[0].${where}.${key}: not in the provider's schema`]);
          },
          180_000,
        );

        test("GIVEN an unknown key planted in flux_bootstrap_git's nested timeouts WHEN checked THEN the schema check names it", () => {
          const { config } = stackWithFlux();
          const [id, bootstrap] = Object.entries(config.resource!.flux_bootstrap_git)[0];
          bootstrap.timeouts = { ...(bootstrap.timeouts as object), created: "5m" };
          expect(schemaProblems(config, schema, sources)).toEqual([`flux_bootstrap_git.${id}.timeouts.created: not in the provider's schema`]);
        });

        // Every field the hand-written binding can write, set at once: each key it emits is one the
        // real provider has (a renamed or misspelt key in the binding fails here, at any depth).
        const everyProviderField: FluxProviderConfig = {
          kubernetes: {
            host: "https://k8s.example.com",
            clusterCaCertificate: "CA",
            token: "t",
            clientCertificate: "c",
            clientKey: "k",
            username: "u",
            password: "p",
            insecure: false,
            configPath: "~/.kube/config",
            configPaths: ["~/.kube/config"],
            configContext: "ctx",
            configContextAuthInfo: "user",
            configContextCluster: "cluster",
            proxyUrl: "http://proxy.example.com:3128",
            exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token"], env: { AWS_PROFILE: "p" } },
          },
          git: {
            url: "ssh://git@gitlab.com/group/repo.git",
            branch: "main",
            authorName: "Flux",
            authorEmail: "flux@example.com",
            commitMessageAppendix: "[skip ci]",
            gpgKeyRing: "ring",
            gpgPassphrase: "pass",
            gpgKeyId: "id",
            ssh: { username: "git", password: "p", privateKey: "KEY", hostkeyAlgos: ["ssh-ed25519"] },
            http: { username: "u", password: "p", allowInsecureHttp: false, certificateAuthority: "CA" },
          },
        };
        const everyBootstrapField: BootstrapGitConfig = {
          path: "clusters/dev",
          version: "v2.9.0",
          components: ["source-controller", "kustomize-controller"],
          componentsExtra: ["image-reflector-controller", "image-automation-controller"],
          namespace: "flux-system",
          secretName: "flux-system",
          clusterDomain: "cluster.local",
          networkPolicy: true,
          logLevel: "info",
          watchAllNamespaces: true,
          interval: "1m0s",
          registry: "ghcr.io/fluxcd",
          imagePullSecret: "pull",
          registryCredentials: "user:pass",
          tolerationKeys: ["key"],
          kustomizationOverride: "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
          keepNamespace: false,
          deleteGitManifests: false,
          embeddedManifests: true,
          recurseSubmodules: false,
          disableSecretCreation: false,
          manifestsPath: "./manifests",
          timeouts: { create: "10m", read: "5m", update: "10m", delete: "5m" },
        };
        const synthBinding = (provider: typeof FluxProvider = FluxProvider) => {
          const stack = new TerraformStack(Testing.app(), "binding");
          new provider(stack, "flux", everyProviderField);
          new BootstrapGit(stack, "bootstrap", everyBootstrapField);
          return JSON.parse(Testing.synth(stack)) as TerraformJson;
        };

        test("GIVEN every field of the Flux provider and flux_bootstrap_git bindings set WHEN checked THEN every key they write is in the real schema", () => {
          const config = synthBinding();
          expect(Object.keys((config.provider!.flux[0].git as Record<string, unknown>).ssh as object)).toHaveLength(4);
          expect(schemaProblems(config, schema, { flux: sources.flux })).toEqual([]);
        });

        test("GIVEN a binding that writes a misspelt nested key (host_key_algos) WHEN checked THEN the schema check names it", () => {
          class MisspeltFluxProvider extends FluxProvider {
            protected override synthesizeAttributes(): { [name: string]: unknown } {
              const attributes = super.synthesizeAttributes() as { git: { ssh: Record<string, unknown> } };
              const { hostkey_algos: algos, ...ssh } = attributes.git.ssh;
              return { ...attributes, git: { ...attributes.git, ssh: { ...ssh, host_key_algos: algos } } };
            }
          }
          expect(schemaProblems(synthBinding(MisspeltFluxProvider), schema, { flux: sources.flux })).toEqual([
            "provider.flux[0].git.ssh.host_key_algos: not in the provider's schema",
          ]);
        });
      });

    test("GIVEN a key planted inside an object-typed kubernetes attribute and a read-only attribute set WHEN checked THEN the schema check names both", () => {
      const found = [...synthesized[0].stacks.values()].map((c) => cutProviders(c, cut).config).find((c) => c.resource?.kubernetes_secret_v1);
      if (!found || !available.has("kubernetes")) return expect(missing.has("kubernetes")).toBe(true);
      const [id, secret] = Object.entries(found.resource!.kubernetes_secret_v1)[0];
      const metadata = [secret.metadata].flat()[0] as Record<string, unknown>;
      metadata.not_a_field = "x";
      metadata.uid = "read-only";
      expect(schemaProblems(found, schema, sources)).toEqual([
        `kubernetes_secret_v1.${id}.metadata.not_a_field: not in the provider's schema`,
        `kubernetes_secret_v1.${id}.metadata.uid: read-only (computed) attribute set`,
      ]);
    });
  });
}
