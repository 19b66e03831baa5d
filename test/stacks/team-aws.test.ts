import { lifecycleRules } from "../../stacks/constructs/aws/ecr-repository";
import { teamCiRoleName } from "../../stacks/naming";
import { parseSettings } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { remoteReads, remoteStateBlock } from "../../stacks/state/remote-reads";
import { dataRef, findData, findResource, ref } from "../constructs/find";
import { type Json, MINIMAL_SETTINGS, resourcesOf, synthApp, type SynthesizedJson } from "../support";
import { PUSH_ACTIONS, type Statement } from "../constructs/iam-policies";

/*
 * The AWS side of teams (clusters[].teams): each team's ECR repositories in its cluster's stack,
 * a role its own GitLab CI assumes through OIDC to push to them, and the account's one IAM OIDC
 * provider for the GitLab instance. Checked on the JSON `cdktf synth` writes for the whole app.
 */

type ClusterInput = SettingsInput["clusters"][number];
type TeamInput = NonNullable<ClusterInput["teams"]>[number];

const PAYMENTS: TeamInput = {
  name: "payments",
  gitlabProject: "payments/api",
  ecrRepositories: ["payments/api", "payments-worker"],
  ciBranches: ["main", "release"],
};
const SEARCH: TeamInput = { name: "search", gitlabProject: "search/web", ecrRepositories: ["search-web"], ciBranches: ["*"] };
/** A team that deploys public images only: nothing to push. */
const DOCS: TeamInput = { name: "docs", gitlabProject: "docs/site" };

/** Settings with these clusters; the OIDC provider created by the stacks unless `gitlab` says otherwise (the default reads an existing one). */
function settingsWith(clusters: Partial<ClusterInput>[], gitlab: Partial<SettingsInput["gitlab"]> = {}) {
  const first = MINIMAL_SETTINGS.clusters[0];
  return parseSettings({
    ...MINIMAL_SETTINGS,
    gitlab: { ...MINIMAL_SETTINGS.gitlab, awsOidcProvider: "create", ...gitlab },
    clusters: clusters.map((c) => ({ ...first, ...c })),
  });
}

/** [logicalId, config] of the repository named `name`. */
const repository = (json: SynthesizedJson, name: string) => findResource(json, "aws_ecr_repository", (r) => r.name === name);
/** [logicalId, config] of the role named `name`. */
const role = (json: SynthesizedJson, name: string) => findResource(json, "aws_iam_role", (r) => r.name === name);
const trustOf = (json: SynthesizedJson, roleName: string): Statement[] => JSON.parse(role(json, roleName)[1].assume_role_policy).Statement;
/** The statements of the inline policy on the role named `roleName`. */
function permissionsOf(json: SynthesizedJson, roleName: string): Statement[] {
  const [roleId] = role(json, roleName);
  const [, policy] = findResource(json, "aws_iam_role_policy", (p) => p.role === ref("aws_iam_role", roleId, "id"));
  return JSON.parse(policy.policy).Statement;
}
/** The teams' CI roles (their image reader roles, "-ro", are test/stacks/team-images.test.ts's). */
const teamRoleNames = (json: SynthesizedJson) =>
  resourcesOf(json, "aws_iam_role")
    .map(([, r]) => r.name as string)
    .filter((name) => /-team-.*-ci$/.test(name))
    .sort();
/** The GitLab instance's OIDC provider, not a cluster's own (whose URL is its EKS issuer). */
const isGitLabProvider = (provider: Json) => !String(provider.url).includes("aws_eks_cluster.");
const gitlabProvider = (json: SynthesizedJson) => findResource(json, "aws_iam_openid_connect_provider", isGitLabProvider);
const oidcProviders = (stacks: Record<string, SynthesizedJson>) =>
  Object.entries(stacks).flatMap(([stack, json]) =>
    resourcesOf(json, "aws_iam_openid_connect_provider")
      .filter(([, p]) => isGitLabProvider(p))
      .map(([id, p]) => ({ stack, id, ...p })),
  );

