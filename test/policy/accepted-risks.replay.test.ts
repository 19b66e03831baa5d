import * as fs from "fs";
import * as path from "path";
import { committedContext, removeTempDirsAfterAll, runApp, tempDir } from "../app-process";

/*
 * The policy at synth, replayed with the app run as the cdktf CLI runs it (a child process); the
 * accepted risks themselves are tested in process in accepted-risks.test.ts.
 */

removeTempDirsAfterAll();

describe("policy at synth, the app as the CLI runs it", () => {
  test("GIVEN the committed settings without their accepted risks WHEN the app runs THEN it exits 1 with one line per violation and writes no stack", () => {
    const ctx = committedContext();
    delete ctx.settings.policy;
    const outdir = tempDir("policy-synth-");
    const run = runApp(ctx, outdir);
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(
        /^CKV_AWS_39 \(EKS public endpoint disabled\) on flux-cluster-eks\/eks\/cluster: .*settings\.policy\.acceptedRisks \{"CKV_AWS_39": "<why>"\}$/,
      ),
      expect.stringMatching(
        /^CKV_AWS_38 \(EKS public endpoint not open to 0\.0\.0\.0\/0\) on flux-cluster-eks\/eks\/cluster: .*settings\.policy\.acceptedRisks \{"CKV_AWS_38": "<why>"\}$/,
      ),
    ]);
    expect(run.stderr).not.toContain("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS");
    expect(fs.existsSync(path.join(outdir, "stacks"))).toBe(false);
  });

  test("GIVEN the committed settings WHEN the app runs THEN it synthesizes every stack", () => {
    const outdir = tempDir("policy-synth-");
    const run = runApp(committedContext(), outdir);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["flux-cluster-eks", "flux-cluster-gitops", "gitops-repository"]);
  });
});
