import * as fs from "fs";
import * as path from "path";
import { parseSettings } from "../../stacks/settings/load";
import type { Settings } from "../../stacks/settings/schema";
import { MINIMAL_SETTINGS } from "../support";

/*
 * main.ts turns off cdktf's creation stack trace per token (stacks/tooling/token-creation-stacks.ts).
 * Each case loads cdktf afresh (jest.isolateModules), so the patch of one never leaks into another.
 */

type Cdktf = typeof import("cdktf");
type Patch = typeof import("../../stacks/tooling/token-creation-stacks");

/** A fresh cdktf, with the patch applied for `env`; what the patch returned. */
function freshCdktf(env: NodeJS.ProcessEnv): { cdktf: Cdktf; skipped: boolean; buildApp: typeof import("../../main").buildApp } {
  let loaded: ReturnType<typeof freshCdktf> | undefined;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports -- a module registry of this case's own */
    const { skipTokenCreationStacks } = require("../../stacks/tooling/token-creation-stacks") as Patch;
    const skipped = skipTokenCreationStacks(env);
    loaded = { cdktf: require("cdktf") as Cdktf, skipped, buildApp: (require("../../main") as typeof import("../../main")).buildApp };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  return loaded!;
}

/** Each stack's cdk.tf.json as written, by stack name. */
function synthesizedText({ cdktf, buildApp }: ReturnType<typeof freshCdktf>, settings: Settings): Record<string, string> {
  const app = buildApp(cdktf.Testing.app(), settings);
  app.synth();
  const stacksDir = path.join(app.outdir, "stacks");
  try {
    return Object.fromEntries(
      fs
        .readdirSync(stacksDir)
        .sort()
        .map((name) => [name, fs.readFileSync(path.join(stacksDir, name, "cdk.tf.json"), "utf8")]),
    );
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** The creation stack of a fresh token (the Intrinsic a Lazy string is). */
function creationStackOf(cdktf: Cdktf): string[] {
  const token = cdktf.Tokenization.reverseString(cdktf.Lazy.stringValue({ produce: () => "x" })).firstToken;
  return token?.creationStack ?? ["no token"];
}

describe("cdktf's creation stack traces, off at synth", () => {
  test("GIVEN no SYNTH_STACK_TRACE WHEN the patch is applied THEN a new token carries an empty creation stack", () => {
    const { cdktf, skipped } = freshCdktf({});
    expect(skipped).toBe(true);
    expect(creationStackOf(cdktf)).toEqual([]);
  });

  test("GIVEN SYNTH_STACK_TRACE=1 WHEN the patch is asked for THEN tokens keep the trace that names where they were made", () => {
    const { cdktf, skipped } = freshCdktf({ SYNTH_STACK_TRACE: "1" });
    expect(skipped).toBe(false);
    expect(creationStackOf(cdktf).join("\n")).toContain("token-creation-stacks.test.ts");
  });

  test("GIVEN a fleet with apps and teams WHEN synthesized with the traces off THEN every stack is byte-identical to a synth with them", () => {
    const settings = parseSettings({
      ...MINIMAL_SETTINGS,
      clusters: [
        { name: "us", apps: [{}, { name: "api" }], teams: [{ name: "payments", gitlabProject: "teams/payments", ecrRepositories: ["payments/api"] }] },
        { name: "eu", region: "eu-west-1" },
      ],
    });
    const withTraces = synthesizedText(freshCdktf({ SYNTH_STACK_TRACE: "1" }), settings);
    const without = synthesizedText(freshCdktf({}), settings);
    expect(Object.keys(without)).toEqual(Object.keys(withTraces));
    expect(Object.keys(without).length).toBeGreaterThan(0);
    for (const name of Object.keys(without)) expect(`${name}: ${without[name]}`).toEqual(`${name}: ${withTraces[name]}`);
  });
});
