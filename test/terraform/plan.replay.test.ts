import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettings, readRawSettings } from "../../stacks/settings/load";
import { removeTempDirsAfterAll, tempDir } from "../app-process";
import { findReplayTools, freePort, MotoAws } from "../aws/moto";
import { type FakeOutput, fakeOutputs, fakeWorld, type FakeWorld, pointRemoteStates, remoteStateReads, stateFile } from "./fake-remote-state";
import { formatDiagnostics, OfflineTerraform, StackWorkspace } from "./offline-terraform";
import { type AvailableProvider, findTerraform, lookupProviders, REPO_ROOT } from "./providers";
import { cutProviders, type CutStack, standInName, synthesizeStacks, type TerraformJson } from "./stack-config";

/*
 * `terraform plan` of the repository stack and the GitOps stack, committed settings, first deploy,
 * offline: the plan-time logic of the real kubernetes and flux providers (validators, defaults,
 * plan modifiers, provider configuration) runs on what we synthesize, which `terraform validate`
 * cannot do where a value comes from another stack (unknown at validate, known at plan).
 *
 * - GitLab (no provider here) is cut out, its blocks replaced by terraform_data stand-ins;
 * - the cluster and repository stacks' states are faked (./terraform/fake-remote-state.ts);
 * - AWS is moto, so data.aws_caller_identity and data.aws_partition are really read at plan;
 * - the Kubernetes API is a closed local port: a first deploy's plan must not need the cluster
 *   (a plan that tried to reach it would fail here).
 *
 * Found while writing it: on a first deploy neither provider reads the connection settings at
 * plan (a garbage CA, an endpoint without scheme or a bad SSH key all plan fine); the generated
 * CA and key are realistic so that the fakes stay right for an apply, not because the plan checks them.
 */

removeTempDirsAfterAll();

const CDKTF_JSON = path.join(REPO_ROOT, "cdktf.json");
const settings = parseSettings(readRawSettings({}, CDKTF_JSON));
const CLUSTER = settings.clusters[0].name;
const GITOPS_STACK = `${CLUSTER}-gitops`;
const REPOSITORY_STACK = "gitops-repository";
/** Providers that cannot be had here. */
const CUT = new Set(["gitlab"]);

