import { kibibytes, limitsCoverRequests, replicaBoundsInOrder } from "../../stacks/settings/schema/apps";
import { clusterSchema } from "../../stacks/settings/schema/cluster";
import {
  appNamesUnique,
  namespacesUnique,
  nodeRoleNameFits,
  nodesFitPrivateSubnets,
  subnetEntries,
  subnetInsideVpc,
  subnetsApart,
  teamCiRoleNameFits,
  teamNamesUnique,
  teamProjectsUnique,
  type TeamsView,
  type TeamView,
  vpcHoldsSomeSubnet,
  zonesInClusterRegion,
  zonesListedOnce,
} from "../../stacks/settings/schema/cluster-rules";
import { principalsListedOnce } from "../../stacks/settings/schema/eks";
import { tokenRotatesBeforeExpiry } from "../../stacks/settings/schema/flux";
import { nodeCountsInOrder } from "../../stacks/settings/schema/node-group";
import { type CustomIssue, eachElement, type ElementCheck, type Rule } from "../../stacks/settings/schema/rules";
import {
  accountRoleNamesUnique,
  clusterNamesUnique,
  commitStatusesReachInstance,
  ecrRepositoryNamesUnique,
  httpsWhenTeamsPush,
} from "../../stacks/settings/schema/settings-rules";
import { s3BackendHasBucket } from "../../stacks/settings/schema/state";

/*
 * Each cross-field rule of the settings alone, called with the smallest value it reads and a
 * context that records what it reports. The messages are the user's refusal lines (load.ts prefixes
 * the path), so they are compared in full.
 */

/** What `rule` reports for `value`. */
function issuesOf<T>(rule: Rule<T>, value: T): CustomIssue[] {
  const issues: CustomIssue[] = [];
  rule(value, { addIssue: (issue) => issues.push(issue) });
  return issues;
}

/** What the element checks report, run element by element over `elements` as the schema runs them. */
function elementIssuesOf<T, E>(value: T, elements: readonly E[], checks: readonly ElementCheck<T, E>[]): CustomIssue[] {
  return issuesOf((v: T, ctx) => eachElement(v, elements, ctx, checks), value);
}

/** One refusal as the rules report it. */
function refusal(path: (string | number)[], input: unknown, message: string): CustomIssue {
  return { code: "custom", path, input, message };
}

const CLUSTER_32 = "c".repeat(32);

