import { exampleSettings } from "../manifests/fixtures";
import { findResource } from "../constructs/find";
import { removeTempDirsAfterAll } from "../app-process";
import { findReplayTools, MotoAws } from "../aws/moto";
import { synthApp, type SynthesizedJson } from "../support";

/*
 * Day two, replayed against AWS offline (moto + the AWS provider + Terraform): what the cluster
 * stack's plan-time reads and import do across a destroy and re-deploy, and across scaling changes
 * made by the cluster autoscaler and by the settings.
 */

removeTempDirsAfterAll();

const CLUSTER = "flux-cluster";
const LOG_GROUP = `/aws/eks/${CLUSTER}/cluster`;

function eksStack(nodeGroup: Record<string, number> = {}): SynthesizedJson & { import?: unknown[] } {
  return synthApp(exampleSettings({ name: CLUSTER, nodeGroup }))[`${CLUSTER}-eks`];
}

/** Only the blocks of `stack` the replay needs: the given data sources and resources, and the import blocks. */
function slice(stack: SynthesizedJson & { import?: unknown[] }, parts: { data?: string[]; resource?: string[]; imports?: boolean }) {
  const pick = (blocks: Record<string, unknown> | undefined, types: string[] = []) =>
    Object.fromEntries(types.map((type) => [type, blocks?.[type]]).filter(([, block]) => block !== undefined));
  return {
    ...(parts.data ? { data: pick(stack.data, parts.data) } : {}),
    ...(parts.resource ? { resource: pick(stack.resource, parts.resource) } : {}),
    ...(parts.imports && stack.import ? { import: stack.import } : {}),
  };
}

const committed = eksStack();
const awsVersion = String((committed.terraform?.required_providers as Record<string, { version: string }>).aws.version);
const tools = findReplayTools(awsVersion);