describe("GIVEN a cluster with teams payments (two repositories, main and release), search (any ref) and docs (no repository)", () => {
  let json: SynthesizedJson;
  let providerArn: string;

  beforeAll(() => {
    // WHEN the app is synthesized
    json = synthApp(settingsWith([{ teams: [PAYMENTS, SEARCH, DOCS] }]))["test-cluster-eks"];
    providerArn = ref("aws_iam_openid_connect_provider", gitlabProvider(json)[0], "arn");
  });

  describe("ECR", () => {
    test.each(["payments/api", "payments-worker", "search-web"])("THEN repository %s is set up like the app's: immutable tags, scan on push", (name) => {
      const [, team] = repository(json, name);
      const [, app] = repository(json, "nginx-repo");
      const settingsOf = ({ "//": _metadata, name: _name, ...rest }: Json) => rest;
      expect(settingsOf(team)).toEqual(settingsOf(app));
      expect(team).toMatchObject({ image_tag_mutability: "IMMUTABLE", image_scanning_configuration: { scan_on_push: true }, force_delete: false });
    });

    test.each(["payments/api", "payments-worker", "search-web"])(
      "THEN repository %s keeps 30 images and expires untagged ones after 7 days, like the app's",
      (name) => {
        const lifecycleOf = (repositoryName: string) => {
          const [repoId] = repository(json, repositoryName);
          return findResource(json, "aws_ecr_lifecycle_policy", (p) => p.repository === ref("aws_ecr_repository", repoId, "name"))[1].policy;
        };
        expect(JSON.parse(lifecycleOf(name))).toEqual(lifecycleRules(30, 7));
        expect(lifecycleOf(name)).toBe(lifecycleOf("nginx-repo"));
      },
    );

    test("THEN the repositories are the app's and the teams' and no more (docs has none)", () => {
      expect(
        resourcesOf(json, "aws_ecr_repository")
          .map(([, r]) => r.name)
          .sort(),
      ).toEqual(["nginx-repo", "payments-worker", "payments/api", "search-web"]);
    });

    test("THEN each repository's address comes from its team and its name, not its position", () => {
      expect(repository(json, "payments/api")[0]).toMatch(/^team-payments-ecr-payments--api_repository_[0-9A-F]{8}$/);
      expect(repository(json, "payments-worker")[0]).toMatch(/^team-payments-ecr-payments-worker_repository_[0-9A-F]{8}$/);
      expect(repository(json, "search-web")[0]).toMatch(/^team-search-ecr-search-web_repository_[0-9A-F]{8}$/);
    });

    test("THEN listing a team's repositories in another order moves no repository and no lifecycle policy", () => {
      // WHEN synthesized again with payments' repositories reversed
      const reordered = synthApp(settingsWith([{ teams: [{ ...PAYMENTS, ecrRepositories: [...PAYMENTS.ecrRepositories!].reverse() }, SEARCH, DOCS] }]))[
        "test-cluster-eks"
      ];
      const addresses = (j: SynthesizedJson) =>
        ["aws_ecr_repository", "aws_ecr_lifecycle_policy"]
          .flatMap((type) => resourcesOf(j, type).map(([id, r]) => `${type}.${id} ${r.name ?? r.repository}`))
          .sort();
      // THEN
      expect(addresses(reordered)).toEqual(addresses(json));
    });
  });

  describe("CI roles", () => {
    test("THEN payments and search get a role <cluster>-team-<team>-ci, docs (no repository) none", () => {
      expect(teamRoleNames(json)).toEqual(["test-cluster-team-payments-ci", "test-cluster-team-search-ci"]);
      expect(teamCiRoleName("test-cluster", "payments")).toBe("test-cluster-team-payments-ci");
      expect(resourcesOf(json, "aws_iam_role").some(([, r]) => String(r.name).includes("docs"))).toBe(false);
    });

    test("THEN payments' role trusts the account's GitLab OIDC provider for tokens of payments/api on main and release only", () => {
      expect(trustOf(json, "test-cluster-team-payments-ci")).toEqual([
        {
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "gitlab.com:aud": "sts.amazonaws.com",
              "gitlab.com:sub": ["project_path:payments/api:ref_type:branch:ref:main", "project_path:payments/api:ref_type:branch:ref:release"],
            },
          },
        },
      ]);
    });

    test('THEN search\'s role ("*") takes any ref of search/web through StringLike, and still only the sts.amazonaws.com audience', () => {
      const [statement] = trustOf(json, "test-cluster-team-search-ci");
      expect(statement.Principal).toEqual({ Federated: providerArn });
      expect(statement.Condition).toEqual({
        StringEquals: { "gitlab.com:aud": "sts.amazonaws.com" },
        StringLike: { "gitlab.com:sub": "project_path:search/web:*" },
      });
    });

    test("THEN payments may push to and pull from exactly its two repositories, and log in", () => {
      const arns = PAYMENTS.ecrRepositories!.map((name) => ref("aws_ecr_repository", repository(json, name)[0], "arn"));
      expect(permissionsOf(json, "test-cluster-team-payments-ci")).toEqual([
        { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        { Sid: "EcrPushPull", Effect: "Allow", Action: PUSH_ACTIONS, Resource: arns },
      ]);
    });

    test("THEN search may push only to search-web", () => {
      const push = permissionsOf(json, "test-cluster-team-search-ci").find((s) => s.Sid === "EcrPushPull")!;
      expect(push.Resource).toEqual([ref("aws_ecr_repository", repository(json, "search-web")[0], "arn")]);
    });

    test.each(["test-cluster-team-payments-ci", "test-cluster-team-search-ci"])("THEN %s has no resource * but for GetAuthorizationToken", (name) => {
      const wildcard = permissionsOf(json, name).filter((s) => [s.Resource].flat().includes("*"));
      expect(wildcard.map((s) => s.Action)).toEqual(["ecr:GetAuthorizationToken"]);
      // Nor a repository of another team, nor the app's.
      const resources = permissionsOf(json, name).flatMap((s) => [s.Resource].flat());
      expect(resources.filter((r) => r!.includes(repository(json, "nginx-repo")[0]))).toEqual([]);
    });
  });

  describe("OIDC provider", () => {
    test("THEN the stack creates the provider for https://gitlab.com with client ID sts.amazonaws.com", () => {
      const [, provider] = gitlabProvider(json);
      expect(provider.url).toBe("https://gitlab.com");
      expect(provider.client_id_list).toEqual(["sts.amazonaws.com"]);
      expect(json.data?.aws_iam_openid_connect_provider).toBeUndefined();
    });
  });

  describe("outputs", () => {
    test("THEN team_ecr_repository_urls maps each team with repositories to its repositories' URLs", () => {
      const url = (name: string) => ref("aws_ecr_repository", repository(json, name)[0], "repository_url");
      expect(json.output?.team_ecr_repository_urls?.value).toEqual({
        payments: { "payments/api": url("payments/api"), "payments-worker": url("payments-worker") },
        search: { "search-web": url("search-web") },
      });
    });

    test("THEN team_ci_role_arns maps each team with a role to its ARN", () => {
      expect(json.output?.team_ci_role_arns?.value).toEqual({
        payments: ref("aws_iam_role", role(json, "test-cluster-team-payments-ci")[0], "arn"),
        search: ref("aws_iam_role", role(json, "test-cluster-team-search-ci")[0], "arn"),
      });
    });
  });
});