describe("the cross-field rules of one group", () => {
  test("GIVEN distinct admin and viewer principals WHEN principalsListedOnce checks them THEN nothing is refused", () => {
    expect(issuesOf(principalsListedOnce, { adminPrincipalArns: ["arn:a"], viewerPrincipalArns: ["arn:b"] })).toEqual([]);
  });

  test("GIVEN a principal that is admin and viewer WHEN principalsListedOnce checks them THEN its second listing is refused", () => {
    expect(issuesOf(principalsListedOnce, { adminPrincipalArns: ["arn:a"], viewerPrincipalArns: ["arn:b", "arn:a"] })).toEqual([
      refusal(
        ["viewerPrincipalArns", 1],
        "arn:a",
        "a principal not already listed (it is eks.adminPrincipalArns[0]; EKS keeps one access entry per principal)",
      ),
    ]);
  });

  test.each([
    [1, 1, 1],
    [0, 2, 4],
    [4, 4, 4],
  ])("GIVEN minSize %i, desiredSize %i, maxSize %i WHEN nodeCountsInOrder checks them THEN nothing is refused", (minSize, desiredSize, maxSize) => {
    expect(issuesOf(nodeCountsInOrder, { minSize, desiredSize, maxSize })).toEqual([]);
  });

  test.each<[string, { minSize: number; desiredSize: number; maxSize: number }, CustomIssue]>([
    ["minSize above maxSize", { minSize: 3, desiredSize: 3, maxSize: 2 }, refusal(["minSize"], 3, "at most maxSize (2)")],
    ["desiredSize above maxSize", { minSize: 1, desiredSize: 5, maxSize: 4 }, refusal(["desiredSize"], 5, "a number from minSize (1) to maxSize (4)")],
    ["desiredSize below minSize", { minSize: 2, desiredSize: 1, maxSize: 4 }, refusal(["desiredSize"], 1, "a number from minSize (2) to maxSize (4)")],
  ])("GIVEN %s WHEN nodeCountsInOrder checks the sizes THEN that one cause is refused", (_name, sizes, expected) => {
    expect(issuesOf(nodeCountsInOrder, sizes)).toEqual([expected]);
  });

  test("GIVEN limits equal to their requests in other units WHEN limitsCoverRequests checks them THEN nothing is refused", () => {
    expect(kibibytes("1Gi")).toBe(kibibytes("1024Mi"));
    expect(issuesOf(limitsCoverRequests, { cpuRequest: "1000m", cpuLimit: "1", memoryRequest: "1Gi", memoryLimit: "1024Mi" })).toEqual([]);
  });

  test("GIVEN both limits below their requests WHEN limitsCoverRequests checks them THEN both are refused, CPU first", () => {
    expect(issuesOf(limitsCoverRequests, { cpuRequest: "200m", cpuLimit: "0.1", memoryRequest: "1Gi", memoryLimit: "512Mi" })).toEqual([
      refusal(["cpuLimit"], "0.1", "at least cpuRequest (200m)"),
      refusal(["memoryLimit"], "512Mi", "at least memoryRequest (1Gi)"),
    ]);
  });

  test("GIVEN equal replica bounds WHEN replicaBoundsInOrder checks them THEN nothing is refused", () => {
    expect(issuesOf(replicaBoundsInOrder, { minReplicas: 3, maxReplicas: 3 })).toEqual([]);
  });

  test("GIVEN maxReplicas below minReplicas WHEN replicaBoundsInOrder checks them THEN maxReplicas is refused", () => {
    expect(issuesOf(replicaBoundsInOrder, { minReplicas: 3, maxReplicas: 2 })).toEqual([refusal(["maxReplicas"], 2, "at least minReplicas (3)")]);
  });

  test("GIVEN a rotation window shorter than the token's lifetime WHEN tokenRotatesBeforeExpiry checks it THEN nothing is refused", () => {
    expect(issuesOf(tokenRotatesBeforeExpiry, { commitStatusTokenDays: 30, commitStatusTokenRotateDays: 29 })).toEqual([]);
  });

  test("GIVEN a rotation window as long as the token's lifetime WHEN tokenRotatesBeforeExpiry checks it THEN the window is refused", () => {
    expect(issuesOf(tokenRotatesBeforeExpiry, { commitStatusTokenDays: 30, commitStatusTokenRotateDays: 30 })).toEqual([
      refusal(["commitStatusTokenRotateDays"], 30, "less than commitStatusTokenDays (30)"),
    ]);
  });

  test.each([
    ["s3 with a bucket", { backend: "s3", s3: { bucket: "state" } }],
    ["gitlab without a bucket", { backend: "gitlab", s3: {} }],
  ])("GIVEN the backend %s WHEN s3BackendHasBucket checks it THEN nothing is refused", (_name, state) => {
    expect(issuesOf(s3BackendHasBucket, state)).toEqual([]);
  });

  test("GIVEN the s3 backend without a bucket WHEN s3BackendHasBucket checks it THEN the missing bucket is refused", () => {
    expect(issuesOf(s3BackendHasBucket, { backend: "s3", s3: {} })).toEqual([
      refusal(["s3", "bucket"], undefined, "a bucket name (required when state.backend is s3)"),
    ]);
  });
});

