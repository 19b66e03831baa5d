import { kibibytes, milliCpu } from "../../stacks/settings/schema";
import type { SettingsInput } from "../../stacks/settings/schema";
import { MINIMAL_SETTINGS } from "../support";
import { settingsErrorLines as problems, refusalLine as line } from "./settings-errors";

/*
 * The AWS side of a cluster's settings, value by value: network, EKS, node group, an app's ECR
 * repository, resources and autoscaling, and the shared formats (Git branch, Go duration, IAM
 * principal ARN, system namespaces). Each refused value is pinned to its exact line, each bound and
 * each pattern edge to both sides, so a changed pattern, bound, comparison or message is noticed.
 */

type ClusterInput = SettingsInput["clusters"][number];
type NetworkInput = NonNullable<ClusterInput["network"]>;
type EksInput = NonNullable<ClusterInput["eks"]>;
type NodeGroupInput = NonNullable<ClusterInput["nodeGroup"]>;
type AppInput = NonNullable<ClusterInput["apps"]>[number];
type FluxInput = NonNullable<ClusterInput["flux"]>;

/** MINIMAL_SETTINGS with the one cluster's fields overridden. */
const withCluster = (cluster: Partial<ClusterInput>): SettingsInput => ({
  ...MINIMAL_SETTINGS,
  clusters: [{ ...MINIMAL_SETTINGS.clusters[0], ...cluster }],
});
const withNetwork = (network: NetworkInput): SettingsInput => withCluster({ network });
const withEks = (eks: EksInput): SettingsInput => withCluster({ eks });
const withNodeGroup = (nodeGroup: NodeGroupInput): SettingsInput => withCluster({ nodeGroup });
const withApp = (app: AppInput): SettingsInput => withCluster({ apps: [app] });
const withFlux = (flux: FluxInput): SettingsInput => withCluster({ flux });
const withBranch = (branch: string): SettingsInput => ({ ...MINIMAL_SETTINGS, gitlab: { ...MINIMAL_SETTINGS.gitlab, branch } });

const SUBNET_SIZE = "a subnet from /16 to /28 (what AWS allows), e.g. 10.0.1.0/24";
const ZONE_NAME = "an availability zone name such as us-west-2a";
const RETENTION = "one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";

