import * as fs from "fs";
import { escapeRegExp } from "../stacks/text";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { parseSettings } from "../stacks/settings/load";
import type { ClusterSettings, Settings, SettingsInput } from "../stacks/settings/schema";
import { remoteStateBlock } from "../stacks/state/remote-reads";

/**
 * The risks the default settings run: the API endpoint is public and open to the world (for
 * laptops and shared runners), which the policy refuses unless the settings accept it knowingly.
 */
export const DEFAULT_ACCEPTED_RISKS = {
  CKV_AWS_38: "deployed from laptops and shared CI runners whose addresses are not fixed",
  CKV_AWS_39: "deployed from outside the VPC, which needs the public endpoint",
} as const;

/**
 * The smallest valid settings that synthesize: every default, one cluster, and the default
 * public endpoint's risks accepted. Example values only, no secrets.
 */
export const MINIMAL_SETTINGS: SettingsInput = {
  gitlab: { project: "example-group/flux-gitops" },
  clusters: [{ name: "test-cluster" }],
  policy: { acceptedRisks: DEFAULT_ACCEPTED_RISKS },
};

/** An example admin role for tests that need one (a fake account id). */
export const EXAMPLE_ADMIN_ARN = "arn:aws:iam::111122223333:role/platform-admin";

/** Validated settings from MINIMAL_SETTINGS with the first cluster's fields overridden. */
export function testSettings(cluster: Partial<SettingsInput["clusters"][number]> = {}): Settings {
  return parseSettings({ ...MINIMAL_SETTINGS, clusters: [{ ...MINIMAL_SETTINGS.clusters[0], ...cluster }] });
}

/** Two clusters, "test-cluster" and "second", with their own ECR repositories, sharing the GitOps branch. */
export function twoClusters(): Settings {
  const first = MINIMAL_SETTINGS.clusters[0];
  return parseSettings({ ...MINIMAL_SETTINGS, clusters: [first, { ...first, name: "second", apps: [{ ecr: { repositoryName: "second-repo" } }] }] });
}

export function testCluster(cluster: Partial<SettingsInput["clusters"][number]> = {}): ClusterSettings {
  return testSettings(cluster).clusters[0];
}

/** Synthesizes one construct inside a bare stack with an AWS provider and returns the parsed JSON. */
export function synthConstruct(build: (scope: Construct) => void): SynthesizedJson {
  return JSON.parse(synthConstructRaw(build)) as SynthesizedJson;
}

/** Like synthConstruct, but returns the JSON string the cdktf matchers take. */
export function synthConstructRaw(build: (scope: Construct) => void): string {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "us-west-2" });
  build(stack);
  return Testing.synth(stack);
}

/** Terraform JSON as synthesized: block type -> resource type -> logical id -> config. */
export interface SynthesizedJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; description?: string }>;
  provider?: Record<string, Record<string, unknown>[]>;
  terraform?: Record<string, unknown>;
  locals?: Record<string, unknown>;
}

/**
 * Untyped JSON as the tests handle it: a resource's synthesized config, a parsed manifest or
 * pipeline, raw settings edited before validation (wrong on purpose, as a user could write them).
 * The tests index into it freely: a wrong path fails the expectation that reads it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON read by path (see above); `unknown` would need a cast at every step
export type Json = Record<string, any>;

/** All resources of one type, as [logicalId, config] pairs. */
export function resourcesOf(json: SynthesizedJson, type: string): [string, Json][] {
  return Object.entries(json.resource?.[type] ?? {});
}

/** The single resource of a type; fails the test when there are zero or several. */
export function onlyResource(json: SynthesizedJson, type: string): Json {
  const all = resourcesOf(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0][1];
}

/** synthApp's results in this test file, by the settings' JSON (each jest worker loads its own copy). */
const synthesized = new Map<string, Record<string, SynthesizedJson>>();

/**
 * Synthesizes the whole app the way `cdktf synth` does (cross-stack references become remote
 * state and outputs only then) and returns each stack's Terraform JSON by stack name.
 *
 * Memoized: the same settings are synthesized once per test file, and every caller gets its own
 * deep copy, so a test that edits what it got cannot change what the next one sees.
 */
export function synthApp(settings: Settings): Record<string, SynthesizedJson> {
  const key = JSON.stringify(settings);
  let stacks = synthesized.get(key);
  if (!stacks) {
    stacks = synthAppUncached(settings);
    synthesized.set(key, stacks);
  }
  return structuredClone(stacks);
}

function synthAppUncached(settings: Settings): Record<string, SynthesizedJson> {
  // Required lazily: main.ts pulls in every stack, which construct-level tests do not need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (the line above)
  const { buildApp } = require("../main") as typeof import("../main");
  const app = buildApp(Testing.app(), settings);
  app.synth();
  const stacksDir = path.join(app.outdir, "stacks");
  try {
    return Object.fromEntries(
      fs.readdirSync(stacksDir).map((name) => [name, JSON.parse(fs.readFileSync(path.join(stacksDir, name, "cdk.tf.json"), "utf8")) as SynthesizedJson]),
    );
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

/**
 * A pattern for `data.terraform_remote_state.<block>.outputs.<name>`, where <block> is the block of
 * stack `reader` that reads `producer`'s state (found by backend, stacks/state/remote-reads.ts, not
 * by cdktf's block names) and <name> ends with `output` (cdktf names outputs after the attribute).
 */
export function remoteOutput(stacks: Readonly<Record<string, SynthesizedJson>>, reader: string, producer: string, output: string | RegExp): RegExp {
  const block = escapeRegExp(remoteStateBlock(stacks, reader, producer));
  return new RegExp(`data\\.terraform_remote_state\\.${block}\\.outputs\\.[^}]*${typeof output === "string" ? output : output.source}`);
}