describe("GIVEN two clusters with teams and gitlab.awsOidcProvider create (the default)", () => {
  let stacks: Record<string, SynthesizedJson>;

  beforeAll(() => {
    // WHEN the app is synthesized; the second cluster is in another region, so it may reuse a repository name
    stacks = synthApp(
      settingsWith([
        { teams: [PAYMENTS] },
        { name: "second", region: "eu-central-1", teams: [{ name: "payments", gitlabProject: "payments/api", ecrRepositories: ["payments/api"] }] },
      ]),
    );
  });

  test("THEN the OIDC provider exists exactly once, in the first cluster stack", () => {
    expect(oidcProviders(stacks).map((p) => p.stack)).toEqual(["test-cluster-eks"]);
    expect(stacks["second-eks"].data?.aws_iam_openid_connect_provider).toBeUndefined();
  });

  test("THEN the second cluster's role trusts it through the first stack's state (terraform_remote_state)", () => {
    const second = stacks["second-eks"];
    const [{ id: providerId }] = oidcProviders(stacks);
    const [outputName] = Object.entries(stacks["test-cluster-eks"].output ?? {}).find(
      ([, o]) => o.value === ref("aws_iam_openid_connect_provider", providerId, "arn"),
    )!;
    expect([...(remoteReads(stacks).get("second-eks")?.values() ?? [])]).toEqual(["test-cluster-eks"]);
    const [statement] = trustOf(second, "second-team-payments-ci");
    expect(statement.Principal).toEqual({
      Federated: `\${data.terraform_remote_state.${remoteStateBlock(stacks, "second-eks", "test-cluster-eks")}.outputs.${outputName}}`,
    });
  });

  test("THEN each cluster has its own role for a team of the same name", () => {
    expect(teamRoleNames(stacks["test-cluster-eks"])).toEqual(["test-cluster-team-payments-ci"]);
    expect(teamRoleNames(stacks["second-eks"])).toEqual(["second-team-payments-ci"]);
    expect(repository(stacks["second-eks"], "payments/api")[1].name).toBe("payments/api");
  });
});

