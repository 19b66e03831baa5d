import { spawnSync, type SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT, committedContext, projectCopy, removeTempDirsAfterAll, runApp, tempDir } from "../app-process";
import type { Json } from "../support";

/*
 * End to end: the app as the cdktf CLI runs it (cdktf.json's `app` command, run by a shell in the
 * project root, with the context in CDKTF_CONTEXT_JSON and the output directory in CDKTF_OUTDIR),
 * and once through `cdktf synth` itself.
 */

const BAD_LINE = 'settings.clusters[0].eks.kubernetesVersion: "1.29" is not allowed; allowed: 1.33 or newer (Flux 2.9 needs 1.33)';

/** cdktf.json's context block with kubernetesVersion replaced (or as committed when undefined). */
function context(kubernetesVersion?: string): Json {
  const ctx = committedContext();
  if (kubernetesVersion !== undefined) ctx.settings.clusters[0].eks.kubernetesVersion = kubernetesVersion;
  return ctx;
}

/**
 * A project copy with an earlier, successful synth in its outdir, then broken by `breakIt` and run
 * again by `rerun`: what a user sees after a bad edit.
 */
function rerunAfterBreaking(
  prefix: string,
  breakIt: (project: string) => void,
  rerun: (project: string, outdir: string) => SpawnSyncReturns<string>,
): { outdir: string; earlier: boolean; result: SpawnSyncReturns<string> } {
  const project = projectCopy(prefix);
  const outdir = path.join(project, "cdktf.out");
  const earlier = runApp(context(), outdir, { project }).status === 0 && hasStacks(outdir);
  breakIt(project);
  return { outdir, earlier, result: rerun(project, outdir) };
}

/** True when `outdir` holds the stacks of a synth. */
const hasStacks = (outdir: string) => fs.existsSync(path.join(outdir, "manifest.json")) || fs.existsSync(path.join(outdir, "stacks"));

const nonEmptyLines = (text: string) => text.split(/\r?\n/).filter((line) => line.trim() !== "");
const looksLikeStackTrace = /^\s+at .+(\(|:\d+)/m;

removeTempDirsAfterAll();

describe("synth through the app entry point (main.ts)", () => {
  describe("GIVEN the committed settings", () => {
    let outdir: string;
    let result: SpawnSyncReturns<string>;

    beforeAll(() => {
      // WHEN the app runs
      outdir = tempDir("synth-good-");
      result = runApp(context(), outdir);
    });

    test("THEN it exits 0 without writing to stderr", () => {
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
    });

    test("THEN stacks/flux-cluster-eks/cdk.tf.json is written and holds the flux-cluster EKS cluster", () => {
      const stackFile = path.join(outdir, "stacks", "flux-cluster-eks", "cdk.tf.json");
      expect(fs.existsSync(stackFile)).toBe(true);
      const stack = JSON.parse(fs.readFileSync(stackFile, "utf8"));
      expect(Object.values<Json>(stack.resource.aws_eks_cluster).map((c) => c.name)).toEqual(["flux-cluster"]);
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
      expect(Object.keys(manifest.stacks)).toContain("flux-cluster-eks");
    });
  });

  describe("GIVEN a machine with Node and npm but no terraform binary, and a fleet with teams (deploy keys, state moves)", () => {
    let outdir: string;
    let result: SpawnSyncReturns<string>;
    /** This PATH without every folder that holds a `terraform`. */
    const withoutTerraform = (process.env.PATH ?? "").split(path.delimiter).filter((dir) => dir && !fs.existsSync(path.join(dir, "terraform")));

    beforeAll(() => {
      // WHEN the app runs as the CLI runs it, with no terraform to be found
      outdir = tempDir("synth-no-terraform-");
      const ctx = committedContext();
      ctx.settings.clusters[0].teams = [{ name: "payments", gitlabProject: "teams/payments", ecrRepositories: ["payments/api"] }];
      result = runApp(ctx, outdir, { env: { ...process.env, PATH: withoutTerraform.join(path.delimiter) } });
    });

    test("THEN no folder of that PATH holds terraform (the precondition of this test)", () => {
      expect(spawnSync("sh", ["-c", "command -v terraform"], { env: { PATH: withoutTerraform.join(path.delimiter) } }).status).not.toBe(0);
    });

    test("THEN every stack is synthesized: synth spawns no terraform (Terraform enforces required_version at init)", () => {
      expect({ status: result.status, stderr: result.stderr.split("\n").filter((line) => !line.startsWith("WARN ")) }).toEqual({ status: 0, stderr: [""] });
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
      expect(Object.keys(manifest.stacks).sort()).toEqual(["flux-cluster-eks", "flux-cluster-gitops", "gitops-repository"]);
      const eks = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "flux-cluster-eks", "cdk.tf.json"), "utf8"));
      expect(eks.moved.length).toBeGreaterThan(0);
      expect(eks.terraform.required_version).toBe(">= 1.7.0");
    });
  });

  describe('GIVEN kubernetesVersion "1.29" in the settings', () => {
    let outdir: string;
    let result: SpawnSyncReturns<string>;

    beforeAll(() => {
      // WHEN the app runs
      outdir = tempDir("synth-bad-");
      result = runApp(context("1.29"), outdir);
    });

    test("THEN it exits non-zero", () => {
      expect(result.error).toBeUndefined();
      expect(result.status).toBe(1);
    });

    test("THEN stderr is exactly one line naming the path, the value and what is allowed", () => {
      expect(nonEmptyLines(result.stderr)).toEqual([BAD_LINE]);
      expect(result.stdout).toBe("");
    });

    test("THEN there is no stack trace", () => {
      expect(result.stderr).not.toMatch(looksLikeStackTrace);
      expect(result.stderr).not.toContain("SettingsError");
    });

    test("THEN no stack and no manifest is written", () => {
      const stacksDir = path.join(outdir, "stacks");
      expect(fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir) : []).toEqual([]);
      expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(false);
    });

    // `new App()` creates <outdir>/stacks before the settings are validated; main.ts removes it again.
    test("THEN the outdir has no stacks/ directory", () => {
      expect(fs.existsSync(path.join(outdir, "stacks"))).toBe(false);
    });
  });
});