describe("the cross-field rules of a cluster", () => {
  test("GIVEN distinct zones WHEN zonesListedOnce checks them THEN nothing is refused", () => {
    expect(issuesOf(zonesListedOnce, { network: { availabilityZones: ["us-west-2a", "us-west-2b"] } })).toEqual([]);
    expect(issuesOf(zonesListedOnce, { network: {} })).toEqual([]);
  });

  test("GIVEN zones listed twice WHEN zonesListedOnce checks them THEN each later listing is refused, naming the first", () => {
    expect(issuesOf(zonesListedOnce, { network: { availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2b", "us-west-2a"] } })).toEqual([
      refusal(["network", "availabilityZones", 2], "us-west-2b", "a zone not listed before (availabilityZones[1]): every subnet would land in fewer zones"),
      refusal(["network", "availabilityZones", 3], "us-west-2a", "a zone not listed before (availabilityZones[0]): every subnet would land in fewer zones"),
    ]);
  });

  test("GIVEN zones of the cluster's region, or a region that is no AWS region WHEN zonesInClusterRegion checks them THEN nothing is refused", () => {
    expect(issuesOf(zonesInClusterRegion, { region: "us-west-2", network: { availabilityZones: ["us-west-2a", "us-west-2b"] } })).toEqual([]);
    expect(issuesOf(zonesInClusterRegion, { region: "mars-north-1", network: { availabilityZones: ["us-west-2a"] } })).toEqual([]);
  });

  test("GIVEN a zone of another region WHEN zonesInClusterRegion checks them THEN that zone is refused", () => {
    expect(issuesOf(zonesInClusterRegion, { region: "us-west-2", network: { availabilityZones: ["us-west-2a", "us-east-1b"] } })).toEqual([
      refusal(["network", "availabilityZones", 1], "us-east-1b", "a zone of region us-west-2"),
    ]);
  });

  test("GIVEN a 32-character cluster name and a 26-character node group name WHEN nodeRoleNameFits checks them THEN nothing is refused", () => {
    expect(issuesOf(nodeRoleNameFits, { name: CLUSTER_32, nodeGroup: { name: "g".repeat(26) } })).toEqual([]);
  });

  test("GIVEN an invalid cluster name WHEN nodeRoleNameFits checks a long node group name THEN nothing is refused (the name is the cause)", () => {
    expect(issuesOf(nodeRoleNameFits, { name: "C".repeat(40), nodeGroup: { name: "g".repeat(38) } })).toEqual([]);
  });

  test("GIVEN a 32-character cluster name and a 27-character node group name WHEN nodeRoleNameFits checks them THEN the node group name is refused", () => {
    expect(issuesOf(nodeRoleNameFits, { name: CLUSTER_32, nodeGroup: { name: "g".repeat(27) } })).toEqual([
      refusal(
        ["nodeGroup", "name"],
        "g".repeat(27),
        'at most 26 characters with this cluster name (the node IAM role "<cluster name>-<node group name>-node" is limited to 64)',
      ),
    ]);
  });

  test("GIVEN distinct app names WHEN appNamesUnique checks them THEN nothing is refused", () => {
    expect(issuesOf(appNamesUnique, { apps: [{ name: "shop" }, { name: "blog" }] })).toEqual([]);
  });

  test("GIVEN an app name used twice WHEN appNamesUnique checks them THEN the second is refused", () => {
    expect(issuesOf(appNamesUnique, { apps: [{ name: "shop" }, { name: "blog" }, { name: "shop" }] })).toEqual([
      refusal(["apps", 2, "name"], "shop", 'a name no other app of this cluster uses (apps[0] is "shop")'),
    ]);
  });

  describe("the team rules", () => {
    const cluster: TeamsView = { name: "c", apps: [{ name: "shop", namespace: "apps" }] };
    const team = (name: string, more: Partial<TeamView> = {}): TeamView => ({ name, gitlabProject: `group/${name}`, ecrRepositories: [], ...more });

    test("GIVEN teams with their own names WHEN teamNamesUnique checks them THEN nothing is refused", () => {
      expect(elementIssuesOf(cluster, [team("alpha"), team("beta")], [teamNamesUnique])).toEqual([]);
    });

    test("GIVEN a team name used twice WHEN teamNamesUnique checks them THEN the second is refused", () => {
      expect(elementIssuesOf(cluster, [team("alpha"), team("alpha", { gitlabProject: "group/other" })], [teamNamesUnique])).toEqual([
        refusal(["teams", 1, "name"], "alpha", 'a name no other team uses (teams[0] is "alpha")'),
      ]);
    });

    test("GIVEN teams with their own projects WHEN teamProjectsUnique checks them THEN nothing is refused", () => {
      expect(elementIssuesOf(cluster, [team("alpha"), team("beta")], [teamProjectsUnique])).toEqual([]);
    });

    test("GIVEN two teams with one project in other letter cases WHEN teamProjectsUnique checks them THEN the second is refused", () => {
      const teams = [team("alpha", { gitlabProject: "Group/Alpha" }), team("beta", { gitlabProject: "group/alpha" })];
      expect(elementIssuesOf(cluster, teams, [teamProjectsUnique])).toEqual([
        refusal(["teams", 1, "gitlabProject"], "group/alpha", "a project no other team uses (teams[0] has it)"),
      ]);
    });

    test("GIVEN a 32-character cluster name WHEN teamCiRoleNameFits checks a 23-character team with repositories, or a longer one without THEN nothing is refused", () => {
      const long = { name: CLUSTER_32, apps: [] };
      expect(elementIssuesOf(long, [team("t".repeat(23), { ecrRepositories: ["r1"] }), team("u".repeat(30))], [teamCiRoleNameFits])).toEqual([]);
    });

    test("GIVEN an invalid cluster name WHEN teamCiRoleNameFits checks a long team with repositories THEN nothing is refused (the name is the cause)", () => {
      expect(elementIssuesOf({ name: "C".repeat(40), apps: [] }, [team("t".repeat(30), { ecrRepositories: ["r1"] })], [teamCiRoleNameFits])).toEqual([]);
    });

    test("GIVEN a 32-character cluster name WHEN teamCiRoleNameFits checks a 24-character team with repositories THEN the team name is refused", () => {
      expect(elementIssuesOf({ name: CLUSTER_32, apps: [] }, [team("t".repeat(24), { ecrRepositories: ["r1"] })], [teamCiRoleNameFits])).toEqual([
        refusal(
          ["teams", 0, "name"],
          "t".repeat(24),
          'at most 23 characters with this cluster name (the CI IAM role of a team with ECR repositories, "<cluster name>-team-<team name>-ci", is limited to 64)',
        ),
      ]);
    });

    test("GIVEN teams in namespaces of their own (one by its default, its name) WHEN namespacesUnique checks them THEN nothing is refused", () => {
      expect(elementIssuesOf(cluster, [team("alpha"), team("beta", { namespaces: ["beta-dev", "beta-prod"] })], [namespacesUnique])).toEqual([]);
    });

    test("GIVEN team namespaces of the system, an app, another team and itself WHEN namespacesUnique checks them THEN each is refused with its owner", () => {
      const teams = [team("alpha", { namespaces: ["kube-system", "apps", "alpha", "alpha"] }), team("beta", { namespaces: ["alpha"] })];
      expect(elementIssuesOf(cluster, teams, [namespacesUnique])).toEqual([
        refusal(["teams", 0, "namespaces", 0], "kube-system", "a namespace of its own, not a system namespace"),
        refusal(["teams", 0, "namespaces", 1], "apps", "a namespace of its own, not the namespace of apps[0] (shop)"),
        refusal(["teams", 0, "namespaces", 3], "alpha", "a namespace of its own, not a namespace of teams[0] (alpha)"),
        refusal(["teams", 1, "namespaces", 0], "alpha", "a namespace of its own, not a namespace of teams[0] (alpha)"),
      ]);
    });

    test("GIVEN a team with a system namespace and a second team repeating its name WHEN the cluster is parsed THEN the refusals come team by team", () => {
      const result = clusterSchema.safeParse({
        name: "c",
        teams: [
          { name: "alpha", gitlabProject: "group/alpha", namespaces: ["kube-system"] },
          { name: "alpha", gitlabProject: "group/beta" },
        ],
      });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([
        [["teams", 0, "namespaces", 0], "a namespace of its own, not a system namespace"],
        [["teams", 1, "name"], 'a name no other team uses (teams[0] is "alpha")'],
      ]);
    });
  });

  describe("the subnet rules", () => {
    const network = (vpcCidr: string, publicSubnets: string[], privateSubnets: string[]) => ({ network: { vpcCidr, publicSubnets, privateSubnets } });

    test("GIVEN a VPC holding one of the subnets, or an invalid VPC CIDR WHEN vpcHoldsSomeSubnet checks them THEN nothing is refused, and only the first lets the subnet rules run", () => {
      const holds = network("10.0.0.0/16", ["10.1.1.0/24"], ["10.0.1.0/24"]);
      expect(issuesOf((c: typeof holds, ctx) => expect(vpcHoldsSomeSubnet(c, ctx)).toBe(true), holds)).toEqual([]);
      const invalid = network("10.0.0.1/16", ["10.0.1.0/24"], ["10.0.2.0/24"]);
      expect(issuesOf((c: typeof invalid, ctx) => expect(vpcHoldsSomeSubnet(c, ctx)).toBe(false), invalid)).toEqual([]);
    });

    test("GIVEN a VPC holding none of the subnets WHEN vpcHoldsSomeSubnet checks them THEN vpcCidr alone is refused and the subnet rules do not run", () => {
      const none = network("10.1.0.0/16", ["10.0.101.0/24"], ["10.0.1.0/24", "10.0.2.0/24"]);
      expect(issuesOf((c: typeof none, ctx) => expect(vpcHoldsSomeSubnet(c, ctx)).toBe(false), none)).toEqual([
        refusal(["network", "vpcCidr"], "10.1.0.0/16", "a CIDR containing publicSubnets and privateSubnets (none is inside it: change them with it)"),
      ]);
    });

    test("GIVEN subnets inside the VPC WHEN subnetInsideVpc checks them THEN nothing is refused", () => {
      const c = network("10.0.0.0/16", ["10.0.101.0/24"], ["10.0.1.0/24", "10.0.2.0/24"]);
      expect(elementIssuesOf(c, subnetEntries(c.network), [subnetInsideVpc])).toEqual([]);
    });

    test("GIVEN a private subnet outside the VPC WHEN subnetInsideVpc checks them THEN that subnet is refused", () => {
      const c = network("10.0.0.0/16", ["10.0.101.0/24"], ["10.0.1.0/24", "10.9.2.0/24"]);
      expect(elementIssuesOf(c, subnetEntries(c.network), [subnetInsideVpc])).toEqual([
        refusal(["network", "privateSubnets", 1], "10.9.2.0/24", "a subnet inside vpcCidr 10.0.0.0/16"),
      ]);
    });

    test("GIVEN subnets apart from each other WHEN subnetsApart checks them THEN nothing is refused", () => {
      const c = network("10.0.0.0/16", ["10.0.101.0/24"], ["10.0.1.0/24", "10.0.2.0/24"]);
      expect(elementIssuesOf(c, subnetEntries(c.network), [subnetsApart])).toEqual([]);
    });

    test("GIVEN a private subnet inside a public one WHEN subnetsApart checks them THEN the later subnet is refused, naming the earlier", () => {
      const c = network("10.0.0.0/16", ["10.0.1.0/24"], ["10.0.1.0/25", "10.0.2.0/24"]);
      expect(elementIssuesOf(c, subnetEntries(c.network), [subnetsApart])).toEqual([
        refusal(["network", "privateSubnets", 0], "10.0.1.0/25", "a subnet that does not overlap network.publicSubnets[0] (10.0.1.0/24)"),
      ]);
    });

    test("GIVEN two private /24 subnets WHEN nodesFitPrivateSubnets checks 41 nodes, or a subnet that is invalid THEN nothing is refused", () => {
      expect(issuesOf(nodesFitPrivateSubnets, { network: { privateSubnets: ["10.0.1.0/24", "10.0.2.0/24"] }, nodeGroup: { maxSize: 41 } })).toEqual([]);
      expect(issuesOf(nodesFitPrivateSubnets, { network: { privateSubnets: ["10.0.1.0/24", "bad"] }, nodeGroup: { maxSize: 450 } })).toEqual([]);
    });

    test("GIVEN two private /24 subnets WHEN nodesFitPrivateSubnets checks 42 nodes THEN maxSize is refused with what the subnets hold", () => {
      expect(issuesOf(nodesFitPrivateSubnets, { network: { privateSubnets: ["10.0.1.0/24", "10.0.2.0/24"] }, nodeGroup: { maxSize: 42 } })).toEqual([
        refusal(
          ["nodeGroup", "maxSize"],
          42,
          "at most 41 with these private subnets (502 usable addresses; each node takes at least 12 for itself and its pods' VPC CNI addresses)",
        ),
      ]);
    });
  });
});

describe("the cross-field rules across the settings", () => {
  const withFlux = (commitStatuses: boolean) => ({ flux: { commitStatuses } });

  test("GIVEN an instance at its host's root, or commit statuses off WHEN commitStatusesReachInstance checks them THEN nothing is refused", () => {
    expect(issuesOf(commitStatusesReachInstance, { gitlab: { baseUrl: "https://gitlab.example.com" }, clusters: [withFlux(true)] })).toEqual([]);
    expect(issuesOf(commitStatusesReachInstance, { gitlab: { baseUrl: "https://example.com/gitlab" }, clusters: [withFlux(false)] })).toEqual([]);
    expect(issuesOf(commitStatusesReachInstance, { gitlab: { baseUrl: "ftp://example.com/gitlab" }, clusters: [withFlux(true)] })).toEqual([]);
  });

  test("GIVEN an instance under a path WHEN commitStatusesReachInstance checks clusters with commit statuses THEN each such cluster is refused", () => {
    const s = { gitlab: { baseUrl: "https://example.com/gitlab" }, clusters: [withFlux(true), withFlux(false), withFlux(true)] };
    const message = "false: Flux's GitLab commit statuses cannot reach an instance under a path (gitlab.baseUrl https://example.com/gitlab)";
    expect(issuesOf(commitStatusesReachInstance, s)).toEqual([
      refusal(["clusters", 0, "flux", "commitStatuses"], true, message),
      refusal(["clusters", 2, "flux", "commitStatuses"], true, message),
    ]);
  });

  const withTeams = (...repositories: string[][]) => ({ teams: repositories.map((ecrRepositories) => ({ ecrRepositories })) });

  test("GIVEN an http instance with no team that pushes, or an https one with one WHEN httpsWhenTeamsPush checks them THEN nothing is refused", () => {
    expect(issuesOf(httpsWhenTeamsPush, { gitlab: { baseUrl: "http://gitlab.internal" }, clusters: [withTeams([])] })).toEqual([]);
    expect(issuesOf(httpsWhenTeamsPush, { gitlab: { baseUrl: "https://gitlab.internal" }, clusters: [withTeams(["r1"])] })).toEqual([]);
  });

  test("GIVEN an http instance and teams with ECR repositories WHEN httpsWhenTeamsPush checks them THEN the URL is refused once, naming the first such team", () => {
    const s = { gitlab: { baseUrl: "http://gitlab.internal" }, clusters: [withTeams([]), withTeams([], ["r1"], ["r2"])] };
    expect(issuesOf(httpsWhenTeamsPush, s)).toEqual([
      refusal(
        ["gitlab", "baseUrl"],
        "http://gitlab.internal",
        "an https URL: teams with ECR repositories (such as clusters[1].teams[1]) push through an AWS IAM OIDC provider, which needs an https issuer",
      ),
    ]);
  });

  const roleCluster = (name: string, nodeGroup: string) => ({ name, nodeGroup: { name: nodeGroup }, teams: [] });

  test("GIVEN clusters with their own role names, or one name repeated WHEN accountRoleNamesUnique checks them THEN nothing is refused", () => {
    expect(issuesOf(accountRoleNamesUnique, { clusters: [roleCluster("x", "default"), roleCluster("y", "default")] })).toEqual([]);
    expect(issuesOf(accountRoleNamesUnique, { clusters: [roleCluster("x", "default"), roleCluster("x", "default")] })).toEqual([]);
  });

  test("GIVEN two clusters whose node roles are one name WHEN accountRoleNamesUnique checks them THEN the second's setting is refused", () => {
    expect(issuesOf(accountRoleNamesUnique, { clusters: [roleCluster("x", "y-z"), roleCluster("x-y", "z")] })).toEqual([
      refusal(
        ["clusters", 1, "nodeGroup", "name"],
        "z",
        "a value whose IAM role x-y-z-node no other cluster creates (clusters[0] does; IAM names are account-wide)",
      ),
    ]);
  });

  test("GIVEN distinct cluster names WHEN clusterNamesUnique checks them THEN nothing is refused", () => {
    expect(elementIssuesOf(undefined, [{ name: "x" }, { name: "y" }], [clusterNamesUnique])).toEqual([]);
  });

  test("GIVEN a cluster name used twice WHEN clusterNamesUnique checks them THEN the second is refused", () => {
    expect(elementIssuesOf(undefined, [{ name: "x" }, { name: "x" }], [clusterNamesUnique])).toEqual([
      refusal(["clusters", 1, "name"], "x", "a name no other cluster uses"),
    ]);
  });

  const repoCluster = (region: string, appRepository: string, teamRepositories: string[] = []) => ({
    region,
    apps: [{ ecr: { repositoryName: appRepository } }],
    teams: [{ ecrRepositories: teamRepositories }],
  });

  test("GIVEN one repository name in two regions WHEN ecrRepositoryNamesUnique checks them THEN nothing is refused", () => {
    expect(elementIssuesOf(undefined, [repoCluster("us-west-2", "shop-repo"), repoCluster("eu-west-1", "shop-repo")], [ecrRepositoryNamesUnique])).toEqual([]);
  });

  test("GIVEN repository names repeated in one region WHEN ecrRepositoryNamesUnique checks them THEN each repetition is refused, naming the first user", () => {
    const clusters = [repoCluster("us-west-2", "shop-repo", ["team-repo"]), repoCluster("us-west-2", "shop-repo", ["team-repo"])];
    const where = (first: string) => `a repository name not used by ${first} (ECR names are unique per region, us-west-2; the default is <app name>-repo)`;
    expect(elementIssuesOf(undefined, clusters, [ecrRepositoryNamesUnique])).toEqual([
      refusal(["clusters", 1, "apps", 0, "ecr", "repositoryName"], "shop-repo", where("clusters[0].apps[0]")),
      refusal(["clusters", 1, "teams", 0, "ecrRepositories", 0], "team-repo", where("clusters[0].teams[0]")),
    ]);
  });
});

describe("eachElement", () => {
  test("GIVEN two checks WHEN run over two elements THEN every check of the first element reports before the second's", () => {
    const say: (what: string) => ElementCheck<unknown, string> = (what) => (_v, ctx) => (e, i) => ctx.addIssue(refusal([i], e, what));
    expect(elementIssuesOf(undefined, ["a", "b"], [say("one"), say("two")]).map((i) => `${String(i.input)}:${i.message}`)).toEqual([
      "a:one",
      "a:two",
      "b:one",
      "b:two",
    ]);
  });
});
