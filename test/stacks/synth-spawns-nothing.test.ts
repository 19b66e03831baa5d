import { DataResource, ImportableResource, TerraformStack, Testing } from "cdktf";
import { buildApp } from "../../main";
import { parseSettings } from "../../stacks/settings/load";
import { MINIMAL_SETTINGS } from "../support";

/*
 * cdktf runs `terraform version` in a child process at synth for every DataResource, every
 * importFrom/ImportableResource and every stack with a cdktf resource move (moveFromId and the
 * like), and fails the synth without a terraform binary. The stacks write those blocks themselves
 * (TerraformData, ImportIfPresent, MovedFrom), so a synth spawns nothing: this keeps it so for a
 * fleet with apps, teams and the ECR state moves. (The replay in
 * test/settings/synth-cli.replay.test.ts runs the app with no terraform on the PATH.)
 */

describe("what makes cdktf ask for the terraform binary at synth", () => {
  const app = buildApp(
    Testing.app(),
    parseSettings({
      ...MINIMAL_SETTINGS,
      clusters: [
        { name: "us", apps: [{}, { name: "api" }], teams: [{ name: "payments", gitlabProject: "teams/payments", ecrRepositories: ["payments/api"] }] },
        { name: "eu", region: "eu-west-1" },
      ],
    }),
  );
  const constructs = app.node.findAll();

  test("GIVEN a fleet WHEN built THEN no construct is cdktf's DataResource or ImportableResource", () => {
    expect(constructs.filter((c) => c instanceof DataResource || c instanceof ImportableResource).map((c) => c.node.path)).toEqual([]);
  });

  test("GIVEN a fleet WHEN built THEN no stack has a cdktf resource move, though the cluster stacks move their ECR state", () => {
    const stacks = constructs.filter((c): c is TerraformStack => c instanceof TerraformStack);
    expect(stacks.filter((s) => s.hasResourceMove()).map((s) => s.node.id)).toEqual([]);
    const synthesized = JSON.parse(Testing.synth(stacks.find((s) => s.node.id === "us-eks")!)) as { moved?: unknown[] };
    expect(synthesized.moved?.length).toBeGreaterThan(0);
  });
});