describe("a failed synth of a template or of cdktf.json", () => {
  describe.each([
    [
      "an unknown placeholder",
      (t: string) => t.replace('name: "__APP_NAME__"', 'name: "__APP_NAMEE__"'),
      /^config_files\/app\/service\.yaml:6:10: unknown placeholder __APP_NAMEE__ \(this layer knows __CLUSTER_NAME__, .*\)$/,
    ],
    [
      "YAML that does not parse",
      (t: string) => t.replace("spec:\n  type: ClusterIP", "spec:\n  type: ClusterIP\n   selector: {"),
      /^config_files\/app\/service\.yaml:\d+:\d+: not valid YAML: .+$/,
    ],
  ])("GIVEN config_files/app/service.yaml with %s and an outdir holding an earlier synth", (_what, breakIt, expected) => {
    let outdir: string;
    let result: SpawnSyncReturns<string>;
    let earlier: boolean;

    beforeAll(() => {
      // WHEN the app runs again after the template is broken
      ({ outdir, earlier, result } = rerunAfterBreaking(
        "synth-template-",
        (project) => {
          const template = path.join(project, "config_files", "app", "service.yaml");
          fs.writeFileSync(template, breakIt(fs.readFileSync(template, "utf8")));
        },
        (project, out) => runApp(context(), out, { project }),
      ));
    });

    test("THEN the earlier synth had written stacks (precondition)", () => {
      expect(earlier).toBe(true);
    });

    test("THEN it exits 1 with one line naming the template, line and column, and no stack trace", () => {
      expect(result.status).toBe(1);
      expect(nonEmptyLines(result.stderr)).toEqual([expect.stringMatching(expected)]);
      expect(result.stderr).not.toMatch(looksLikeStackTrace);
    });

    test("THEN the earlier stacks are gone, so nothing stale can be deployed", () => {
      expect(hasStacks(outdir)).toBe(false);
    });
  });

  describe("GIVEN a cdktf.json that is not valid JSON and an outdir holding an earlier synth", () => {
    let outdir: string;
    let result: SpawnSyncReturns<string>;
    let earlier: boolean;

    beforeAll(() => {
      // WHEN `npm run synth` (the check in front of the cdktf CLI) runs after a comma is lost
      ({ outdir, earlier, result } = rerunAfterBreaking(
        "synth-json-",
        (project) => {
          const file = path.join(project, "cdktf.json");
          fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"language": "typescript",', '"language": "typescript"'));
        },
        (project) =>
          spawnSync(process.execPath, [path.join(project, "stacks", "tooling", "cdktf.js"), "synth"], { cwd: project, encoding: "utf8", timeout: 60_000 }),
      ));
    });

    test("THEN the earlier synth had written stacks (precondition)", () => {
      expect(earlier).toBe(true);
    });

    test("THEN it exits 1 with one line naming the file, line and column, and no stack trace", () => {
      expect(result.status).toBe(1);
      expect(nonEmptyLines(result.stderr)).toEqual(["cdktf.json: line 3, column 3: Expected ',' or '}' after property value"]);
      expect(result.stdout).toBe("");
    });

    test("THEN the earlier stacks are gone", () => {
      expect(hasStacks(outdir)).toBe(false);
    });
  });
});

