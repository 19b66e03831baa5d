import { leafPaths } from "../../stacks/settings/introspect";
import { type Json, MINIMAL_SETTINGS } from "../support";
import { settingsErrorLines as errorLines } from "./settings-errors";

/*
 * Every setting, given a value a new user could plausibly write and AWS, GitLab or Flux would refuse
 * later: the settings refuse it at synth, naming the setting. A new setting fails the coverage test
 * until it has a row here. The same refusal through the app process is in ./synth-cli.replay.test.ts.
 */

/** A wrong value per setting (a leaf path of the schema), with what else the case needs to be reached. */
const WRONG: Record<string, { value: unknown; with?: Record<string, unknown> }> = {
  "gitlab.baseUrl": { value: "ftp://gitlab.example.com" },
  "gitlab.project": { value: "no-group" },
  "gitlab.branch": { value: "feature..x" },
  "gitlab.sshHost": { value: "git@gitlab.example.com" },
  "gitlab.protectBranch": { value: "yes" },
  "gitlab.commitAuthor.name": { value: "" },
  "gitlab.commitAuthor.email": { value: "flux-at-example.com" },
  "gitlab.awsOidcProvider": { value: "import" },
  "clusters[].name": { value: "Prod_Cluster" },
  "clusters[].environment": { value: "Production!" },
  "clusters[].region": { value: "us-west-9" },
  "clusters[].tags": { value: { Owner: 42 } },
  "clusters[].network.vpcCidr": { value: "10.0.0.0/8" },
  "clusters[].network.availabilityZones": { value: ["us-west-2a", "us-west-2a"] },
  "clusters[].network.publicSubnets": { value: ["10.0.1.0/29"] },
  "clusters[].network.privateSubnets": { value: ["10.0.1.0/24", "10.0.1.128/25"] },
  "clusters[].network.flowLogs.enabled": { value: "yes" },
  "clusters[].network.flowLogs.retentionDays": { value: 10 },
  "clusters[].eks.kubernetesVersion": { value: "1.035" },
  "clusters[].eks.supportType": { value: "standard" },
  "clusters[].eks.endpointPublicAccess": { value: "false" },
  "clusters[].eks.publicAccessCidrs": { value: ["10.0.0.1/8"] },
  "clusters[].eks.logTypes": { value: ["api"] },
  "clusters[].eks.logRetentionDays": { value: 10 },
  "clusters[].eks.adminPrincipalArns": { value: ["arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/a"] },
  "clusters[].eks.viewerPrincipalArns": { value: ["111122223333"] },
  "clusters[].eks.addonVersions": { value: { "vpc-cni": "latest" } },
  "clusters[].eks.deletionProtection": { value: 1 },
  "clusters[].eks.grantDeployerAdmin": { value: null },
  "clusters[].nodeGroup.name": { value: "x".repeat(40) },
  "clusters[].nodeGroup.amiType": { value: "AL2_x86_64" },
  "clusters[].nodeGroup.capacityType": { value: "spot" },
  "clusters[].nodeGroup.instanceTypes": { value: [] },
  "clusters[].nodeGroup.minSize": { value: 1.5 },
  "clusters[].nodeGroup.desiredSize": { value: 9, with: { "clusters[].nodeGroup.maxSize": 4 } },
  "clusters[].nodeGroup.maxSize": { value: 1e308 },
  "clusters[].nodeGroup.diskSizeGiB": { value: 4 },
  "clusters[].nodeGroup.amiReleaseVersion": { value: "newest" },
  "clusters[].apps[].name": { value: "My App" },
  "clusters[].apps[].namespace": { value: "kube-system" },
  "clusters[].apps[].ecr.repositoryName": { value: "Upper/Case" },
  "clusters[].apps[].ecr.keepImages": { value: 0 },
  "clusters[].apps[].ecr.untaggedExpiryDays": { value: -1 },
  "clusters[].apps[].ecr.forceDelete": { value: "true" },
  "clusters[].apps[].semverRange": { value: "...." },
  "clusters[].apps[].initialTag": { value: "latest" },
  "clusters[].apps[].containerPort": { value: 80 },
  "clusters[].apps[].runAsUser": { value: 0 },
  "clusters[].apps[].replicas": { value: 0 },
  "clusters[].apps[].resources.cpuRequest": { value: "1 core" },
  "clusters[].apps[].resources.memoryRequest": { value: "64 MB" },
  "clusters[].apps[].resources.cpuLimit": { value: "10m" },
  "clusters[].apps[].resources.memoryLimit": { value: "1Ki" },
  "clusters[].apps[].autoscaling.minReplicas": { value: 0 },
  "clusters[].apps[].autoscaling.maxReplicas": { value: 1, with: { "clusters[].apps[].autoscaling.minReplicas": 2 } },
  "clusters[].apps[].autoscaling.targetCpuUtilization": { value: 150 },
  "clusters[].flux.interval": { value: "1 minute" },
  "clusters[].flux.layerInterval": { value: "" },
  "clusters[].flux.layerTimeout": { value: "5" },
  "clusters[].flux.infrastructureTimeout": { value: "ten minutes" },
  "clusters[].flux.imageScanInterval": { value: "1d" },
  "clusters[].flux.imageUpdateInterval": { value: "-1m" },
  "clusters[].flux.deployKeyVersion": { value: 0 },
  "clusters[].flux.commitStatuses": { value: "on" },
  "clusters[].flux.commitStatusTokenDays": { value: 0.5 },
  "clusters[].flux.commitStatusTokenRotateDays": { value: 400 },
  "clusters[].apps[].expose.host": { value: "Shop.apps.example.com", with: { "clusters[].dns.zoneName": "apps.example.com" } },
  "clusters[].apps[].expose.path": {
    value: "api",
    with: { "clusters[].dns.zoneName": "apps.example.com", "clusters[].apps[].expose.host": "nginx.apps.example.com" },
  },
  "clusters[].apps[].expose.internal": {
    value: "yes",
    with: { "clusters[].dns.zoneName": "apps.example.com", "clusters[].apps[].expose.host": "nginx.apps.example.com" },
  },
  "clusters[].dns.zoneName": { value: "apps.example.com." },
  "clusters[].dns.zoneId": { value: "z123", with: { "clusters[].dns.zoneName": "apps.example.com" } },
  "clusters[].teams[].quota.cpu": { value: "100m" },
  "clusters[].teams[].quota.memory": { value: "8GB" },
  "clusters[].teams[].quota.pods": { value: 0 },
  "clusters[].teams[].containerDefaults.cpuRequest": { value: "1 core" },
  "clusters[].teams[].containerDefaults.memoryRequest": { value: "128 MB" },
  "clusters[].teams[].containerDefaults.cpuLimit": { value: "10m" },
  "clusters[].teams[].containerDefaults.memoryLimit": { value: "1Ki" },
  "clusters[].teams[].name": { value: "Team A" },
  "clusters[].teams[].gitlabProject": { value: "/teams/a" },
  "clusters[].teams[].branch": { value: "main.lock" },
  "clusters[].teams[].path": { value: "/etc" },
  "clusters[].teams[].namespaces": { value: ["flux-system"] },
  "clusters[].teams[].ecrRepositories": { value: ["-bad"] },
  "clusters[].teams[].imageAutomation": { value: "no" },
  "clusters[].teams[].ciBranches": { value: [] },
  "policy.acceptedRisks": { value: { CKV_AWS_58: "secrets unencrypted on purpose" } },
  "state.backend": { value: "consul" },
  "state.gitlab.project": { value: "has spaces/in it" },
  "state.gitlab.credentialsProject": { value: "no-namespace" },
  "state.s3.bucket": { value: "Bucket_With_Caps" },
  "state.s3.region": { value: "eu-west-9" },
  "state.s3.keyPrefix": { value: "/leading-slash" },
  "state.s3.kmsKeyId": { value: "my key" },
};

