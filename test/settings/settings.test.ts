import * as fs from "fs";
import * as path from "path";
import { parseSettings, SettingsError } from "../../stacks/settings/load";
import type { Settings, SettingsInput } from "../../stacks/settings/schema";
import { type Json, MINIMAL_SETTINGS } from "../support";

/** cdktf.json as committed; read fresh from disk so the test sees what the CLI sees. */
function committedSettings(): SettingsInput {
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "cdktf.json"), "utf8")) as {
    context: { settings: SettingsInput };
  };
  return cdktfJson.context.settings;
}

/** A deep copy of the committed settings, changed by `edit` (the tests write plain JSON, as a user would). */
function committedWith(edit: (settings: Json) => void): unknown {
  const settings = structuredClone(committedSettings());
  edit(settings);
  return settings;
}

/** The SettingsError that parsing `raw` throws; fails the test when it parses. */
function errorOf(raw: unknown): SettingsError {
  try {
    parseSettings(raw);
  } catch (err) {
    if (err instanceof SettingsError) return err;
    throw err;
  }
  throw new Error("expected a SettingsError, but the settings were accepted");
}

const ALLOWED_RETENTION = "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";
const EKS_KEYS =
  "kubernetesVersion, supportType, endpointPublicAccess, publicAccessCidrs, logTypes, logRetentionDays, adminPrincipalArns, viewerPrincipalArns, addonVersions, deletionProtection, grantDeployerAdmin";

