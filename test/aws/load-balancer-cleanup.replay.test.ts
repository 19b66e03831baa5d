import { type ChildProcess, spawnSync } from "child_process";
import { parseSettings } from "../../stacks/settings/load";
import { type Json, MINIMAL_SETTINGS, resourcesOf, synthApp } from "../support";
import { findMoto, startMotoServer } from "./moto";

/*
 * The destroy-time cleanup of a cluster with exposed apps (stacks/constructs/aws/load-balancer-cleanup.ts),
 * replayed: its synthesized command, run as Terraform runs a local-exec provisioner (bash, its
 * environment), with the AWS CLI against moto holding what the load balancer controller leaves
 * behind when it is uninstalled too early, beside another cluster's load balancer and one that is
 * nobody's. The ordering (it runs before the network goes) is checked on the synthesized JSON.
 */

const REGION = "us-west-2";

/** The Python of moto's venv, or why the replay cannot run here. */
function tools(): { python: string } | { missing: string } {
  const moto = findMoto();
  if ("missing" in moto) return moto;
  const aws = spawnSync("aws", ["--version"], { encoding: "utf8" });
  if (aws.error || aws.status !== 0) return { missing: "the AWS CLI (aws) is not on the PATH: the cleanup runs it, as the deploy's token exec does" };
  return moto;
}

const settings = parseSettings({
  ...MINIMAL_SETTINGS,
  clusters: [{ ...MINIMAL_SETTINGS.clusters[0], dns: { zoneName: "apps.example.com" }, apps: [{ expose: { host: "nginx.apps.example.com" } }] }],
});
const eks = synthApp(settings)["test-cluster-eks"];
const [[, cleanup]] = resourcesOf(eks, "terraform_data").filter(([id]) => id.startsWith("load-balancer-cleanup"));
const exec = (cleanup.provisioner as Json[])[0]["local-exec"] as { command: string; interpreter: string[]; environment: Record<string, string>; when: string };
const input = cleanup.input as Record<string, string>;

describe("the load balancer cleanup, as synthesized", () => {
  test("THEN it runs at destroy, with bash, on its own input, after everything of the network it depends on is still there", () => {
    expect(exec.when).toBe("destroy");
    expect(exec.interpreter).toEqual(["bash", "-c"]);
    expect(input).toEqual({ cluster: "test-cluster", region: REGION });
    expect(exec.environment).toEqual({ CLUSTER: "${self.input.cluster}", AWS_REGION: "${self.input.region}", AWS_DEFAULT_REGION: "${self.input.region}" });
    const network = ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_internet_gateway"].flatMap((type) =>
      resourcesOf(eks, type).map(([id]) => `${type}.${id}`),
    );
    expect([...(cleanup.depends_on as string[])].sort()).toEqual(network.sort());
  });
});

const found = tools();
if ("missing" in found) {
  console.warn(`load balancer cleanup replay SKIPPED: ${found.missing}`);
  test.skip(`the load balancer cleanup against moto — skipped: ${found.missing}`, () => undefined);
} else {
  describe("GIVEN what the controller left for this cluster, another cluster's load balancer and one that is nobody's, in moto", () => {
    let server: ChildProcess | undefined;
    let endpoint: string;

    /** Python with `client(service)` for moto in the cluster's region; prints are returned. */
    const boto3 = (code: string): string => {
      const prelude = `import boto3\ndef client(s): return boto3.client(s, region_name="${REGION}", endpoint_url="${endpoint}", aws_access_key_id="test", aws_secret_access_key="test")`;
      const run = spawnSync(found.python, ["-c", `${prelude}\n${code}`], { encoding: "utf8" });
      if (run.status !== 0) throw new Error(run.stderr);
      return run.stdout;
    };
    /** The cleanup's command, run the way Terraform runs it, with the AWS CLI aimed at moto. */
    const runCleanup = () => {
      const environment = Object.fromEntries(
        Object.entries(exec.environment).map(([k, v]) => [k, v.replace(/\$\{self\.input\.(\w+)\}/g, (_m, key: string) => input[key])]),
      );
      return spawnSync(exec.interpreter[0], [...exec.interpreter.slice(1), exec.command], {
        encoding: "utf8",
        env: { ...process.env, ...environment, AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_PAGER: "" },
      });
    };
    const remaining = () =>
      JSON.parse(
        boto3(`import json
elb, ec2 = client("elbv2"), client("ec2")
print(json.dumps({
  "loadBalancers": sorted(lb["LoadBalancerName"] for lb in elb.describe_load_balancers()["LoadBalancers"]),
  "targetGroups": sorted(tg["TargetGroupName"] for tg in elb.describe_target_groups()["TargetGroups"]),
  "securityGroups": sorted(sg["GroupName"] for sg in ec2.describe_security_groups()["SecurityGroups"] if sg["GroupName"] != "default"),
}))`),
      ) as { loadBalancers: string[]; targetGroups: string[]; securityGroups: string[] };

    beforeAll(async () => {
      ({ server, endpoint } = await startMotoServer(found.python));
      boto3(`ec2, elb = client("ec2"), client("elbv2")
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"${REGION}{z}")["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
def tagged(owner): return [{"Key": "elbv2.k8s.aws/cluster", "Value": owner}] if owner else []
for name, owner in (("k8s-testcluster-public", "test-cluster"), ("k8s-other-public", "other-cluster"), ("someones", None)):
    sg = ec2.create_security_group(GroupName=f"{name}-sg", Description=name, VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": tagged(owner)}] if owner else [])["GroupId"]
    elb.create_load_balancer(Name=name, Subnets=subnets, SecurityGroups=[sg], **({"Tags": tagged(owner)} if owner else {}))
    elb.create_target_group(Name=f"{name}-tg"[:32], Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip", **({"Tags": tagged(owner)} if owner else {}))`);
    }, 60_000);
    afterAll(() => server?.kill());

    test("WHEN the cleanup runs THEN this cluster's load balancer, target group and security group are gone, and nothing else", () => {
      expect(remaining().loadBalancers).toHaveLength(3);
      const run = runCleanup();
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
      expect(run.stdout).toMatch(/deleting load balancer .*k8s-testcluster-public/);
      expect(remaining()).toEqual({
        loadBalancers: ["k8s-other-public", "someones"],
        targetGroups: ["k8s-other-public-tg", "someones-tg"],
        securityGroups: ["k8s-other-public-sg", "someones-sg"],
      });
    });

    test("WHEN it runs again (a destroy retried) THEN it deletes nothing and succeeds", () => {
      const run = runCleanup();
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
    });
  });
}