describe("network", () => {
  const at = (field: string) => `clusters[0].network.${field}`;

  test.each<[string, NetworkInput, string]>([
    ["a /15 VPC", { vpcCidr: "10.0.0.0/15" }, line(at("vpcCidr"), "10.0.0.0/15", "a VPC CIDR from /16 to /28 (what AWS allows), e.g. 10.0.0.0/16")],
    ["a /29 public subnet", { publicSubnets: ["10.0.101.0/29"] }, line(at("publicSubnets[0]"), "10.0.101.0/29", SUBNET_SIZE)],
    ["a /29 private subnet", { privateSubnets: ["10.0.1.0/24", "10.0.2.0/29"] }, line(at("privateSubnets[1]"), "10.0.2.0/29", SUBNET_SIZE)],
    [
      "no public subnet",
      { publicSubnets: [] },
      line(at("publicSubnets"), [], "at least one public subnet (the NAT gateway and internet-facing load balancers live there)"),
    ],
    [
      "one private subnet",
      { privateSubnets: ["10.0.1.0/24"] },
      line(at("privateSubnets"), ["10.0.1.0/24"], "at least two private subnets (EKS needs two zones)"),
    ],
    [
      "one zone",
      { availabilityZones: ["us-west-2a"] },
      line(at("availabilityZones"), ["us-west-2a"], "at least 2 availability zones (EKS requires subnets in two)"),
    ],
    [
      "seven zones",
      { availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d", "us-west-2e", "us-west-2f", "us-west-2g"] },
      // The value is shown cut at 80 characters.
      `settings.${at("availabilityZones")}: ["us-west-2a","us-west-2b","us-west-2c","us-west-2d","us-west-2e","us-west-2f... is not allowed; allowed: at most 6 availability zones`,
    ],
    ["a zone with text before its name", { availabilityZones: ["xus-west-2a", "us-west-2b"] }, line(at("availabilityZones[0]"), "xus-west-2a", ZONE_NAME)],
    ["a zone with text after its name", { availabilityZones: ["us-west-2a", "us-west-2bc"] }, line(at("availabilityZones[1]"), "us-west-2bc", ZONE_NAME)],
    ["a flow log retention CloudWatch refuses", { flowLogs: { retentionDays: 10 } }, line(at("flowLogs.retentionDays"), 10, RETENTION)],
  ])("GIVEN %s WHEN parsed THEN exactly that value is refused, saying what is allowed", (_name, given, expected) => {
    expect(problems(withNetwork(given))).toEqual([expected]);
  });

  test.each<[string, NetworkInput]>([
    ["a /16 VPC", { vpcCidr: "10.0.0.0/16" }],
    ["a /28 public subnet (the smallest AWS allows)", { publicSubnets: ["10.0.101.0/28"] }],
    ["two private subnets", { privateSubnets: ["10.0.1.0/24", "10.0.2.0/24"] }],
    ["two zones", { availabilityZones: ["us-west-2a", "us-west-2b"] }],
    ["six zones", { availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d", "us-west-2e", "us-west-2f"] }],
    ["a flow log retention of 3653 days", { flowLogs: { retentionDays: 3653 } }],
  ])("GIVEN %s WHEN parsed THEN it is accepted", (_name, given) => {
    expect(problems(withNetwork(given))).toEqual([]);
  });
});

describe("eks", () => {
  const at = (field: string) => `clusters[0].eks.${field}`;
  const ARN = "an IAM role or user ARN, e.g. arn:aws:iam::111122223333:role/Admin (SSO roles with their full path)";
  const ADDON_VERSION = "an EKS add-on version such as v1.20.4-eksbuild.2";

  test.each<[string, EksInput, string]>([
    ["a version with a digit before it", { kubernetesVersion: "11.35" }, line(at("kubernetesVersion"), "11.35", "a Kubernetes minor version such as 1.35")],
    ["a version with a patch", { kubernetesVersion: "1.35.0" }, line(at("kubernetesVersion"), "1.35.0", "a Kubernetes minor version such as 1.35")],
    ["no public access CIDR", { publicAccessCidrs: [] }, line(at("publicAccessCidrs"), [], "at least one CIDR")],
    [
      "an ARN with text before it",
      { adminPrincipalArns: ["xarn:aws:iam::111122223333:role/Admin"] },
      line(at("adminPrincipalArns[0]"), "xarn:aws:iam::111122223333:role/Admin", ARN),
    ],
    [
      "an ARN with a space in its name",
      { viewerPrincipalArns: ["arn:aws:iam::111122223333:role/Admin team"] },
      line(at("viewerPrincipalArns[0]"), "arn:aws:iam::111122223333:role/Admin team", ARN),
    ],
    [
      "an add-on version with text before it",
      { addonVersions: { coredns: "xv1.11.4-eksbuild.2" } },
      line(at("addonVersions.coredns"), "xv1.11.4-eksbuild.2", ADDON_VERSION),
    ],
    [
      "an add-on version with text after it",
      { addonVersions: { "kube-proxy": "v1.35.0-eksbuild.2x" } },
      line(at("addonVersions.kube-proxy"), "v1.35.0-eksbuild.2x", ADDON_VERSION),
    ],
  ])("GIVEN %s WHEN parsed THEN exactly that value is refused, saying what is allowed", (_name, given, expected) => {
    expect(problems(withEks(given))).toEqual([expected]);
  });

  test.each<[string, EksInput]>([
    ["Kubernetes 1.33", { kubernetesVersion: "1.33" }],
    ["two public access CIDRs", { publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"] }],
    ["a GovCloud admin role", { adminPrincipalArns: ["arn:aws-us-gov:iam::111122223333:role/Admin"] }],
    ["a China-region viewer user", { viewerPrincipalArns: ["arn:aws-cn:iam::111122223333:user/ops"] }],
    ["an SSO role with its full path", { adminPrincipalArns: ["arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123abcd"] }],
    ["add-on versions with multi-digit parts", { addonVersions: { "vpc-cni": "v10.20.40-eksbuild.12" } }],
  ])("GIVEN %s WHEN parsed THEN it is accepted", (_name, given) => {
    expect(problems(withEks(given))).toEqual([]);
  });

  test.each(["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver", "metrics-server"] as const)(
    "GIVEN a version for the add-on %s WHEN parsed THEN it is accepted",
    (addon) => {
      expect(problems(withEks({ addonVersions: { [addon]: "v1.2.3-eksbuild.1" } }))).toEqual([]);
    },
  );
});

describe("node group", () => {
  const at = (field: string) => `clusters[0].nodeGroup.${field}`;
  const INSTANCE_TYPE = "an EC2 instance type such as t3.large";
  const AMI_RELEASE = "latest, or an AMI release such as 1.35.0-20261104 (AL2023) or 1.50.0-1d3a8a5f (Bottlerocket)";

  test.each<[string, NodeGroupInput, string]>([
    [
      "a name with capitals",
      { name: "Bad" },
      line(at("name"), "Bad", "node group name: lowercase letters, digits and '-', starting with a letter, at most 38 characters"),
    ],
    ["a negative minSize", { minSize: -1 }, line(at("minSize"), -1, "an integer from 0 to 450 (EKS's limit per managed node group)")],
    ["an instance type with a character before it", { instanceTypes: ["_t3.large"] }, line(at("instanceTypes[0]"), "_t3.large", INSTANCE_TYPE)],
    ["an instance type with a character after it", { instanceTypes: ["t3.large!"] }, line(at("instanceTypes[0]"), "t3.large!", INSTANCE_TYPE)],
    ["a 19 GiB disk", { diskSizeGiB: 19 }, line(at("diskSizeGiB"), 19, "an integer from 20 to 16384")],
    ["a 16385 GiB disk", { diskSizeGiB: 16385 }, line(at("diskSizeGiB"), 16385, "an integer from 20 to 16384")],
    ["an AMI release with text before it", { amiReleaseVersion: "x1.35.0-20261104" }, line(at("amiReleaseVersion"), "x1.35.0-20261104", AMI_RELEASE)],
    ["latest with text after it", { amiReleaseVersion: "latest-1" }, line(at("amiReleaseVersion"), "latest-1", AMI_RELEASE)],
    ["minSize above maxSize", { minSize: 5, desiredSize: 5, maxSize: 4 }, line(at("minSize"), 5, "at most maxSize (4)")],
    ["desiredSize above maxSize", { minSize: 1, desiredSize: 5, maxSize: 4 }, line(at("desiredSize"), 5, "a number from minSize (1) to maxSize (4)")],
  ])("GIVEN %s WHEN parsed THEN exactly that value is refused, saying what is allowed", (_name, given, expected) => {
    expect(problems(withNodeGroup(given))).toEqual([expected]);
  });

  test.each<[string, NodeGroupInput]>([
    ["an instance type with '-' in its family", { instanceTypes: ["m7i-flex.large"] }],
    ["a 20 GiB disk", { diskSizeGiB: 20 }],
    ["a 16384 GiB disk", { diskSizeGiB: 16384 }],
    ["latest AMI release", { amiReleaseVersion: "latest" }],
    ["an AMI release with multi-digit parts", { amiReleaseVersion: "12.34.56-1d3a8a5f" }],
    ["minSize, desiredSize and maxSize all equal", { minSize: 3, desiredSize: 3, maxSize: 3 }],
    ["desiredSize equal to maxSize", { minSize: 1, desiredSize: 4, maxSize: 4 }],
  ])("GIVEN %s WHEN parsed THEN it is accepted", (_name, given) => {
    expect(problems(withNodeGroup(given))).toEqual([]);
  });
});

describe("an app's ECR repository, resources and autoscaling", () => {
  const at = (field: string) => `clusters[0].apps[0].${field}`;
  const REPOSITORY = "an ECR repository name: lowercase letters, digits, '.', '_', '-' and '/' separated paths";
  const CPU = "a CPU quantity such as 50m, 500m or 1";
  const MEMORY = "a memory quantity such as 64Mi or 1Gi";
  const PERCENTAGE = "a percentage from 10 to 100";

  test.each<[string, AppInput, string]>([
    ["a one-character repository name", { ecr: { repositoryName: "a" } }, line(at("ecr.repositoryName"), "a", "2 to 256 characters")],
    ["a repository name with capitals", { ecr: { repositoryName: "Upper/Case" } }, line(at("ecr.repositoryName"), "Upper/Case", REPOSITORY)],
    ["a repository name ending in '-'", { ecr: { repositoryName: "web-" } }, line(at("ecr.repositoryName"), "web-", REPOSITORY)],
    ["keepImages 0", { ecr: { keepImages: 0 } }, line(at("ecr.keepImages"), 0, "an integer from 1 to 1000")],
    ["keepImages 1001", { ecr: { keepImages: 1001 } }, line(at("ecr.keepImages"), 1001, "an integer from 1 to 1000")],
    ["untaggedExpiryDays 0", { ecr: { untaggedExpiryDays: 0 } }, line(at("ecr.untaggedExpiryDays"), 0, "an integer >= 1")],
    ["a CPU quantity with text before it", { resources: { cpuRequest: "x1" } }, line(at("resources.cpuRequest"), "x1", CPU)],
    ["a CPU request of 0", { resources: { cpuRequest: "0" } }, line(at("resources.cpuRequest"), "0", "a CPU quantity above zero")],
    ["a CPU request of 0m", { resources: { cpuRequest: "0m" } }, line(at("resources.cpuRequest"), "0m", "a CPU quantity above zero")],
    ["a memory quantity with text before it", { resources: { memoryRequest: "x64Mi" } }, line(at("resources.memoryRequest"), "x64Mi", MEMORY)],
    ["a memory quantity with text after it", { resources: { memoryLimit: "256Mix" } }, line(at("resources.memoryLimit"), "256Mix", MEMORY)],
    [
      "a CPU limit of 1500m under a request of 2 cores",
      { resources: { cpuRequest: "2", cpuLimit: "1500m" } },
      line(at("resources.cpuLimit"), "1500m", "at least cpuRequest (2)"),
    ],
    [
      "a CPU limit of 100m under a request of 900m",
      { resources: { cpuRequest: "900m", cpuLimit: "100m" } },
      line(at("resources.cpuLimit"), "100m", "at least cpuRequest (900m)"),
    ],
    [
      "a memory limit of 1500Mi under a request of 2Gi",
      { resources: { memoryRequest: "2Gi", memoryLimit: "1500Mi" } },
      line(at("resources.memoryLimit"), "1500Mi", "at least memoryRequest (2Gi)"),
    ],
    [
      "a memory limit under its request",
      { resources: { memoryRequest: "128Mi", memoryLimit: "64Mi" } },
      line(at("resources.memoryLimit"), "64Mi", "at least memoryRequest (128Mi)"),
    ],
    ["maxReplicas 0", { autoscaling: { maxReplicas: 0 } }, line(at("autoscaling.maxReplicas"), 0, "an integer from 1 to 100")],
    ["maxReplicas 101", { autoscaling: { maxReplicas: 101 } }, line(at("autoscaling.maxReplicas"), 101, "an integer from 1 to 100")],
    ["minReplicas 0", { autoscaling: { minReplicas: 0 } }, line(at("autoscaling.minReplicas"), 0, "an integer from 1 to 100")],
    ["runAsUser 0 (root)", { runAsUser: 0 }, line(at("runAsUser"), 0, "a non-root uid (>= 1)")],
    ["a target CPU utilization of 9 %", { autoscaling: { targetCpuUtilization: 9 } }, line(at("autoscaling.targetCpuUtilization"), 9, PERCENTAGE)],
    ["a target CPU utilization of 101 %", { autoscaling: { targetCpuUtilization: 101 } }, line(at("autoscaling.targetCpuUtilization"), 101, PERCENTAGE)],
    ["maxReplicas under minReplicas", { autoscaling: { minReplicas: 4, maxReplicas: 3 } }, line(at("autoscaling.maxReplicas"), 3, "at least minReplicas (4)")],
  ])("GIVEN an app with %s WHEN parsed THEN exactly that value is refused, saying what is allowed", (_name, given, expected) => {
    expect(problems(withApp(given))).toEqual([expected]);
  });

  test.each<[string, AppInput]>([
    ["a two-character repository name", { ecr: { repositoryName: "ab" } }],
    ["a repository in a plain folder", { ecr: { repositoryName: "team/api" } }],
    ["a repository in a folder with a separator", { ecr: { repositoryName: "team-ab/api" } }],
    ["keepImages 1", { ecr: { keepImages: 1 } }],
    ["keepImages 1000", { ecr: { keepImages: 1000 } }],
    ["untaggedExpiryDays 1", { ecr: { untaggedExpiryDays: 1 } }],
    ["a CPU limit of 12 cores", { resources: { cpuLimit: "12" } }],
    ["a CPU limit of 1.25 cores", { resources: { cpuLimit: "1.25" } }],
    ["a CPU limit of 100m over a request of 90m", { resources: { cpuRequest: "90m", cpuLimit: "100m" } }],
    ["a CPU limit equal to its request, in other units", { resources: { cpuRequest: "500m", cpuLimit: "0.5" } }],
    ["a memory limit equal to its request, in other units", { resources: { memoryRequest: "1Gi", memoryLimit: "1024Mi" } }],
    ["a memory limit of 1500Mi over a request of 1Gi", { resources: { memoryRequest: "1Gi", memoryLimit: "1500Mi" } }],
    ["autoscaling from 2 to 6 replicas", { autoscaling: { minReplicas: 2, maxReplicas: 6 } }],
    ["autoscaling with as many most as fewest replicas", { autoscaling: { minReplicas: 3, maxReplicas: 3 } }],
    ["a target CPU utilization of 10 %", { autoscaling: { targetCpuUtilization: 10 } }],
    ["a target CPU utilization of 50 %", { autoscaling: { targetCpuUtilization: 50 } }],
    ["a target CPU utilization of 100 %", { autoscaling: { targetCpuUtilization: 100 } }],
  ])("GIVEN an app with %s WHEN parsed THEN it is accepted", (_name, given) => {
    expect(problems(withApp(given))).toEqual([]);
  });

  test.each<[string, number]>([
    ["250m", 250],
    ["2", 2000],
    ["1.5", 1500],
  ])("GIVEN the CPU quantity %s WHEN compared THEN it is %d millicores", (quantity, millicores) => {
    expect(milliCpu(quantity)).toBe(millicores);
  });

  test.each<[string, number]>([
    ["3Ki", 3],
    ["64Mi", 65536],
    ["2Gi", 2097152],
  ])("GIVEN the memory quantity %s WHEN compared THEN it is %d KiB", (quantity, kib) => {
    expect(kibibytes(quantity)).toBe(kib);
  });

  test.each(["default", "flux-system", "kube-system", "kube-public", "kube-node-lease"])(
    "GIVEN an app in the system namespace %s WHEN parsed THEN it is refused, listing every system namespace",
    (namespace) => {
      expect(problems(withApp({ namespace }))).toEqual([
        line(at("namespace"), namespace, "a namespace of its own, not default, flux-system, kube-system, kube-public, kube-node-lease"),
      ]);
    },
  );
});

describe("Git branch names (gitlab.branch, a team's branch)", () => {
  const CHARACTERS = "a Git branch name such as main";
  const FORM = "a Git branch name such as main or release/1.2 (no '..', '//', leading or trailing '/' or '.', no '.lock' end)";

  test.each<[string, string]>([
    ["feat ure", CHARACTERS],
    ["main.lock", FORM],
    ["/main", FORM],
    ["main/", FORM],
    [".main", FORM],
    ["main.", FORM],
    ["a//b", FORM],
    ["a..b", FORM],
    ["a/.b", FORM],
  ])("GIVEN the branch %j WHEN parsed THEN it is refused: %s", (branch, allowed) => {
    expect(problems(withBranch(branch))).toEqual([line("gitlab.branch", branch, allowed)]);
  });

  test.each(["main", "release/1.2", "my.locker", "feature/x-1", "v1.2"])("GIVEN the branch %j WHEN parsed THEN it is accepted", (branch) => {
    expect(problems(withBranch(branch))).toEqual([]);
  });
});

describe("Go durations (flux intervals and timeouts)", () => {
  const DURATION = "a Go duration such as 1m0s, 5m or 1h";

  test.each(["1d", "", "5", "m5"])("GIVEN the interval %j WHEN parsed THEN it is refused as a Go duration", (interval) => {
    expect(problems(withFlux({ interval }))).toEqual([line("clusters[0].flux.interval", interval, DURATION)]);
  });

  test.each(["1h", "10h", "5m", "30s", "1h30m15s", "90m"])("GIVEN the interval %j WHEN parsed THEN it is accepted", (interval) => {
    expect(problems(withFlux({ interval }))).toEqual([]);
  });
});

describe("autoscaling bounds together", () => {
  test("GIVEN minReplicas 101 WHEN parsed THEN it is refused, and the default maxReplicas is under it", () => {
    expect(problems(withApp({ autoscaling: { minReplicas: 101 } }))).toEqual([
      line("clusters[0].apps[0].autoscaling.minReplicas", 101, "an integer from 1 to 100"),
      line("clusters[0].apps[0].autoscaling.maxReplicas", 6, "at least minReplicas (101)"),
    ]);
  });
});

describe("environment", () => {
  test("GIVEN an environment with capitals WHEN parsed THEN it is refused with the environment's own wording", () => {
    expect(problems(withCluster({ environment: "Bad" }))).toEqual([
      line("clusters[0].environment", "Bad", "environment: lowercase letters, digits and '-', starting with a letter, at most 32 characters"),
    ]);
  });
});