describe("settings", () => {
  describe("GIVEN the settings committed in cdktf.json", () => {
    let settings: Settings;

    beforeAll(() => {
      // WHEN they are parsed
      settings = parseSettings(committedSettings());
    });

    test("THEN they parse to one cluster, flux-cluster in us-west-2, environment dev", () => {
      expect(settings.clusters).toHaveLength(1);
      expect(settings.clusters[0]).toMatchObject({ name: "flux-cluster", region: "us-west-2", environment: "dev", tags: {} });
      expect(settings.gitlab).toEqual({
        baseUrl: "https://gitlab.com",
        project: "example-group/flux-gitops",
        branch: "main",
        protectBranch: true,
        commitAuthor: { name: "Flux", email: "flux@noreply.gitlab.com" },
        awsOidcProvider: "existing",
      });
    });

    test("THEN no example principal gets access: adminPrincipalArns is empty and only the deployer is granted", () => {
      expect(settings.clusters[0].eks.adminPrincipalArns).toEqual([]);
      expect(settings.clusters[0].eks.grantDeployerAdmin).toBe(true);
    });

    test("THEN Flux uses intervals a Flux user recognises: fetch 1m, layers 10m, ECR scan 5m, automation 30m", () => {
      expect(settings.clusters[0].flux).toEqual({
        interval: "1m0s",
        layerInterval: "10m0s",
        layerTimeout: "5m0s",
        infrastructureTimeout: "10m0s",
        imageScanInterval: "5m0s",
        imageUpdateInterval: "30m0s",
        deployKeyVersion: 1,
        commitStatuses: true,
        commitStatusTokenDays: 365,
        commitStatusTokenRotateDays: 30,
      });
    });

    test("THEN the network mirrors the walkthrough: 10.0.0.0/16, 3 public and 6 private /24 subnets over 3 zones, with flow logs kept 30 days", () => {
      expect(settings.clusters[0].network).toEqual({
        vpcCidr: "10.0.0.0/16",
        availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
        publicSubnets: ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"],
        privateSubnets: ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24", "10.0.6.0/24"],
        flowLogs: { enabled: true, retentionDays: 30 },
      });
    });

    test("THEN the nodes are SPOT in six 2 vCPU / 8 GiB pools, AL2023, 1/1/4 with 50 GiB disks, AMI release not followed", () => {
      expect(settings.clusters[0].nodeGroup).toEqual({
        name: "default",
        amiType: "AL2023_x86_64_STANDARD",
        capacityType: "SPOT",
        instanceTypes: ["t3.large", "t3a.large", "m5.large", "m5a.large", "m6i.large", "m6a.large"],
        minSize: 1,
        desiredSize: 1,
        maxSize: 4,
        diskSizeGiB: 50,
      });
    });

    test("THEN EKS is Kubernetes 1.35 on STANDARD support, logging api and audit kept 7 days", () => {
      const { eks } = settings.clusters[0];
      expect(eks.kubernetesVersion).toBe("1.35");
      expect(eks.supportType).toBe("STANDARD");
      expect(eks.logTypes).toEqual(expect.arrayContaining(["api", "audit"]));
      expect(eks.logRetentionDays).toBe(7);
      expect(eks.endpointPublicAccess).toBe(true);
      expect(eks.grantDeployerAdmin).toBe(true);
    });

    test("THEN there is one app, nginx, whose ECR repository is nginx-repo, keeping 30 images, never force-deleted", () => {
      expect(settings.clusters[0].apps.map((app) => app.name)).toEqual(["nginx"]);
      expect(settings.clusters[0].apps[0].ecr).toEqual({ repositoryName: "nginx-repo", keepImages: 30, untaggedExpiryDays: 7, forceDelete: false });
      expect(settings.clusters[0].apps[0].autoscaling).toBeUndefined();
    });
  });

  describe("GIVEN the minimal settings (gitlab.project and a cluster name only)", () => {
    test("WHEN parsed THEN every default equals the committed cdktf.json values", () => {
      const committed = parseSettings(committedSettings());
      const minimal = parseSettings(MINIMAL_SETTINGS);
      expect(minimal.gitlab).toEqual(committed.gitlab);
      const { name: committedName, ...committedRest } = committed.clusters[0];
      const { name: minimalName, ...minimalRest } = minimal.clusters[0];
      expect([committedName, minimalName]).toEqual(["flux-cluster", "test-cluster"]);
      expect(minimalRest).toEqual(committedRest);
    });

    test("WHEN the region is changed THEN the default zones follow it", () => {
      const settings = parseSettings({ ...MINIMAL_SETTINGS, clusters: [{ name: "eu", region: "eu-west-1" }] });
      expect(settings.clusters[0].network.availabilityZones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
      expect(settings.clusters[0].eks.adminPrincipalArns).toEqual([]);
    });
  });

  describe("GIVEN good values", () => {
    test.each<[string, (s: Json) => void, (parsed: Settings) => unknown, unknown]>([
      [
        "three apps, two sharing a namespace, one with autoscaling",
        (s) => s.clusters[0].apps.push({ name: "api", namespace: "apps" }, { name: "worker", namespace: "jobs", autoscaling: {} }),
        (p) =>
          p.clusters[0].apps.map(
            (a) =>
              `${a.name} ${a.namespace} ${a.ecr.repositoryName} ${a.autoscaling ? `${a.autoscaling.minReplicas}-${a.autoscaling.maxReplicas}@${a.autoscaling.targetCpuUtilization}%` : "fixed"}`,
          ),
        ["nginx apps nginx-repo fixed", "api apps api-repo fixed", "worker jobs worker-repo 2-6@70%"],
      ],
      [
        "kubernetesVersion 1.33 (the oldest Flux 2.9 supports)",
        (s) => (s.clusters[0].eks.kubernetesVersion = "1.33"),
        (p) => p.clusters[0].eks.kubernetesVersion,
        "1.33",
      ],
      ["supportType EXTENDED", (s) => (s.clusters[0].eks.supportType = "EXTENDED"), (p) => p.clusters[0].eks.supportType, "EXTENDED"],
      [
        "amiType BOTTLEROCKET_ARM_64",
        (s) => (s.clusters[0].nodeGroup.amiType = "BOTTLEROCKET_ARM_64"),
        (p) => p.clusters[0].nodeGroup.amiType,
        "BOTTLEROCKET_ARM_64",
      ],
      ["capacityType ON_DEMAND", (s) => (s.clusters[0].nodeGroup.capacityType = "ON_DEMAND"), (p) => p.clusters[0].nodeGroup.capacityType, "ON_DEMAND"],
      [
        "several instance types",
        (s) => (s.clusters[0].nodeGroup.instanceTypes = ["m6i.large", "m5.large", "c7g.xlarge"]),
        (p) => p.clusters[0].nodeGroup.instanceTypes,
        ["m6i.large", "m5.large", "c7g.xlarge"],
      ],
      [
        "min 0, desired 0, max 1",
        (s) => Object.assign(s.clusters[0].nodeGroup, { minSize: 0, desiredSize: 0, maxSize: 1 }),
        (p) => [p.clusters[0].nodeGroup.minSize, p.clusters[0].nodeGroup.desiredSize, p.clusters[0].nodeGroup.maxSize],
        [0, 0, 1],
      ],
      [
        "two zones",
        (s) => (s.clusters[0].network.availabilityZones = ["us-west-2a", "us-west-2d"]),
        (p) => p.clusters[0].network.availabilityZones,
        ["us-west-2a", "us-west-2d"],
      ],
      [
        "the largest VPC AWS allows (/16) with a subnet at its very end",
        (s) => Object.assign(s.clusters[0].network, { vpcCidr: "10.0.0.0/16", publicSubnets: ["10.0.255.0/24"] }),
        (p) => p.clusters[0].network.publicSubnets,
        ["10.0.255.0/24"],
      ],
      [
        "an SSO role ARN with its path",
        (s) =>
          (s.clusters[0].eks.adminPrincipalArns = [
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef",
          ]),
        (p) => p.clusters[0].eks.adminPrincipalArns.length,
        1,
      ],
      [
        "all five log types",
        (s) => (s.clusters[0].eks.logTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"]),
        (p) => p.clusters[0].eks.logTypes.length,
        5,
      ],
      ["logRetentionDays 3653", (s) => (s.clusters[0].eks.logRetentionDays = 3653), (p) => p.clusters[0].eks.logRetentionDays, 3653],
      [
        "a GovCloud region with its zones",
        (s) =>
          Object.assign(s.clusters[0], {
            region: "us-gov-west-1",
            network: { ...s.clusters[0].network, availabilityZones: ["us-gov-west-1a", "us-gov-west-1b"] },
          }),
        (p) => p.clusters[0].region,
        "us-gov-west-1",
      ],
      [
        "a self-managed GitLab URL (trailing slash dropped)",
        (s) => (s.gitlab.baseUrl = "https://gitlab.example.com/"),
        (p) => p.gitlab.baseUrl,
        "https://gitlab.example.com",
      ],
      ["a project in a subgroup", (s) => (s.gitlab.project = "group/sub-group/project.name"), (p) => p.gitlab.project, "group/sub-group/project.name"],
      [
        "a second cluster with its own name and repository",
        (s) => s.clusters.push({ ...structuredClone(s.clusters[0]), name: "second", apps: [{ ecr: { repositoryName: "second-repo" } }] }),
        (p) => p.clusters.map((c) => c.name),
        ["flux-cluster", "second"],
      ],
      [
        "the same repository name in another region",
        (s) => s.clusters.push({ name: "second", region: "eu-west-1" }),
        (p) => p.clusters.map((c) => `${c.region}/${c.apps[0].ecr.repositoryName}`),
        ["us-west-2/nginx-repo", "eu-west-1/nginx-repo"],
      ],
      ["extra tags", (s) => (s.clusters[0].tags = { CostCenter: "1234" }), (p) => p.clusters[0].tags, { CostCenter: "1234" }],
      [
        "a node group name that keeps the node IAM role name at exactly 64 characters",
        (s) => {
          s.clusters[0].name = "platform-production-eu-cluster";
          s.clusters[0].nodeGroup.name = "spot-general-purpose-workers";
        },
        (p) => `${p.clusters[0].name}-${p.clusters[0].nodeGroup.name}-node`.length,
        64,
      ],
    ])("%s is accepted", (_name, edit, pick, expected) => {
      // WHEN parsed THEN the value comes through
      expect(pick(parseSettings(committedWith(edit)))).toEqual(expected);
    });
  });

  describe("GIVEN bad values", () => {
    test.each<[string, (s: Json) => void, string[]]>([
      [
        "kubernetesVersion 1.29",
        (s) => (s.clusters[0].eks.kubernetesVersion = "1.29"),
        ['settings.clusters[0].eks.kubernetesVersion: "1.29" is not allowed; allowed: 1.33 or newer (Flux 2.9 needs 1.33)'],
      ],
      [
        "a zone listed twice",
        (s) => (s.clusters[0].network.availabilityZones = ["us-west-2a", "us-west-2a"]),
        [
          'settings.clusters[0].network.availabilityZones[1]: "us-west-2a" is not allowed; allowed: a zone not listed before (availabilityZones[0]): every subnet would land in fewer zones',
        ],
      ],
      [
        "a VPC larger than AWS allows and a subnet smaller",
        (s) => {
          s.clusters[0].network.vpcCidr = "10.0.0.0/8";
          s.clusters[0].network.privateSubnets[0] = "10.0.1.0/29";
        },
        [
          'settings.clusters[0].network.vpcCidr: "10.0.0.0/8" is not allowed; allowed: a VPC CIDR from /16 to /28 (what AWS allows), e.g. 10.0.0.0/16',
          'settings.clusters[0].network.privateSubnets[0]: "10.0.1.0/29" is not allowed; allowed: a subnet from /16 to /28 (what AWS allows), e.g. 10.0.1.0/24',
        ],
      ],
      [
        "two clusters whose node roles get one IAM name (cluster a, group b-default; cluster a-b, group default)",
        (s) => {
          s.clusters[0].name = "a";
          s.clusters[0].nodeGroup.name = "b-default";
          s.clusters.push({ name: "a-b", apps: [{ ecr: { repositoryName: "other" } }] });
        },
        [
          'settings.clusters[1].nodeGroup.name: "default" is not allowed; allowed: a value whose IAM role a-b-default-node no other cluster creates (clusters[0] does; IAM names are account-wide)',
        ],
      ],
      [
        "a branch Git refuses",
        (s) => (s.gitlab.branch = "feature..x"),
        [
          `settings.gitlab.branch: "feature..x" is not allowed; allowed: a Git branch name such as main or release/1.2 (no '..', '//', leading or trailing '/' or '.', no '.lock' end)`,
        ],
      ],
      [
        "an absurd node count, and an absurd key version (zod's own bound, in our words)",
        (s) => {
          s.clusters[0].nodeGroup.maxSize = 1e308;
          s.clusters[0].flux.deployKeyVersion = 1e308;
        },
        [
          "settings.clusters[0].nodeGroup.maxSize: 1e+308 is not allowed; allowed: an integer from 1 to 450 (EKS's limit per managed node group)",
          "settings.clusters[0].flux.deployKeyVersion: 1e+308 is not allowed; allowed: a number at most 9007199254740991",
        ],
      ],
      [
        "a fraction where a whole number is required",
        (s) => (s.clusters[0].nodeGroup.minSize = 1.5),
        ["settings.clusters[0].nodeGroup.minSize: 1.5 is not allowed; allowed: a whole number"],
      ],
      [
        "two apps with the same name",
        (s) => s.clusters[0].apps.push({ name: "nginx", ecr: { repositoryName: "other" } }),
        ['settings.clusters[0].apps[1].name: "nginx" is not allowed; allowed: a name no other app of this cluster uses (apps[0] is "nginx")'],
      ],
      [
        "two apps with the same ECR repository",
        (s) => s.clusters[0].apps.push({ name: "api", ecr: { repositoryName: "nginx-repo" } }),
        [
          'settings.clusters[0].apps[1].ecr.repositoryName: "nginx-repo" is not allowed; allowed: a repository name not used by clusters[0].apps[0] (ECR names are unique per region, us-west-2; the default is <app name>-repo)',
        ],
      ],
      [
        "autoscaling whose maxReplicas is below minReplicas",
        (s) => (s.clusters[0].apps[0].autoscaling = { minReplicas: 3, maxReplicas: 1 }),
        ["settings.clusters[0].apps[0].autoscaling.maxReplicas: 1 is not allowed; allowed: at least minReplicas (3)"],
      ],
      [
        "a CPU limit below the CPU request",
        (s) => (s.clusters[0].apps[0].resources = { cpuRequest: "200m", cpuLimit: "100m" }),
        ['settings.clusters[0].apps[0].resources.cpuLimit: "100m" is not allowed; allowed: at least cpuRequest (200m)'],
      ],
      ["no apps", (s) => (s.clusters[0].apps = []), ["settings.clusters[0].apps: [] is not allowed; allowed: a list with at least one app"]],
      [
        "a Kubernetes version with no pinned Cluster Autoscaler",
        (s) => (s.clusters[0].eks.kubernetesVersion = "1.40"),
        [
          'settings.clusters[0].eks.kubernetesVersion: "1.40" is not allowed; allowed: one of 1.33, 1.34, 1.35 (the versions stacks/addons/cluster-autoscaler.ts pins a Cluster Autoscaler image for)',
        ],
      ],
      [
        "kubernetesVersion written as a number",
        (s) => (s.clusters[0].eks.kubernetesVersion = 1.35),
        ['settings.clusters[0].eks.kubernetesVersion: 1.35 is not allowed; allowed: a Kubernetes minor version as a string, such as "1.35"'],
      ],
      [
        "kubernetesVersion 2.0 (one line, though two checks fail)",
        (s) => (s.clusters[0].eks.kubernetesVersion = "2.0"),
        ['settings.clusters[0].eks.kubernetesVersion: "2.0" is not allowed; allowed: a Kubernetes minor version such as 1.35'],
      ],
      [
        "supportType PREMIUM",
        (s) => (s.clusters[0].eks.supportType = "PREMIUM"),
        ['settings.clusters[0].eks.supportType: "PREMIUM" is not allowed; allowed: STANDARD or EXTENDED'],
      ],
      [
        "amiType AL2_x86_64",
        (s) => (s.clusters[0].nodeGroup.amiType = "AL2_x86_64"),
        [
          'settings.clusters[0].nodeGroup.amiType: "AL2_x86_64" is not allowed; allowed: one of AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, BOTTLEROCKET_x86_64, BOTTLEROCKET_ARM_64 (AL2 AMIs are no longer published)',
        ],
      ],
      [
        "capacityType in lower case",
        (s) => (s.clusters[0].nodeGroup.capacityType = "spot"),
        ['settings.clusters[0].nodeGroup.capacityType: "spot" is not allowed; allowed: SPOT or ON_DEMAND'],
      ],
      [
        "no instance types",
        (s) => (s.clusters[0].nodeGroup.instanceTypes = []),
        ["settings.clusters[0].nodeGroup.instanceTypes: [] is not allowed; allowed: at least one instance type"],
      ],
      [
        "minSize above desiredSize",
        (s) => (s.clusters[0].nodeGroup.minSize = 2),
        ["settings.clusters[0].nodeGroup.desiredSize: 1 is not allowed; allowed: a number from minSize (2) to maxSize (4)"],
      ],
      [
        "desiredSize above maxSize",
        (s) => (s.clusters[0].nodeGroup.desiredSize = 5),
        ["settings.clusters[0].nodeGroup.desiredSize: 5 is not allowed; allowed: a number from minSize (1) to maxSize (4)"],
      ],
      [
        "minSize above maxSize",
        (s) => Object.assign(s.clusters[0].nodeGroup, { minSize: 5, desiredSize: 5 }),
        ["settings.clusters[0].nodeGroup.minSize: 5 is not allowed; allowed: at most maxSize (4)"],
      ],
      [
        "a subnet outside the VPC",
        (s) => (s.clusters[0].network.privateSubnets[0] = "10.1.1.0/24"),
        ['settings.clusters[0].network.privateSubnets[0]: "10.1.1.0/24" is not allowed; allowed: a subnet inside vpcCidr 10.0.0.0/16'],
      ],
      [
        "overlapping subnets",
        (s) => (s.clusters[0].network.privateSubnets[1] = "10.0.1.128/25"),
        [
          'settings.clusters[0].network.privateSubnets[1]: "10.0.1.128/25" is not allowed; allowed: a subnet that does not overlap network.privateSubnets[0] (10.0.1.0/24)',
        ],
      ],
      [
        "a private subnet overlapping a public one",
        (s) => (s.clusters[0].network.privateSubnets[5] = "10.0.102.0/23"),
        [
          'settings.clusters[0].network.privateSubnets[5]: "10.0.102.0/23" is not allowed; allowed: a subnet that does not overlap network.publicSubnets[1] (10.0.102.0/24)',
        ],
      ],
      [
        "a CIDR with host bits set",
        (s) => (s.clusters[0].network.vpcCidr = "10.0.0.1/16"),
        ['settings.clusters[0].network.vpcCidr: "10.0.0.1/16" is not allowed; allowed: an IPv4 network in CIDR form, e.g. 10.0.0.0/16, with no host bits set'],
      ],
      [
        "a zone of another region",
        (s) => (s.clusters[0].network.availabilityZones[2] = "us-east-1c"),
        ['settings.clusters[0].network.availabilityZones[2]: "us-east-1c" is not allowed; allowed: a zone of region us-west-2'],
      ],
      [
        "a bad region (reported once, not again for each zone)",
        (s) => (s.clusters[0].region = "us-west"),
        ['settings.clusters[0].region: "us-west" is not allowed; allowed: an AWS region such as us-west-2 (the list is stacks/settings/aws-regions.ts)'],
      ],
      [
        "an unknown key (typo)",
        (s) => {
          s.clusters[0].eks.kubernetesVerison = s.clusters[0].eks.kubernetesVersion;
        },
        [`settings.clusters[0].eks.kubernetesVerison: unknown key is not allowed; allowed: the keys ${EKS_KEYS}`],
      ],
      [
        "an unknown top-level key",
        (s) => (s.cluster = []),
        ["settings.cluster: unknown key is not allowed; allowed: the keys gitlab, clusters, state, policy"],
      ],
      [
        "an unknown key in a cluster entry",
        (s) => (s.clusters[0].nodegroup = {}),
        [
          "settings.clusters[0].nodegroup: unknown key is not allowed; allowed: the keys name, environment, region, tags, network, eks, nodeGroup, apps, flux, dns, teams",
        ],
      ],
      [
        "an admin ARN with a short account id",
        (s) => (s.clusters[0].eks.adminPrincipalArns = ["arn:aws:iam::1234:role/admin"]),
        [
          'settings.clusters[0].eks.adminPrincipalArns[0]: "arn:aws:iam::1234:role/admin" is not allowed; allowed: an IAM role or user ARN, e.g. arn:aws:iam::111122223333:role/Admin (SSO roles with their full path)',
        ],
      ],
      [
        "a principal that is both admin and viewer, and an admin listed twice",
        (s) => {
          s.clusters[0].eks.adminPrincipalArns = ["arn:aws:iam::111122223333:role/deploy", "arn:aws:iam::111122223333:role/deploy"];
          s.clusters[0].eks.viewerPrincipalArns = ["arn:aws:iam::111122223333:role/deploy"];
        },
        [
          'settings.clusters[0].eks.adminPrincipalArns[1]: "arn:aws:iam::111122223333:role/deploy" is not allowed; allowed: a principal not already listed (it is eks.adminPrincipalArns[0]; EKS keeps one access entry per principal)',
          'settings.clusters[0].eks.viewerPrincipalArns[0]: "arn:aws:iam::111122223333:role/deploy" is not allowed; allowed: a principal not already listed (it is eks.adminPrincipalArns[0]; EKS keeps one access entry per principal)',
        ],
      ],
      [
        "an STS session ARN as admin",
        (s) => (s.clusters[0].eks.adminPrincipalArns = ["arn:aws:sts::111122223333:assumed-role/admin/me"]),
        [
          'settings.clusters[0].eks.adminPrincipalArns[0]: "arn:aws:sts::111122223333:assumed-role/admin/me" is not allowed; allowed: an IAM role or user ARN, e.g. arn:aws:iam::111122223333:role/Admin (SSO roles with their full path)',
        ],
      ],
      [
        "logTypes without audit",
        (s) => (s.clusters[0].eks.logTypes = ["api", "authenticator"]),
        ['settings.clusters[0].eks.logTypes: ["api","authenticator"] is not allowed; allowed: a list that includes at least api and audit'],
      ],
      [
        "an unknown log type",
        (s) => (s.clusters[0].eks.logTypes = ["api", "audit", "kubelet"]),
        ['settings.clusters[0].eks.logTypes[2]: "kubelet" is not allowed; allowed: one of api, audit, authenticator, controllerManager, scheduler'],
      ],
      [
        "logRetentionDays 8",
        (s) => (s.clusters[0].eks.logRetentionDays = 8),
        [`settings.clusters[0].eks.logRetentionDays: 8 is not allowed; allowed: one of ${ALLOWED_RETENTION}`],
      ],
      [
        "duplicate cluster names (the repository clashes too)",
        (s) => s.clusters.push(structuredClone(s.clusters[0])),
        [
          'settings.clusters[1].name: "flux-cluster" is not allowed; allowed: a name no other cluster uses',
          'settings.clusters[1].apps[0].ecr.repositoryName: "nginx-repo" is not allowed; allowed: a repository name not used by clusters[0].apps[0] (ECR names are unique per region, us-west-2; the default is <app name>-repo)',
        ],
      ],
      [
        "duplicate cluster names with distinct repositories",
        (s) => s.clusters.push({ name: "flux-cluster", apps: [{ ecr: { repositoryName: "other" } }] }),
        ['settings.clusters[1].name: "flux-cluster" is not allowed; allowed: a name no other cluster uses'],
      ],
      [
        "missing gitlab.project",
        (s) => delete s.gitlab.project,
        ["settings.gitlab.project: missing; allowed: a project path with its namespace, such as my-group/my-project or group/subgroup/project"],
      ],
      [
        "a project without its group",
        (s) => (s.gitlab.project = "flux-gitops"),
        [
          'settings.gitlab.project: "flux-gitops" is not allowed; allowed: a project path with its namespace, such as my-group/my-project or group/subgroup/project',
        ],
      ],
      ["missing gitlab block", (s) => delete s.gitlab, ["settings.gitlab: missing; allowed: an object"]],
      ["an empty clusters list", (s) => (s.clusters = []), ["settings.clusters: [] is not allowed; allowed: a list with at least one cluster"]],
      [
        "clusters not a list",
        (s) => (s.clusters = s.clusters[0]),
        [expect.stringMatching(/^settings\.clusters: \{"name":"flux-cluster",.*\.\.\. is not allowed; allowed: a list$/)],
      ],
      [
        "a cluster without a name",
        (s) => delete s.clusters[0].name,
        ["settings.clusters[0].name: missing; allowed: cluster name: lowercase letters, digits and '-', starting with a letter, at most 32 characters"],
      ],
      [
        "a GitLab baseUrl without a scheme",
        (s) => (s.gitlab.baseUrl = "gitlab.com"),
        ['settings.gitlab.baseUrl: "gitlab.com" is not allowed; allowed: an http(s) URL such as https://gitlab.com'],
      ],
      [
        "a GitLab baseUrl with another scheme",
        (s) => (s.gitlab.baseUrl = "ssh://gitlab.com"),
        ['settings.gitlab.baseUrl: "ssh://gitlab.com" is not allowed; allowed: an http(s) URL such as https://gitlab.com'],
      ],
      [
        "a node group name that makes the node IAM role name longer than 64 characters",
        (s) => {
          s.clusters[0].name = "platform-production-eu-cluster"; // 30 characters: 64 - 30 - "--node" leaves 28
          s.clusters[0].nodeGroup.name = "spot-general-purpose-workers2"; // 29 characters
        },
        [
          'settings.clusters[0].nodeGroup.name: "spot-general-purpose-workers2" is not allowed; allowed: at most 28 characters with this cluster name (the node IAM role "<cluster name>-<node group name>-node" is limited to 64)',
        ],
      ],
      [
        "a boolean given as a string",
        (s) => (s.clusters[0].eks.endpointPublicAccess = "false"),
        ['settings.clusters[0].eks.endpointPublicAccess: "false" is not allowed; allowed: true or false'],
      ],
    ])("%s is rejected with one exact line per bad value", (_name, edit, expected) => {
      // WHEN parsed
      const error = errorOf(committedWith(edit));
      // THEN SettingsError lists exactly these lines
      expect(error.lines).toHaveLength(expected.length);
      expect(error.lines).toEqual(expected);
      expect(error.message).toBe(error.lines.join("\n"));
      for (const line of error.lines) expect(line).not.toContain("\n");
    });

    test("several bad values give one line each, in document order", () => {
      const error = errorOf(
        committedWith((s) => {
          s.clusters[0].eks.kubernetesVersion = "1.29";
          s.clusters[0].eks.logRetentionDays = 8;
          s.clusters[0].nodeGroup.capacityType = "RESERVED";
        }),
      );
      expect(error.lines.map((line) => line.split(":")[0])).toEqual([
        "settings.clusters[0].eks.kubernetesVersion",
        "settings.clusters[0].eks.logRetentionDays",
        "settings.clusters[0].nodeGroup.capacityType",
      ]);
    });

    test("no settings at all are reported as missing, with where they belong", () => {
      expect(errorOf(undefined).lines).toEqual(["settings: missing; allowed: an object under context.settings in cdktf.json"]);
      expect(errorOf([]).lines).toEqual(["settings: [] is not allowed; allowed: an object"]);
    });

    test("a long bad value is shortened in the message", () => {
      const [line] = errorOf(committedWith((s) => (s.clusters[0].apps[0].ecr.repositoryName = "X".repeat(300)))).lines;
      expect(line).toMatch(/^settings\.clusters\[0\]\.apps\[0\]\.ecr\.repositoryName: "X{76}\.\.\. is not allowed; allowed: 2 to 256 characters$/);
    });
  });
});