const terraform = findTerraform();
// cdktf's App validation asks `terraform version` at synth: without Terraform there is no synth either.
const synthesized = terraform ? synthesizeOnce() : new Map<string, TerraformJson>();
/** The stacks, read into memory; their folder goes at once (jest runs no afterAll when every test skips). */
function synthesizeOnce(): Map<string, TerraformJson> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "tf-plan-synth-"));
  try {
    return synthesizeStacks(settings, outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
const stackOf = (name: string) => {
  const config = synthesized.get(name);
  if (!config) throw new Error(`no stack ${name} in the synth of the committed settings (stacks: ${[...synthesized.keys()].join(", ")})`);
  return config;
};
const NOTHING: CutStack = { config: {}, cut: [] };
const gitops = terraform ? cutProviders(stackOf(GITOPS_STACK), CUT) : NOTHING;
const repository = terraform ? cutProviders(stackOf(REPOSITORY_STACK), CUT) : NOTHING;

// ---- What can be planned here, decided when the file loads ------------------------------------

/** The providers a stack needs (built-in `terraform` aside), or why one is missing. */
function providersFor(stack: CutStack): { available: AvailableProvider[]; missing: string[] } {
  const { available, missing } = lookupProviders(stack.config.terraform?.required_providers ?? {});
  return { available: [...available.values()], missing: [...missing.values()] };
}
const describeProviders = (providers: readonly AvailableProvider[]) =>
  providers
    .map((p) => (p.standIn ? `${p.source.split("/")[1]} ${p.version} standing in for ${p.pinned}` : `${p.source.split("/")[1]} ${p.version}`))
    .join(", ");

const repositoryProviders = providersFor(repository);
const gitopsProviders = providersFor(gitops);
const awsPin = gitops.config.terraform?.required_providers?.aws?.version ?? "";
const replayTools = findReplayTools(awsPin);

// ---- The plan as JSON -----------------------------------------------------------------------

type Values = Record<string, unknown>;
interface ResourceChange {
  address: string;
  mode: "managed" | "data";
  type: string;
  change: { actions: string[]; after: Values | null; after_unknown: Values; after_sensitive: Values | boolean };
}
interface PlanJson {
  errored: boolean;
  resource_changes?: ResourceChange[];
  output_changes?: Record<string, { actions: string[]; after_unknown: boolean; after_sensitive: boolean; after?: unknown }>;
  prior_state?: { values?: { root_module?: { resources?: { address: string; mode: string; values: Values }[] } } };
}

/** Paths of the values a plan says are unknown (`after_unknown` leaves), e.g. `metadata[0].uid`. */
function unknownPaths(afterUnknown: unknown, prefix = ""): string[] {
  if (afterUnknown === true) return [prefix];
  if (Array.isArray(afterUnknown)) return afterUnknown.flatMap((v, i) => unknownPaths(v, `${prefix}[${i}]`));
  if (afterUnknown && typeof afterUnknown === "object") return Object.entries(afterUnknown).flatMap(([k, v]) => unknownPaths(v, prefix ? `${prefix}.${k}` : k));
  return [];
}

const change = (plan: PlanJson, address: string): ResourceChange => {
  const found = plan.resource_changes?.find((c) => c.address === address);
  if (!found) throw new Error(`${address} is not in the plan (planned: ${(plan.resource_changes ?? []).map((c) => c.address).join(", ")})`);
  return found;
};
const addressesOf = (config: TerraformJson, type: string) => Object.keys(config.resource?.[type] ?? {}).map((name) => `${type}.${name}`);
/** Which resource each planned address is (for the table of expected unknowns): the type, or `stand-in`. */
const kindOf = (c: ResourceChange) => (c.type === "terraform_data" && c.address.startsWith("terraform_data.cut__") ? "stand-in" : c.type);
const readAtPlan = (plan: PlanJson, address: string): Values | undefined =>
  plan.prior_state?.values?.root_module?.resources?.find((r) => r.address === address)?.values;

/**
 * The plan of `workspace`; when it fails, a plan whose every lookup throws with Terraform's
 * output, so each test names the failure (the first test shows it whole).
 */
function planOf(workspace: StackWorkspace): { errors: string; plan: PlanJson } {
  const { errors, plan } = workspace.plan<PlanJson>();
  if (plan) return { errors: formatDiagnostics(errors), plan };
  const failed = () => {
    throw new Error(`terraform plan failed:\n${formatDiagnostics(errors)}`);
  };
  return {
    errors: formatDiagnostics(errors),
    plan: {
      errored: true,
      get resource_changes() {
        return failed();
      },
      get output_changes() {
        return failed();
      },
      get prior_state() {
        return failed();
      },
    },
  };
}

const skip = (what: string, reason: string) => {
  console.warn(`${what} SKIPPED: ${reason}`);
  test.skip(`${what} — skipped: ${reason}`, () => undefined);
};

// ---- The fakes, without Terraform ------------------------------------------------------------

describe("the fake remote states", () => {
  const world = fakeWorld("https://127.0.0.1:1", "123456789012");

  test("GIVEN a producer output of an attribute the table does not know WHEN faked THEN it fails naming the output and the attribute (no guessed value)", () => {
    const producer: TerraformJson = {
      resource: { aws_eks_cluster: { c: { name: "x" } } },
      output: { "cross-stack-output-new": { value: "${aws_eks_cluster.c.identity[0].oidc[0].issuer}" } },
    };
    expect(() => fakeOutputs("some-eks", producer, ["cross-stack-output-new"], world)).toThrow(
      /output cross-stack-output-new of stack some-eks is .*aws_eks_cluster\.c\.identity\[0\]\.oidc\[0\]\.issuer.*no fake for aws_eks_cluster\.identity\[0\]\.oidc\[0\]\.issuer/,
    );
  });

  test("GIVEN a producer output that is an expression, not one attribute WHEN faked THEN it fails naming it", () => {
    const producer: TerraformJson = { output: { joined: { value: '${join(",", aws_subnet.a[*].id)}' } } };
    expect(() => fakeOutputs("some-eks", producer, ["joined"], world)).toThrow(/output joined of stack some-eks .*not a single resource attribute/);
  });
});

// ---- The repository stack -------------------------------------------------------------------

if (!terraform) {
  skip("terraform plan of the repository and GitOps stacks", "terraform not found on PATH or in .cache/terraform/bin (.ci/provider-mirror installs one)");
} else if (repositoryProviders.missing.length > 0) {
  skip(`terraform plan of ${REPOSITORY_STACK}`, repositoryProviders.missing.join("; "));
} else {
  describe(`terraform plan of ${REPOSITORY_STACK}, committed settings, first deploy (GitLab cut; ${describeProviders(repositoryProviders.available)})`, () => {
    let plan: PlanJson;
    let errors: string;
    beforeAll(() => {
      const root = tempDir("tf-plan-repository-");
      const tf = new OfflineTerraform(terraform, root, repositoryProviders.available);
      ({ errors, plan } = planOf(new StackWorkspace(tf, root, repository.config, repositoryProviders.available)));
    }, 300_000);

    test("GIVEN the stack with GitLab cut WHEN planned THEN the plan succeeds and only creates", () => {
      expect(errors).toBe("");
      expect(plan.errored).toBe(false);
      const actions = Object.fromEntries((plan.resource_changes ?? []).map((c) => [c.address, c.change.actions.join(",")]));
      expect(Object.values(actions).every((a) => a === "create")).toBe(true);
      // Every block of the stack is planned: the key, its generation, and one stand-in per GitLab block.
      expect(Object.keys(actions).sort()).toEqual(
        [...addressesOf(repository.config, "tls_private_key"), ...addressesOf(repository.config, "terraform_data")].sort(),
      );
      expect(repository.cut.map(standInName).every((name) => `terraform_data.${name}` in actions)).toBe(true);
    });

    test("GIVEN the Flux key WHEN planned THEN it is an ECDSA P256 key whose every part is unknown until apply", () => {
      const [address] = addressesOf(repository.config, "tls_private_key");
      const key = change(plan, address).change;
      expect(key.after).toMatchObject({ algorithm: "ECDSA", ecdsa_curve: "P256" });
      expect(unknownPaths(key.after_unknown).sort()).toEqual(
        [
          "id",
          "private_key_openssh",
          "private_key_pem",
          "private_key_pem_pkcs8",
          "public_key_fingerprint_md5",
          "public_key_fingerprint_sha256",
          "public_key_openssh",
          "public_key_pem",
        ].sort(),
      );
    });

    test("GIVEN the cross-stack outputs WHEN planned THEN the private key and fingerprint the GitOps stack reads are sensitive and unknown", () => {
      const outputs = plan.output_changes ?? {};
      const crossStack = Object.entries(outputs).filter(([name]) => name.startsWith("cross-stack-output-"));
      expect(crossStack.map(([name]) => name).sort()).toEqual(
        remoteStateReads(gitops.config, synthesized).find((r) => r.producer === REPOSITORY_STACK)?.outputs,
      );
      for (const [, output] of crossStack) expect(output).toMatchObject({ actions: ["create"], after_unknown: true, after_sensitive: true });
    });
  });
}

// ---- The GitOps stack -----------------------------------------------------------------------

/**
 * What a first deploy cannot know before apply, by resource type; everything else must be known.
 * The aws rows are what the provider in use computes (5.100.0 when it stands in for 6.25.0).
 */
const EXPECTED_UNKNOWN: Record<string, string[]> = {
  // Computed by the provider at create; repository_files is set by ModifyPlan on updates only.
  flux_bootstrap_git: ["id", "repository_files"],
  // The API server's, and the token from gitlab_project_access_token (cut: unknown); SDKv2 marks
  // the whole `data` map unknown when one of its values is.
  kubernetes_secret_v1: ["data", "id", "metadata[0].generation", "metadata[0].resource_version", "metadata[0].uid"],
  // IAM's and EKS's identifiers and dates. The trust policy, the permissions and tags_all (default
  // tags) are known: the caller identity and the other stacks' outputs are read at plan.
  aws_iam_role: ["arn", "create_date", "id", "inline_policy", "managed_policy_arns", "name_prefix", "unique_id"],
  aws_iam_role_policy: ["id", "name_prefix", "role"],
  aws_eks_pod_identity_association: ["association_arn", "association_id", "id", "role_arn"],
  // terraform_data's output is unknown on create, even for a cut data source's stand-in.
  "stand-in": ["id", "output"],
};

if (!terraform) {
  // Already said above.
} else if (gitopsProviders.missing.length > 0) {
  skip(`terraform plan of ${GITOPS_STACK}`, gitopsProviders.missing.join("; "));
} else if ("missing" in replayTools) {
  skip(`terraform plan of ${GITOPS_STACK} (AWS reads against moto)`, replayTools.missing);
} else {
  const tools = replayTools;
  describe(`terraform plan of ${GITOPS_STACK}, committed settings, first deploy (GitLab cut, AWS = moto, Kubernetes API unreachable; ${describeProviders(gitopsProviders.available)})`, () => {
    let moto: MotoAws;
    let world: FakeWorld;
    let accountId: string;
    let fakes: Record<string, Record<string, FakeOutput>>;
    let workspace: StackWorkspace;
    /** The stack as planned: fake states read, aws aimed at moto. */
    let planned: TerraformJson;
    let plan: PlanJson;
    let errors: string;

    beforeAll(async () => {
      moto = await MotoAws.start(tools);
      accountId = moto.boto3(`print(client("sts").get_caller_identity()["Account"])`).trim();
      world = fakeWorld(`https://127.0.0.1:${await freePort()}`, accountId);

      // The producers' states, with the outputs this stack reads.
      const root = tempDir("tf-plan-gitops-");
      const paths: Record<string, string> = {};
      fakes = {};
      for (const read of remoteStateReads(gitops.config, synthesized)) {
        fakes[read.producer] = fakeOutputs(read.producer, stackOf(read.producer), read.outputs, world);
        paths[read.block] = path.join(root, "states", `${read.producer}.tfstate`);
        fs.mkdirSync(path.dirname(paths[read.block]), { recursive: true });
        fs.writeFileSync(paths[read.block], stateFile(fakes[read.producer]));
      }
      planned = pointRemoteStates(gitops.config, paths);

      // STS, IAM and EKS are moto's; region, default tags and the rest stay as synthesized.
      const awsBlocks = planned.provider?.aws ?? [];
      if (awsBlocks.length !== 1) throw new Error(`expected one aws provider block, found ${awsBlocks.length}`);
      planned.provider!.aws = [
        {
          ...awsBlocks[0],
          access_key: "test",
          secret_key: "test",
          skip_credentials_validation: true,
          skip_metadata_api_check: "true",
          endpoints: [Object.fromEntries(["sts", "iam", "eks"].map((service) => [service, moto.endpoint]))],
        },
      ];

      const tf = new OfflineTerraform(terraform, root, gitopsProviders.available);
      workspace = new StackWorkspace(tf, path.join(root, "stack"), planned, gitopsProviders.available);
      ({ errors, plan } = planOf(workspace));
    }, 600_000);
    afterAll(() => moto?.stop());

    test("GIVEN the committed GitOps stack WHEN its remote-state reads are listed THEN they are the cluster and repository stacks, each with the outputs it reads", () => {
      expect(remoteStateReads(gitops.config, synthesized).map((r) => [r.producer, r.outputs.length > 0])).toEqual([
        [`${CLUSTER}-eks`, true],
        [REPOSITORY_STACK, true],
      ]);
    });

    const bootstrap = () => change(plan, addressesOf(gitops.config, "flux_bootstrap_git")[0]);

    test("GIVEN the committed settings WHEN planned against fake producer states THEN the plan succeeds and only creates", () => {
      expect(errors).toBe("");
      expect(plan.errored).toBe(false);
      // No data source is left for apply (a "read" action): all of them are read at plan.
      const actions = [...new Set((plan.resource_changes ?? []).map((c) => c.change.actions.join(",")))];
      expect(actions).toEqual(["create"]);
      for (const read of remoteStateReads(gitops.config, synthesized)) expect(readAtPlan(plan, `data.terraform_remote_state.${read.block}`)).toBeDefined();
      const kept = Object.entries(gitops.config.resource ?? {}).flatMap(([type, instances]) => Object.keys(instances).map((name) => `${type}.${name}`));
      expect((plan.resource_changes ?? []).map((c) => c.address).sort()).toEqual(kept.sort());
    });

    test("GIVEN moto as STS WHEN planned THEN the caller identity and partition are read at plan, and the role's trust policy is known with them", () => {
      expect(readAtPlan(plan, "data.aws_caller_identity.caller")).toMatchObject({ account_id: accountId });
      expect(readAtPlan(plan, "data.aws_partition.partition")).toMatchObject({ partition: "aws" });
      const [role] = addressesOf(gitops.config, "aws_iam_role");
      const trust = JSON.parse(String(change(plan, role).change.after?.assume_role_policy)) as {
        Statement: { Condition: { StringEquals: Record<string, string> } }[];
      };
      expect(trust.Statement[0].Condition.StringEquals).toMatchObject({
        "aws:SourceAccount": accountId,
        "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:${settings.clusters[0].region}:${accountId}:cluster/${CLUSTER}`,
      });
    });

    test("GIVEN the cluster stack's fake state WHEN planned THEN the image reflector may read exactly its ECR repository, in the named cluster", () => {
      const [policy] = addressesOf(gitops.config, "aws_iam_role_policy");
      const document = JSON.parse(String(change(plan, policy).change.after?.policy)) as { Statement: { Sid: string; Resource: string | string[] }[] };
      const ecrArn = Object.values(fakes[`${CLUSTER}-eks`]).find((o) => o.expression.includes("aws_ecr_repository") && o.expression.endsWith('.arn}"'))?.value;
      expect(ecrArn).toMatch(new RegExp(`^arn:aws:ecr:[a-z0-9-]+:${accountId}:repository/`));
      expect(document.Statement.find((s) => s.Sid === "EcrRead")?.Resource).toEqual([ecrArn]);
      const [association] = addressesOf(gitops.config, "aws_eks_pod_identity_association");
      expect(change(plan, association).change.after).toMatchObject({
        cluster_name: CLUSTER,
        namespace: "flux-system",
        service_account: "image-reflector-controller",
      });
    });

    test("GIVEN the bootstrap WHEN planned by the flux provider THEN it has the path, the image controllers, network policy and embedded manifests we set, and the provider's defaults", () => {
      const after = bootstrap().change.after ?? {};
      expect(after).toMatchObject({
        path: `clusters/${CLUSTER}`,
        embedded_manifests: true,
        network_policy: true,
        delete_git_manifests: false,
        interval: "1m0s",
        // Defaults the provider fills in at plan: the ones the stacks rely on.
        namespace: "flux-system",
        secret_name: "flux-system",
        watch_all_namespaces: true,
        keep_namespace: false,
      });
      // A set: the order is the provider's.
      expect([...((after.components_extra as string[]) ?? [])].sort()).toEqual(["image-automation-controller", "image-reflector-controller"]);
      expect([...((after.components as string[]) ?? [])].sort()).toEqual([
        "helm-controller",
        "kustomize-controller",
        "notification-controller",
        "source-controller",
      ]);
      expect(after.timeouts).toEqual({ create: "20m", update: "20m", read: "5m", delete: "10m" });
    });

    test("GIVEN the deploy key's fingerprint from the repository stack WHEN planned THEN the kustomization override is known, carries it, and passed the provider's check", () => {
      const override = String(bootstrap().change.after?.kustomization_override);
      const fingerprint = Object.values(fakes[REPOSITORY_STACK]).find((o) => o.expression.includes("public_key_fingerprint_sha256"))?.value;
      expect(fingerprint).toMatch(/^SHA256:/);
      expect(override).toContain(`# Flux deploy key: ${fingerprint}\n`);
      expect(override).toMatch(/resources:\n {2}- gotk-components\.yaml\n {2}- gotk-sync\.yaml\n/);
    });

    test("GIVEN the commit-status token WHEN planned by the kubernetes provider THEN the Secret is planned in flux-system with the token unknown until GitLab makes it", () => {
      const [secret] = addressesOf(gitops.config, "kubernetes_secret_v1");
      const planned = change(plan, secret).change;
      expect(planned.after).toMatchObject({
        type: "Opaque",
        metadata: [expect.objectContaining({ name: "gitlab-commit-status-token", namespace: "flux-system" })],
      });
      expect(planned.after_sensitive).toMatchObject({ data: true });
    });

    test("GIVEN a first deploy WHEN planned THEN exactly what only apply can know is unknown, and nothing else", () => {
      const unknown = Object.fromEntries((plan.resource_changes ?? []).map((c) => [c.address, unknownPaths(c.change.after_unknown).sort()]));
      const expected = Object.fromEntries(
        (plan.resource_changes ?? []).map((c) => {
          const kind = kindOf(c);
          if (!EXPECTED_UNKNOWN[kind]) throw new Error(`${c.address}: no expectation for ${kind} in EXPECTED_UNKNOWN`);
          return [c.address, [...EXPECTED_UNKNOWN[kind]].sort()];
        }),
      );
      expect(unknown).toEqual(expected);
      // Outputs: the role's ARN (IAM's) and the token's expiry (GitLab's, cut) wait for apply; the path is known.
      const outputs = Object.fromEntries(Object.entries(plan.output_changes ?? {}).map(([name, o]) => [name, o.after_unknown]));
      expect(outputs).toEqual({ commit_status_token_expires_at: true, image_reflector_role_arn: true, gitops_path: false });
    });

    /**
     * The stack's Flux part only: the flux provider, the bootstrap and the remote states it reads.
     * A planted fault is checked there, as the whole stack would be, without loading the aws
     * provider's schema twice more (most of a plan's time here).
     */
    const fluxPart = (): TerraformJson => {
      const bootstrapBlocks = structuredClone(planned.resource!.flux_bootstrap_git);
      for (const body of Object.values(bootstrapBlocks)) delete body.depends_on;
      return {
        terraform: { ...planned.terraform, required_providers: { flux: planned.terraform!.required_providers!.flux } },
        provider: { flux: planned.provider!.flux },
        data: { terraform_remote_state: planned.data!.terraform_remote_state },
        resource: { flux_bootstrap_git: bootstrapBlocks },
      };
    };

    describe("planted faults, and where the real flux provider catches them", () => {
      test("GIVEN the Flux part of the stack as synthesized WHEN validated and planned THEN both pass (the faults below are the only change)", () => {
        const dir = workspace.variant("flux-part", fluxPart());
        expect(workspace.validate(dir)).toEqual({ valid: true, errors: [] });
        expect(workspace.plan(dir).errors).toEqual([]);
      }, 300_000);

      test("GIVEN a kustomization override without gotk-sync.yaml WHEN validated THEN it passes (the override holds a remote-state value, unknown at validate), AND WHEN planned THEN the flux provider rejects it", () => {
        const broken = fluxPart();
        const bootstrapName = Object.keys(broken.resource!.flux_bootstrap_git)[0];
        const body = broken.resource!.flux_bootstrap_git[bootstrapName];
        body.kustomization_override = String(body.kustomization_override).replace("  - gotk-sync.yaml\n", "");
        expect(body.kustomization_override).not.toContain("gotk-sync.yaml");
        const dir = workspace.variant("no-gotk-sync", broken);
        expect(workspace.validate(dir)).toEqual({ valid: true, errors: [] });
        // The provider's kustomization_override validator skips unknown values; at plan the value is known.
        expect(workspace.plan(dir).errors).toEqual([
          expect.objectContaining({
            summary: "Missing required resource.",
            detail: "Kustomization resource must contain: gotk-sync.yaml",
            address: `flux_bootstrap_git.${bootstrapName}`,
          }),
        ]);
      }, 300_000);

      test("GIVEN an scp-style git url (what GitLab's ssh_url_to_repo gives) WHEN validated THEN the flux provider already rejects it: its URL type cannot parse it", () => {
        const broken = fluxPart();
        const [flux] = broken.provider!.flux as { git: { url: string } }[];
        flux.git.url = "git@gitlab.com:example-group/flux-gitops.git";
        const { valid, errors } = workspace.validate(workspace.variant("scp-url", broken));
        expect(valid).toBe(false);
        // Go's url.Parse fails before the provider's own scheme validator runs; a plan validates first.
        expect(errors.map((e) => e.detail).join("\n")).toContain(
          'parse "git@gitlab.com:example-group/flux-gitops.git": first path segment in URL cannot contain colon',
        );
      }, 300_000);
    });
  });
}
