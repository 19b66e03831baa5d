import { findResource } from "../constructs/find";
import { CLUSTER, describeAgainstMoto, eksStack, slice } from "./day-two-aws";

/* the node group's desired size, replayed against moto: see ./day-two-aws.ts. */

describeAgainstMoto("the node group's desired size, replayed against moto", (aws, committed) => {
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
      aws()
        .workspace({
          ...slice(committed, { data: READS }),
          output: Object.fromEntries(
            Object.entries(stacks).map(([name, stack]) => [name, { value: findResource(stack, "aws_eks_node_group")[1].scaling_config.desired_size }]),
          ),
        })
        .apply();
    const runningCluster = (groups: { name: string; min: number; desired: number; max: number }[]) =>
      aws().boto3(
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