describe("GIVEN the first cluster has no team and the second has one", () => {
  test("THEN the second cluster stack creates the provider and reads nothing from the first", () => {
    // WHEN the app is synthesized
    const stacks = synthApp(settingsWith([{}, { name: "second", apps: [{ ecr: { repositoryName: "second-repo" } }], teams: [SEARCH] }]));
    // THEN
    expect(oidcProviders(stacks).map((p) => p.stack)).toEqual(["second-eks"]);
    expect(stacks["second-eks"].data?.terraform_remote_state).toBeUndefined();
    expect(stacks["test-cluster-eks"].output?.team_ci_role_arns).toBeUndefined();
    expect(stacks["test-cluster-eks"].output?.team_ecr_repository_urls).toBeUndefined();
  });
});

describe('GIVEN two clusters with teams and gitlab.awsOidcProvider "existing"', () => {
  let stacks: Record<string, SynthesizedJson>;

  beforeAll(() => {
    // WHEN the app is synthesized
    stacks = synthApp(
      settingsWith([{ teams: [PAYMENTS] }, { name: "second", apps: [{ ecr: { repositoryName: "second-repo" } }], teams: [SEARCH] }], {
        awsOidcProvider: "existing",
      }),
    );
  });

  test("THEN no stack creates an OIDC provider", () => {
    expect(oidcProviders(stacks)).toEqual([]);
  });

  test.each([
    ["test-cluster-eks", "test-cluster-team-payments-ci"],
    ["second-eks", "second-team-search-ci"],
  ])("THEN %s reads the provider by URL and its role trusts what it read", (stack, roleName) => {
    const [dataId, provider] = findData(stacks[stack], "aws_iam_openid_connect_provider");
    expect(provider.url).toBe("https://gitlab.com");
    expect(trustOf(stacks[stack], roleName)[0].Principal).toEqual({ Federated: dataRef("aws_iam_openid_connect_provider", dataId, "arn") });
  });

  test("THEN the cluster stacks stay independent: the second reads no state of the first", () => {
    expect(stacks["second-eks"].data?.terraform_remote_state).toBeUndefined();
  });
});

describe("GIVEN teams without ECR repositories only", () => {
  test("THEN there is no OIDC provider, read or created, and no team role; the team outputs are empty", () => {
    // WHEN the app is synthesized
    const json = synthApp(settingsWith([{ teams: [DOCS] }]))["test-cluster-eks"];
    // THEN
    expect(json.resource?.aws_iam_openid_connect_provider).toBeUndefined();
    expect(json.data?.aws_iam_openid_connect_provider).toBeUndefined();
    expect(teamRoleNames(json)).toEqual([]);
    expect(json.output?.team_ecr_repository_urls?.value).toEqual({});
    expect(json.output?.team_ci_role_arns?.value).toEqual({});
  });
});

describe("GIVEN a self-managed GitLab served under a path (commit statuses off)", () => {
  test("THEN the provider's URL is the instance URL and the condition keys name host and path", () => {
    // WHEN the app is synthesized
    const json = synthApp(settingsWith([{ flux: { commitStatuses: false }, teams: [PAYMENTS] }], { baseUrl: "https://gitlab.example.com/gitlab/" }))[
      "test-cluster-eks"
    ];
    // THEN
    expect(gitlabProvider(json)[1].url).toBe("https://gitlab.example.com/gitlab");
    const [statement] = trustOf(json, "test-cluster-team-payments-ci");
    expect(Object.keys(statement.Condition!.StringEquals).sort()).toEqual(["gitlab.example.com/gitlab:aud", "gitlab.example.com/gitlab:sub"]);
  });
});
