import { findResource } from "../constructs/find";
import { describeAgainstMoto, LOG_GROUP, slice } from "./day-two-aws";

/* the control-plane log group, replayed against moto: see ./day-two-aws.ts. */

describeAgainstMoto("the control-plane log group, replayed against moto", (aws, committed) => {
  describe("the control-plane log group across a destroy and a re-deploy", () => {
    const sliced = slice(committed, { data: ["aws_cloudwatch_log_groups"], resource: ["aws_cloudwatch_log_group"], imports: true });
    // The control-plane group only (the VPC's flow log group is another aws_cloudwatch_log_group).
    const logGroupOnly = {
      ...sliced,
      resource: {
        aws_cloudwatch_log_group: Object.fromEntries(
          Object.entries((committed.resource?.aws_cloudwatch_log_group ?? {}) as Record<string, { name?: string }>).filter(
            ([, group]) => group.name === LOG_GROUP,
          ),
        ),
      },
    };
    const describeGroup = () =>
      JSON.parse(aws().boto3(`import json; print(json.dumps(client("logs").describe_log_groups(logGroupNamePrefix="${LOG_GROUP}")["logGroups"]))`)) as {
        logGroupName: string;
        logGroupClass: string;
        retentionInDays?: number;
      }[];
    /** What EKS does while it deletes a cluster: it writes logs, and so creates the group again (STANDARD, kept forever). */
    const eksRecreatesTheGroup = () => aws().boto3(`client("logs").create_log_group(logGroupName="${LOG_GROUP}")`);

    test("GIVEN a first deploy, a destroy, and EKS re-creating the group WHEN the same settings are deployed again THEN the group is adopted and set to the settings, and each next plan is empty", () => {
      const tf = aws().workspace(logGroupOnly);
      // First deploy: nothing to adopt.
      // Each plan that is applied is saved and applied as reviewed, as the pipeline does (and one plan walk less).
      const first = tf.run("plan", "-input=false", "-out=first.tfplan");
      expect(first.output).toContain("Plan: 1 to add, 0 to change, 0 to destroy");
      expect(first.output).not.toContain("import");
      tf.run("apply", "-input=false", "first.tfplan");
      expect(tf.run("plan", "-input=false").output).toContain("No changes");

      tf.run("destroy", "-input=false", "-auto-approve");
      eksRecreatesTheGroup();
      expect(describeGroup()).toEqual([expect.objectContaining({ logGroupName: LOG_GROUP, logGroupClass: "STANDARD" })]);

      const again = tf.run("plan", "-input=false", "-out=again.tfplan");
      // The class cannot change in place: the adopted group is replaced, with the settings' class and retention.
      expect(again.output).toContain("Plan: 1 to import, 1 to add, 0 to change, 1 to destroy");
      tf.run("apply", "-input=false", "again.tfplan");
      const [group] = describeGroup();
      expect(group).toMatchObject({
        logGroupClass: "INFREQUENT_ACCESS",
        retentionInDays: findResource(committed, "aws_cloudwatch_log_group", (g) => g.name === LOG_GROUP)[1].retention_in_days,
      });
      expect(tf.run("plan", "-input=false").output).toContain("No changes");
    }, 180_000);

    test("GIVEN the same re-created group WHEN the stack had no import block (the walkthrough's layout) THEN the deploy fails with 'already exists' (what the import prevents)", () => {
      const { import: _imports, ...withoutImport } = logGroupOnly as { import?: unknown };
      const tf = aws().workspace(withoutImport);
      eksRecreatesTheGroup();
      const apply = tf.attempt("apply", "-input=false", "-auto-approve");
      expect(apply.status).not.toBe(0);
      expect(apply.output).toMatch(/ResourceAlreadyExistsException|already exists/);
    }, 120_000);
  });
});