/** `clusters[].apps[].name` -> ["clusters", 0, "apps", 0, "name"]: the first element of each list. */
const concrete = (leaf: string): (string | number)[] => leaf.split(".").flatMap((part) => (part.endsWith("[]") ? [part.slice(0, -2), 0] : [part]));
const shown = (p: (string | number)[]) =>
  p
    .map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`))
    .join("")
    .replace(/^\./, "");

/** MINIMAL_SETTINGS with one team (so that team settings exist) and the given leaves set. */
function settingsWith(values: Record<string, unknown>): Json {
  // Untyped: raw JSON being edited by path before validation.
  const input: Json = structuredClone({
    ...MINIMAL_SETTINGS,
    clusters: [{ ...MINIMAL_SETTINGS.clusters[0], teams: [{ name: "team-a", gitlabProject: "teams/a" }] }],
  });
  for (const [leaf, value] of Object.entries(values)) {
    const keys = concrete(leaf);
    let node = input;
    for (const [i, key] of keys.slice(0, -1).entries()) {
      node[key] ??= typeof keys[i + 1] === "number" ? [{}] : {};
      node = node[key];
    }
    node[keys[keys.length - 1]] = value;
  }
  return input;
}

describe("every setting refuses a wrong value", () => {
  test("GIVEN the schema THEN every setting has a wrong value in this test (and no row is stale)", () => {
    expect(Object.keys(WRONG).sort()).toEqual([...leafPaths()].sort());
  });

  test.each(Object.entries(WRONG))("GIVEN %s WHEN set wrong THEN synth's settings check names it", (leaf, { value, with: others }) => {
    const lines = errorLines(settingsWith({ ...others, [leaf]: value }));
    const where = `settings.${shown(concrete(leaf))}`;
    expect(lines.length).toBeGreaterThan(0);
    // The setting is named (a list or record may be named by its element), with the value and what is allowed.
    expect(lines.filter((line) => line.startsWith(where))).not.toEqual([]);
    for (const line of lines) expect(line).toMatch(/^settings\.[^:]+: .+ is not allowed; allowed: .+$/);
  });

  test.each(Object.entries(WRONG).filter(([, c]) => c.with))(
    "GIVEN %s's companion settings alone THEN they are valid (the refusal comes from the wrong value)",
    (_leaf, { with: others }) => {
      expect(errorLines(settingsWith({}))).toEqual([]);
      expect(errorLines(settingsWith(others ?? {}))).toEqual([]);
    },
  );
});

describe("derived limits and single causes", () => {
  test("GIVEN a cluster name that is too long THEN only the name is reported, not the node group and team limits derived from it", () => {
    const lines = errorLines(settingsWith({ "clusters[].name": "a".repeat(80), "clusters[].teams[].ecrRepositories": ["team-a/api"] }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^settings\.clusters\[0\]\.name: /);
  });

  test("GIVEN only vpcCidr changed (subnets left at their defaults) THEN one line, on vpcCidr", () => {
    const lines = errorLines(settingsWith({ "clusters[].network.vpcCidr": "172.16.0.0/16" }));
    expect(lines).toEqual([
      'settings.clusters[0].network.vpcCidr: "172.16.0.0/16" is not allowed; allowed: a CIDR containing publicSubnets and privateSubnets (none is inside it: change them with it)',
    ]);
  });

  test("GIVEN private subnets too small for maxSize nodes THEN maxSize is refused with the most the subnets hold, and the boundary is accepted", () => {
    // Two /26: 2 x (64 - 5) = 118 usable addresses, 12 per node: 9 nodes.
    const network = { "clusters[].network.privateSubnets": ["10.0.1.0/26", "10.0.2.0/26"] };
    expect(errorLines(settingsWith({ ...network, "clusters[].nodeGroup.maxSize": 9 }))).toEqual([]);
    expect(errorLines(settingsWith({ ...network, "clusters[].nodeGroup.maxSize": 10 }))).toEqual([
      "settings.clusters[0].nodeGroup.maxSize: 10 is not allowed; allowed: at most 9 with these private subnets (118 usable addresses; each node takes at least 12 for itself and its pods' VPC CNI addresses)",
    ]);
  });

  test("GIVEN every region of the list THEN each is accepted, and a lookalike is not", () => {
    for (const region of ["us-east-1", "eu-central-2", "ap-southeast-7", "mx-central-1", "us-gov-west-1", "cn-north-1"]) {
      expect(errorLines(settingsWith({ "clusters[].region": region }))).toEqual([]);
    }
    expect(errorLines(settingsWith({ "clusters[].region": "eu-central-3" }))[0]).toMatch(/^settings\.clusters\[0\]\.region: "eu-central-3" is not allowed/);
  });
});
