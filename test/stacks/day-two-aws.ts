import { exampleSettings } from "../manifests/fixtures";
import { removeTempDirsAfterAll } from "../app-process";
import { findReplayTools, MotoAws } from "../aws/moto";
import { synthApp, type SynthesizedJson } from "../support";

/*
 * Day two, replayed against AWS offline (moto + the AWS provider + Terraform): what the cluster
 * stack's plan-time reads and import do across a destroy and re-deploy, and across scaling changes
 * made by the cluster autoscaler and by the settings. Two files (the log group, the node group)
 * share this, so that the two replays, a minute or more each, run side by side.
 */

export const CLUSTER = "flux-cluster";
export const LOG_GROUP = `/aws/eks/${CLUSTER}/cluster`;

export function eksStack(nodeGroup: Record<string, number> = {}): SynthesizedJson & { import?: unknown[] } {
  return synthApp(exampleSettings({ name: CLUSTER, nodeGroup }))[`${CLUSTER}-eks`];
}

/** Only the blocks of `stack` the replay needs: the given data sources and resources, and the import blocks. */
export function slice(stack: SynthesizedJson & { import?: unknown[] }, parts: { data?: string[]; resource?: string[]; imports?: boolean }) {
  const pick = (blocks: Record<string, unknown> | undefined, types: string[] = []) =>
    Object.fromEntries(types.map((type) => [type, blocks?.[type]]).filter(([, block]) => block !== undefined));
  return {
    ...(parts.data ? { data: pick(stack.data, parts.data) } : {}),
    ...(parts.resource ? { resource: pick(stack.resource, parts.resource) } : {}),
    ...(parts.imports && stack.import ? { import: stack.import } : {}),
  };
}

/**
 * `body` inside a describe against a moto server (started once, reset before each test), or one
 * skipped test saying why when moto, Terraform or an AWS provider is missing.
 */
export function describeAgainstMoto(title: string, body: (aws: () => MotoAws, committed: SynthesizedJson & { import?: unknown[] }) => void): void {
  removeTempDirsAfterAll();
  const committed = eksStack();
  const awsVersion = String((committed.terraform?.required_providers as Record<string, { version: string }>).aws.version);
  const tools = findReplayTools(awsVersion);
  if ("missing" in tools) {
    console.warn(`AWS replays (moto) SKIPPED: ${tools.missing}`);
    test.skip(`${title} — skipped: ${tools.missing}`, () => undefined);
    return;
  }
  const provider = tools.aws.standIn ? `aws ${tools.aws.version} standing in for ${awsVersion}` : `aws ${awsVersion}`;
  describe(`day two against moto (${provider})`, () => {
    let aws: MotoAws;
    beforeAll(async () => {
      aws = await MotoAws.start(tools);
    }, 60_000);
    afterAll(() => aws?.stop());
    beforeEach(() => aws.reset());
    body(() => aws, committed);
  });
}