describe("synth through the real cdktf CLI", () => {
  describe('GIVEN a copy of the project whose cdktf.json has kubernetesVersion "1.29" and an outdir holding an earlier synth', () => {
    let project: string;
    let outdir: string;
    let result: SpawnSyncReturns<string>;
    let earlierStackWritten: boolean;

    beforeAll(() => {
      project = projectCopy("synth-cli-");
      const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8"));
      cdktfJson.context = context("1.29");
      fs.writeFileSync(path.join(project, "cdktf.json"), JSON.stringify(cdktfJson, null, 2));

      // An earlier, successful synth into the same outdir.
      outdir = path.join(project, "cdktf.out");
      const earlier = runApp(context(), outdir);
      if (earlier.status !== 0) throw new Error(`the earlier synth failed: ${earlier.stderr}`);
      earlierStackWritten = fs.existsSync(path.join(outdir, "manifest.json")) && fs.existsSync(path.join(outdir, "stacks", "flux-cluster-eks", "cdk.tf.json"));

      // An empty Terraform CLI config keeps unrelated warnings about a missing ~/.terraformrc out of the output.
      const terraformrc = path.join(project, "terraformrc");
      fs.writeFileSync(terraformrc, "");

      // WHEN `cdktf synth` runs
      const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: terraformrc, FORCE_COLOR: "0" };
      delete env.CDKTF_CONTEXT_JSON;
      delete env.CDKTF_OUTDIR;
      result = spawnSync(path.join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", "cdktf.out"], {
        cwd: project,
        env,
        encoding: "utf8",
        timeout: 180_000,
      });
    });

    test("THEN the earlier synth had written the stack (precondition)", () => {
      expect(earlierStackWritten).toBe(true);
    });

    test("THEN cdktf synth exits non-zero", () => {
      expect(result.error).toBeUndefined();
      expect(result.status).toBe(1);
    });

    test("THEN stderr shows cdktf's error banner quoting the one settings line, and no stack trace", () => {
      expect(result.stderr).toContain("cdktf encountered an error while synthesizing");
      // cdktf quotes the app's stderr indented by four spaces.
      const appLines = nonEmptyLines(result.stderr).filter((line) => line.includes("settings."));
      expect(appLines).toEqual([`    ${BAD_LINE}`]);
      expect(result.stderr).not.toMatch(looksLikeStackTrace);
      expect(result.stderr).not.toContain("SettingsError");
    });

    test("THEN stdout shows the same line once more, as it streams, as a cdktf [ERROR] log entry", () => {
      const appLines = nonEmptyLines(result.stdout).filter((line) => line.includes("settings."));
      expect(appLines).toHaveLength(1);
      expect(appLines[0]).toMatch(/^\[[^\]]+\] \[ERROR\] default - /);
      expect(appLines[0].replace(/^\[[^\]]+\] \[ERROR\] default - /, "")).toBe(BAD_LINE);
      expect(result.stdout).not.toMatch(looksLikeStackTrace);
    });

    // cdktf 0.21 removes stale stack directories only after a successful synth, so main.ts clears
    // <outdir>/stacks and <outdir>/manifest.json itself; otherwise `cdktf deploy --skip-synth` or a
    // `terraform apply` in cdktf.out/stacks/... would use the earlier stack.
    test("THEN the outdir no longer holds the earlier stack", () => {
      expect(fs.existsSync(path.join(outdir, "stacks", "flux-cluster-eks"))).toBe(false);
      expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(false);
    });
  });
});

describe("several wrong settings through the app", () => {
  test("GIVEN several wrong settings at once WHEN synthesized THEN the app exits non-zero, names each, and leaves no stack", () => {
    const ctx = committedContext();
    ctx.settings.clusters[0].region = "us-west-9";
    ctx.settings.clusters[0].apps[0] = { ...ctx.settings.clusters[0].apps[0], semverRange: "...." };
    ctx.settings.gitlab.branch = "feature..x";
    const outdir = tempDir("every-setting-");
    const result = runApp(ctx, outdir);
    expect(result.status).not.toBe(0);
    for (const where of ["settings.clusters[0].region:", "settings.clusters[0].apps[0].semverRange:", "settings.gitlab.branch:"]) {
      expect(result.stderr).toContain(where);
    }
    expect(fs.existsSync(path.join(outdir, "stacks"))).toBe(false);
  }, 120_000);
});