if ("missing" in tools) {
  console.warn(`AWS replays (moto) SKIPPED: ${tools.missing}`);
  test.skip(`day-two AWS replays — skipped: ${tools.missing}`, () => undefined);
} else {
  const provider = tools.aws.standIn ? `aws ${tools.aws.version} standing in for ${awsVersion}` : `aws ${awsVersion}`;

  describe(`day two against moto (${provider})`, () => {
    let aws: MotoAws;
    beforeAll(async () => {
      aws = await MotoAws.start(tools);
    }, 60_000);
    afterAll(() => aws?.stop());
    beforeEach(() => aws.reset());

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
        JSON.parse(aws.boto3(`import json; print(json.dumps(client("logs").describe_log_groups(logGroupNamePrefix="${LOG_GROUP}")["logGroups"]))`)) as {
          logGroupName: string;
          logGroupClass: string;
          retentionInDays?: number;
        }[];
      /** What EKS does while it deletes a cluster: it writes logs, and so creates the group again (STANDARD, kept forever). */
      const eksRecreatesTheGroup = () => aws.boto3(`client("logs").create_log_group(logGroupName="${LOG_GROUP}")`);

      test("GIVEN a first deploy, a destroy, and EKS re-creating the group WHEN the same settings are deployed again THEN the group is adopted and set to the settings, and each next plan is empty", () => {
        const tf = aws.workspace(logGroupOnly);
        // First deploy: nothing to adopt.
        const first = tf.run("plan", "-input=false");
        expect(first.output).toContain("Plan: 1 to add, 0 to change, 0 to destroy");
        expect(first.output).not.toContain("import");
        tf.apply();
        expect(tf.run("plan", "-input=false").output).toContain("No changes");

        tf.run("destroy", "-input=false", "-auto-approve");
        eksRecreatesTheGroup();
        expect(describeGroup()).toEqual([expect.objectContaining({ logGroupName: LOG_GROUP, logGroupClass: "STANDARD" })]);

        const again = tf.run("plan", "-input=false");
        // The class cannot change in place: the adopted group is replaced, with the settings' class and retention.
        expect(again.output).toContain("Plan: 1 to import, 1 to add, 0 to change, 1 to destroy");
        tf.apply();
        const [group] = describeGroup();
        expect(group).toMatchObject({
          logGroupClass: "INFREQUENT_ACCESS",
          retentionInDays: findResource(committed, "aws_cloudwatch_log_group", (g) => g.name === LOG_GROUP)[1].retention_in_days,
        });
        expect(tf.run("plan", "-input=false").output).toContain("No changes");
      }, 180_000);

      test("GIVEN the same re-created group WHEN the stack had no import block (the walkthrough's layout) THEN the deploy fails with 'already exists' (what the import prevents)", () => {
        const { import: _imports, ...withoutImport } = logGroupOnly as { import?: unknown };
        const tf = aws.workspace(withoutImport);
        eksRecreatesTheGroup();
        const apply = tf.attempt("apply", "-input=false", "-auto-approve");
        expect(apply.status).not.toBe(0);
        expect(apply.output).toMatch(/ResourceAlreadyExistsException|already exists/);
      }, 120_000);
    });

    describe("the node group's desired size, read from the running group at plan time", () => {
      const GROUP = `${CLUSTER}-default-20261122063000123400000001`;
      /** Settings variants, each a node group's min/desired/max. */
      const VARIANTS = {
        unchanged: { minSize: 1, desiredSize: 1, maxSize: 4 },
        startsAtThree: { minSize: 2, desiredSize: 3, maxSize: 5 },
        minRaisedToFour: { minSize: 4, desiredSize: 4, maxSize: 6 },
        maxLoweredToTwo: { minSize: 1, desiredSize: 1, maxSize: 2 },
        maxRaisedToNine: { minSize: 1, desiredSize: 1, maxSize: 9 },
      };
      const stacks = Object.fromEntries(Object.entries(VARIANTS).map(([name, nodeGroup]) => [name, eksStack(nodeGroup)]));
      const READS = ["aws_eks_clusters", "aws_eks_node_groups", "aws_eks_node_group"];

      test("GIVEN any scaling settings THEN the plan-time reads are the same blocks (only the bounds in the expression differ)", () => {
        for (const stack of Object.values(stacks)) expect(slice(stack, { data: READS })).toEqual(slice(committed, { data: READS }));
      });

      /** Each variant's desired_size, evaluated by Terraform against AWS as it is now. */
      const desiredSizes = () =>
        aws
          .workspace({
            ...slice(committed, { data: READS }),
            output: Object.fromEntries(
              Object.entries(stacks).map(([name, stack]) => [name, { value: findResource(stack, "aws_eks_node_group")[1].scaling_config.desired_size }]),
            ),
          })
          .apply();
      const runningCluster = (groups: { name: string; min: number; desired: number; max: number }[]) =>
        aws.boto3(
          [
            `eks = client("eks")`,
            `eks.create_cluster(name="${CLUSTER}", roleArn="arn:aws:iam::123456789012:role/c", resourcesVpcConfig={"subnetIds": ["subnet-1"]})`,
            ...groups.map(
              (g) =>
                `eks.create_nodegroup(clusterName="${CLUSTER}", nodegroupName="${g.name}", nodeRole="arn:aws:iam::123456789012:role/n", subnets=["subnet-1"], ` +
                `scalingConfig={"minSize": ${g.min}, "desiredSize": ${g.desired}, "maxSize": ${g.max}})`,
            ),
          ].join("\n"),
        );
      const settingsDesired = Object.fromEntries(Object.entries(VARIANTS).map(([name, v]) => [name, v.desiredSize]));

      test("GIVEN no cluster yet (first deploy) THEN the group starts at the settings' desiredSize", () => {
        expect(desiredSizes()).toEqual(settingsDesired);
      }, 120_000);

      test("GIVEN a cluster without the group (being replaced, or deleted by hand) THEN the settings' desiredSize", () => {
        runningCluster([]);
        expect(desiredSizes()).toEqual(settingsDesired);
      }, 120_000);

      test("GIVEN the autoscaler scaled the group to 3, and other groups whose names start with its prefix THEN the running 3 is kept, moved into changed bounds, and the other groups are not read", () => {
        runningCluster([
          { name: GROUP, min: 1, desired: 3, max: 4 },
          { name: `${CLUSTER}-default-gpu-20261122063000123400000002`, min: 1, desired: 9, max: 9 },
          { name: `${CLUSTER}-default-manual`, min: 1, desired: 8, max: 9 },
        ]);
        expect(desiredSizes()).toEqual({
          // Unchanged settings: the autoscaler's 3, so nothing to revert and an empty plan.
          unchanged: 3,
          startsAtThree: 3,
          // EKS rejects a desired size below the minimum (with ignore_changes the state's 3 was sent).
          minRaisedToFour: 4,
          // ...and above the maximum: EKS removes a node.
          maxLoweredToTwo: 2,
          maxRaisedToNine: 3,
        });
      }, 120_000);
    });
  });
}
