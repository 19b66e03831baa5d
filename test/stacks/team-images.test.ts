import { TEAM_ECR_READER, teamImageReaderRoleName } from "../../stacks/naming";
import { parseSettings } from "../../stacks/settings/load";
import type { Settings, SettingsInput } from "../../stacks/settings/schema";
import { findResource, ref } from "../constructs/find";
import { permissionsAllow, trustAllowsWebIdentity, wildcardMatch } from "../constructs/iam-evaluator";
import { type Statement, statementsOf } from "../constructs/iam-policies";
import { type Json, MINIMAL_SETTINGS, resourcesOf, synthApp, type SynthesizedJson } from "../support";
import { ACCOUNT_ID, AppliedApp, clusterIssuer } from "./terraform-values";

/*
 * Teams' image automation on their own identity: Flux's image reflector scans a team's
 * ImageRepository (spec.provider aws, spec.serviceAccountName flux-ecr-reader) by asking the
 * cluster for a token of that service account (audience sts.amazonaws.com) and exchanging it with
 * sts:AssumeRoleWithWebIdentity for the role the service account's eks.amazonaws.com/role-arn
 * annotation names (fluxcd/pkg auth/access_token.go, auth/aws/provider.go). A team is admin in its
 * namespaces, so it can create any service account and annotate it with any role ARN: what keeps
 * it to its own repositories is only the roles' trust and permission policies. This file replays
 * STS's and ECR's decisions on the synthesized policies (test/constructs/iam-evaluator.ts), for
 * every service account a team could make the reflector use, against every role of the account.
 */

type TeamInput = NonNullable<SettingsInput["clusters"][number]["teams"]>[number];
const PAYMENTS: TeamInput = { name: "payments", gitlabProject: "teams/payments", ecrRepositories: ["payments/api", "payments-worker"] };
const SEARCH: TeamInput = { name: "search", gitlabProject: "teams/search", namespaces: ["search", "search-jobs"], ecrRepositories: ["search-web"] };
const DOCS: TeamInput = { name: "docs", gitlabProject: "teams/docs" };

/** Two clusters in two regions, each with a team "payments": same names, different clusters. */
const SETTINGS = parseSettings({
  ...MINIMAL_SETTINGS,
  clusters: [
    { name: "test-cluster", teams: [PAYMENTS, SEARCH, DOCS] },
    {
      name: "second",
      region: "eu-central-1",
      apps: [{ ecr: { repositoryName: "second-repo" } }],
      teams: [{ ...PAYMENTS, ecrRepositories: ["payments/api"] }],
    },
  ],
});

/** What Flux's image reflector needs on a repository to scan it: list the tags, read manifests (fluxcd/pkg auth/aws, the registry API). */
const SCAN_ACTIONS = ["ecr:ListImages", "ecr:BatchGetImage", "ecr:DescribeImages"];
const WRITE_ACTIONS = ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:DeleteRepository"];

/** A role of the account; its documents are resolved when first read (a role no token reaches is never read further). */
interface Role {
  readonly stack: string;
  readonly name: string;
  readonly arn: string;
  readonly trust: () => string;
  readonly policies: () => readonly string[];
  readonly managedPolicies: () => readonly string[];
}
interface Repository {
  readonly arn: string;
  /** "platform" for an app's, "<cluster>/<team>" for a team's. */
  readonly owner: string;
}
/** A service account of a cluster whose token the image reflector can be made to exchange (Flux requests audience sts.amazonaws.com). */
interface Identity {
  readonly cluster: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}
const label = (i: Identity) => `${i.cluster}:${i.namespace}/${i.serviceAccount}`;

/** The account once every stack is applied: its roles, ECR repositories and OIDC providers. */
function account(stacks: Record<string, SynthesizedJson>) {
  const applied = new AppliedApp(stacks);
  const roles: Role[] = Object.entries(stacks).flatMap(([stack, json]) =>
    resourcesOf(json, "aws_iam_role").map(([id, role]) => {
      const refersToRole = (value: unknown) => [ref("aws_iam_role", id, "id"), ref("aws_iam_role", id, "name")].includes(String(value));
      return {
        stack,
        name: role.name as string,
        arn: applied.resolve(stack, ref("aws_iam_role", id, "arn")),
        trust: () => applied.resolve(stack, role.assume_role_policy as string),
        policies: () =>
          resourcesOf(json, "aws_iam_role_policy")
            .filter(([, p]) => refersToRole(p.role))
            .map(([, p]) => applied.resolve(stack, p.policy as string)),
        managedPolicies: () =>
          resourcesOf(json, "aws_iam_role_policy_attachment")
            .filter(([, a]) => refersToRole(a.role))
            .map(([, a]) => a.policy_arn as string),
      };
    }),
  );
  const teamRepositories = new Map(
    SETTINGS.clusters.flatMap((c) => c.teams.flatMap((t) => t.ecrRepositories.map((name) => [`${c.region}/${name}`, `${c.name}/${t.name}`] as const))),
  );
  const repositories: Repository[] = Object.entries(stacks).flatMap(([stack, json]) =>
    resourcesOf(json, "aws_ecr_repository").map(([id, r]) => ({
      arn: applied.resolve(stack, ref("aws_ecr_repository", id, "arn")),
      owner: teamRepositories.get(`${applied.region(stack)}/${r.name as string}`) ?? "platform",
    })),
  );
  const providers = Object.entries(stacks).flatMap(([stack, json]) =>
    resourcesOf(json, "aws_iam_openid_connect_provider").map(([id, p]) => ({
      url: applied.resolve(stack, p.url as string),
      arn: applied.resolve(stack, ref("aws_iam_openid_connect_provider", id, "arn")),
      clientIds: p.client_id_list as string[],
    })),
  );
  return { roles, repositories, providers };
}
type Account = ReturnType<typeof account>;

/**
 * The roles a token of `identity` may assume: STS finds the account's OIDC provider for the
 * token's issuer (none: refused), requires the token's audience among its client IDs, then
 * evaluates each role's trust policy with the token's claims.
 */
function assumableRoles(world: Account, settings: Settings, identity: Identity, audience = "sts.amazonaws.com"): Role[] {
  const cluster = settings.clusters.find((c) => c.name === identity.cluster)!;
  const issuer = clusterIssuer(cluster.region, cluster.name);
  const provider = world.providers.find((p) => p.url === issuer);
  if (!provider || !provider.clientIds.includes(audience)) return [];
  const host = issuer.replace(/^https:\/\//, "");
  const context = { [`${host}:sub`]: `system:serviceaccount:${identity.namespace}:${identity.serviceAccount}`, [`${host}:aud`]: audience };
  return world.roles.filter((role) => trustAllowsWebIdentity(role.trust(), { providerArn: provider.arn, context }));
}

/** The repositories a role may scan (every scan action), or touch at all (any scan or write action). */
function access(role: Role, world: Account) {
  // Managed policies are not evaluated here: a role a team token reaches must have none.
  const managed = role.managedPolicies();
  if (managed.length > 0) throw new Error(`${role.name}: managed policies ${managed.join(", ")} (not evaluated)`);
  const policies = role.policies();
  const allows = (action: string, resource: string) => permissionsAllow(policies, action, resource);
  return {
    login: allows("ecr:GetAuthorizationToken", "*"),
    scans: world.repositories.filter((r) => SCAN_ACTIONS.every((a) => allows(a, r.arn))).map((r) => r.owner),
    touches: world.repositories.filter((r) => [...SCAN_ACTIONS, ...WRITE_ACTIONS].some((a) => allows(a, r.arn))).map((r) => r.owner),
    writes: world.repositories.filter((r) => WRITE_ACTIONS.some((a) => allows(a, r.arn))).map((r) => r.owner),
  };
}

/** Every service account a team could get the image reflector to use, and the platform's own. */
function identities(settings: Settings): Identity[] {
  return settings.clusters.flatMap((c) => {
    const namespaces = new Set(["flux-system", "default", "kube-system", ...c.apps.map((a) => a.namespace), ...c.teams.flatMap((t) => t.namespaces)]);
    const accounts = new Set([TEAM_ECR_READER.serviceAccount, "default", "image-reflector-controller", "kustomize-controller", ...c.teams.map((t) => t.name)]);
    return [...namespaces].flatMap((namespace) => [...accounts].map((serviceAccount) => ({ cluster: c.name, namespace, serviceAccount })));
  });
}

/** The identity's team when it is that team's ECR reader, with the roles and repositories it should reach. */
function expectedFor(settings: Settings, identity: Identity): { roles: string[]; scans: string[] } {
  const cluster = settings.clusters.find((c) => c.name === identity.cluster)!;
  const team = cluster.teams.find((t) => t.ecrRepositories.length > 0 && t.namespaces[0] === identity.namespace);
  if (!team || identity.serviceAccount !== TEAM_ECR_READER.serviceAccount) return { roles: [], scans: [] };
  return { roles: [teamImageReaderRoleName(cluster.name, team.name)], scans: team.ecrRepositories.map(() => `${cluster.name}/${team.name}`) };
}

/**
 * Everything that breaks "a team's image automation works for its own ECR repositories and for no
 * one else's", one line each: an identity that reaches a role or repository it should not, or
 * misses its own.
 */
function isolationProblems(stacks: Record<string, SynthesizedJson>, settings: Settings = SETTINGS): string[] {
  const world = account(stacks);
  return identities(settings).flatMap((identity) => {
    const expected = expectedFor(settings, identity);
    const roles = assumableRoles(world, settings, identity);
    const problems: string[] = [];
    if (
      JSON.stringify(roles.map((r) => r.name).sort()) !== JSON.stringify(expected.roles) ||
      (expected.roles.length === 0 && assumableRoles(world, settings, identity, "https://kubernetes.default.svc").length > 0)
    ) {
      problems.push(`${label(identity)} assumes [${roles.map((r) => r.name).join(", ")}], expected [${expected.roles.join(", ")}]`);
    }
    const reached = roles.map((role) => access(role, world));
    const scans = reached.flatMap((a) => a.scans).sort();
    const touches = [...new Set(reached.flatMap((a) => a.touches))].sort();
    if (JSON.stringify(scans) !== JSON.stringify([...expected.scans].sort())) problems.push(`${label(identity)} scans [${scans.join(", ")}]`);
    if (JSON.stringify(touches) !== JSON.stringify([...new Set(expected.scans)])) problems.push(`${label(identity)} reaches [${touches.join(", ")}]`);
    if (reached.some((a) => a.writes.length > 0)) problems.push(`${label(identity)} may write to [${reached.flatMap((a) => a.writes).join(", ")}]`);
    if (reached.some((a) => !a.login)) problems.push(`${label(identity)} cannot log in to ECR`);
    return problems;
  });
}

const stacks = synthApp(SETTINGS);
const eks = stacks["test-cluster-eks"];
const roleOf = (json: SynthesizedJson, name: string) => findResource(json, "aws_iam_role", (r) => r.name === name);
const trustOf = (json: SynthesizedJson, name: string): Statement[] => statementsOf(roleOf(json, name)[1].assume_role_policy);
const eksProvider = (json: SynthesizedJson) => findResource(json, "aws_iam_openid_connect_provider", (p) => String(p.url).includes("aws_eks_cluster."));

describe("GIVEN teams payments (two repositories), search (two namespaces, one repository) and docs (none) on test-cluster, and a team payments on a second cluster", () => {
  describe("the synthesized IAM (WHEN the app is synthesized)", () => {
    test("THEN each cluster stack has an IAM OIDC provider for its own cluster's service account issuer, audience sts.amazonaws.com", () => {
      for (const name of ["test-cluster-eks", "second-eks"]) {
        const [, provider] = eksProvider(stacks[name]);
        const [clusterId] = findResource(stacks[name], "aws_eks_cluster");
        expect({ name, url: provider.url, clients: provider.client_id_list }).toEqual({
          name,
          url: ref("aws_eks_cluster", clusterId, "identity[0].oidc[0].issuer"),
          clients: ["sts.amazonaws.com"],
        });
      }
    });

    test.each([
      ["payments", "payments"],
      ["search", "search"],
    ])("THEN team %s's image reader role trusts only the cluster's provider, for exactly %s/flux-ecr-reader and audience sts.amazonaws.com", (team, home) => {
      const [providerId] = eksProvider(eks);
      const [localName, local] = Object.entries(eks.locals ?? {}).find(([name]) => name.startsWith("eks-oidc-provider_condition-issuer"))!;
      expect(local).toBe(`\${replace(${ref("aws_iam_openid_connect_provider", providerId, "url").slice(2, -1)}, "https://", "")}`);
      const issuer = `\${local.${localName}}`;
      expect(trustOf(eks, `test-cluster-team-${team}-ro`)).toEqual([
        {
          Effect: "Allow",
          Principal: { Federated: ref("aws_iam_openid_connect_provider", providerId, "arn") },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com", [`${issuer}:sub`]: `system:serviceaccount:${home}:flux-ecr-reader` } },
        },
      ]);
    });

    test("THEN payments' image reader role may log in to ECR and read exactly payments' two repositories, and write nowhere", () => {
      const [roleId] = roleOf(eks, "test-cluster-team-payments-ro");
      const [, policy] = findResource(eks, "aws_iam_role_policy", (p) => p.role === ref("aws_iam_role", roleId, "id"));
      const repositoryArn = (name: string) => ref("aws_ecr_repository", findResource(eks, "aws_ecr_repository", (r) => r.name === name)[0], "arn");
      expect(statementsOf(policy.policy)).toEqual([
        { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        {
          Sid: "EcrRead",
          Effect: "Allow",
          Action: expect.arrayContaining(SCAN_ACTIONS),
          Resource: [repositoryArn("payments/api"), repositoryArn("payments-worker")],
        },
      ]);
      expect(resourcesOf(eks, "aws_iam_role_policy_attachment").filter(([, a]) => a.role === ref("aws_iam_role", roleId, "name"))).toEqual([]);
    });

    test("THEN docs (no repository) gets no image reader role, and team_image_reader_role_arns names the two others", () => {
      expect(
        resourcesOf(eks, "aws_iam_role")
          .filter(([, r]) => /-ro$/.test(r.name as string))
          .map(([, r]) => r.name),
      ).toEqual(["test-cluster-team-payments-ro", "test-cluster-team-search-ro"]);
      expect(eks.output?.team_image_reader_role_arns?.value).toEqual({
        payments: ref("aws_iam_role", roleOf(eks, "test-cluster-team-payments-ro")[0], "arn"),
        search: ref("aws_iam_role", roleOf(eks, "test-cluster-team-search-ro")[0], "arn"),
      });
    });

    test("THEN the platform's image reflector role is still trusted by EKS Pod Identity only (the apps keep controller-level identity)", () => {
      const [statement] = trustOf(stacks["test-cluster-gitops"], "test-cluster-flux-image-reflector");
      expect(statement.Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    });
  });

  describe("what STS and ECR decide (the synthesized policies, replayed with the applied values)", () => {
    const world = account(stacks);
    const reader = (cluster: string, namespace: string, serviceAccount = TEAM_ECR_READER.serviceAccount): Identity => ({ cluster, namespace, serviceAccount });

    test("THEN no identity of either cluster reaches a role or repository it should not, and each team's reader reaches exactly its own", () => {
      expect(isolationProblems(stacks)).toEqual([]);
    });

    test("THEN payments' reader scans both payments repositories of its cluster, and search's reader its one", () => {
      const scanned = (identity: Identity) => assumableRoles(world, SETTINGS, identity).flatMap((role) => access(role, world).scans);
      expect(scanned(reader("test-cluster", "payments"))).toEqual(["test-cluster/payments", "test-cluster/payments"]);
      expect(scanned(reader("test-cluster", "search"))).toEqual(["test-cluster/search"]);
      expect(scanned(reader("second", "payments"))).toEqual(["second/payments"]);
    });

    test("GIVEN search annotates its reader with payments' role THEN STS refuses: the trust names payments/flux-ecr-reader", () => {
      const payments = world.roles.find((r) => r.name === "test-cluster-team-payments-ro")!;
      expect(assumableRoles(world, SETTINGS, reader("test-cluster", "search")).map((r) => r.name)).not.toContain(payments.name);
      // search's second namespace, which is not its home, gets nothing either
      expect(assumableRoles(world, SETTINGS, reader("test-cluster", "search-jobs"))).toEqual([]);
    });

    test("GIVEN a team annotates a service account with the platform's image reflector role THEN STS refuses: only EKS Pod Identity is trusted", () => {
      const platform = world.roles.find((r) => r.name === "test-cluster-flux-image-reflector")!;
      for (const identity of identities(SETTINGS)) {
        expect({ identity: label(identity), platform: assumableRoles(world, SETTINGS, identity).includes(platform) }).toEqual({
          identity: label(identity),
          platform: false,
        });
      }
    });

    test("GIVEN a token of second's payments reader THEN test-cluster's payments role refuses it (another issuer, another provider)", () => {
      expect(assumableRoles(world, SETTINGS, reader("second", "payments")).map((r) => r.name)).toEqual(["second-team-payments-ro"]);
    });

    test("GIVEN a token for another audience (the API server's) THEN STS refuses it before any trust policy", () => {
      expect(assumableRoles(world, SETTINGS, reader("test-cluster", "payments"), "https://kubernetes.default.svc")).toEqual([]);
    });

    test("THEN the replay's account is what the stacks create: one role ARN per name, repositories in both regions", () => {
      expect(world.roles.find((r) => r.name === "test-cluster-team-payments-ro")!.arn).toBe(`arn:aws:iam::${ACCOUNT_ID}:role/test-cluster-team-payments-ro`);
      expect(world.repositories.map((r) => r.arn).sort()).toEqual([
        `arn:aws:ecr:eu-central-1:${ACCOUNT_ID}:repository/payments/api`,
        `arn:aws:ecr:eu-central-1:${ACCOUNT_ID}:repository/second-repo`,
        `arn:aws:ecr:us-west-2:${ACCOUNT_ID}:repository/nginx-repo`,
        `arn:aws:ecr:us-west-2:${ACCOUNT_ID}:repository/payments-worker`,
        `arn:aws:ecr:us-west-2:${ACCOUNT_ID}:repository/payments/api`,
        `arn:aws:ecr:us-west-2:${ACCOUNT_ID}:repository/search-web`,
      ]);
    });
  });

  describe("planted faults: the replay fails each of them", () => {
    /** A copy of the app with payments' reader role (on test-cluster) changed by `edit`. */
    function planted(edit: (role: Json, policy: Json, json: SynthesizedJson) => void): Record<string, SynthesizedJson> {
      const copy = structuredClone(stacks);
      const json = copy["test-cluster-eks"];
      const [roleId, role] = roleOf(json, "test-cluster-team-payments-ro");
      const [, policy] = findResource(json, "aws_iam_role_policy", (p) => p.role === ref("aws_iam_role", roleId, "id"));
      edit(role, policy, json);
      return copy;
    }
    const editTrust = (role: Json, change: (statement: Json) => void) => {
      const trust = JSON.parse(role.assume_role_policy as string) as { Statement: Json[] };
      change(trust.Statement[0]);
      role.assume_role_policy = JSON.stringify(trust);
    };
    const subKey = (statement: Json) => Object.keys(statement.Condition.StringEquals as Json).find((k) => k.endsWith(":sub"))!;

    test("GIVEN a wildcard namespace in the trust's sub (StringLike system:serviceaccount:*:flux-ecr-reader) THEN every team's reader reaches payments' repositories", () => {
      const faulty = planted((role) =>
        editTrust(role, (s) => {
          const key = subKey(s);
          delete s.Condition.StringEquals[key];
          s.Condition.StringLike = { [key]: `system:serviceaccount:*:${TEAM_ECR_READER.serviceAccount}` };
        }),
      );
      expect(isolationProblems(faulty)).toEqual(
        expect.arrayContaining([
          "test-cluster:search/flux-ecr-reader assumes [test-cluster-team-payments-ro, test-cluster-team-search-ro], expected [test-cluster-team-search-ro]",
          "test-cluster:flux-system/flux-ecr-reader assumes [test-cluster-team-payments-ro], expected []",
        ]),
      );
    });

    test("GIVEN a wildcard service account in the sub THEN any service account of payments' namespace reaches them", () => {
      const faulty = planted((role) => editTrust(role, (s) => (s.Condition.StringLike = { [subKey(s)]: "system:serviceaccount:payments:*" })));
      // StringEquals still pins the one subject, so both conditions must hold: the fault is only a fault once StringEquals goes.
      expect(isolationProblems(faulty)).toEqual([]);
      const worse = planted((role) =>
        editTrust(role, (s) => {
          const key = subKey(s);
          delete s.Condition.StringEquals[key];
          s.Condition.StringLike = { [key]: "system:serviceaccount:payments:*" };
        }),
      );
      expect(isolationProblems(worse)).toEqual(expect.arrayContaining(["test-cluster:payments/default assumes [test-cluster-team-payments-ro], expected []"]));
    });

    test("GIVEN a trust without the sub condition THEN every service account of the cluster reaches payments' repositories", () => {
      const faulty = planted((role) => editTrust(role, (s) => delete s.Condition.StringEquals[subKey(s)]));
      expect(isolationProblems(faulty).length).toBeGreaterThan(20);
    });

    test("GIVEN a foreign repository (search-web) in payments' reader policy THEN payments' reader reaches search's repository", () => {
      const faulty = planted((_role, policy, json) => {
        const doc = JSON.parse(policy.policy as string) as { Statement: Json[] };
        const [searchId] = findResource(json, "aws_ecr_repository", (r) => r.name === "search-web");
        doc.Statement[1].Resource.push(ref("aws_ecr_repository", searchId, "arn"));
        policy.policy = JSON.stringify(doc);
      });
      expect(isolationProblems(faulty)).toEqual([
        "test-cluster:payments/flux-ecr-reader scans [test-cluster/payments, test-cluster/payments, test-cluster/search]",
        "test-cluster:payments/flux-ecr-reader reaches [test-cluster/payments, test-cluster/search]",
      ]);
    });

    test("GIVEN the platform's repository in a team's reader policy THEN the replay names it", () => {
      const faulty = planted((_role, policy) => {
        const doc = JSON.parse(policy.policy as string) as { Statement: Json[] };
        doc.Statement[1].Resource = "*";
        policy.policy = JSON.stringify(doc);
      });
      expect(isolationProblems(faulty)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^test-cluster:payments\/flux-ecr-reader reaches \[.*platform.*\]$/)]),
      );
    });

    test("GIVEN push rights in a reader policy THEN the replay names the write", () => {
      const faulty = planted((_role, policy) => {
        const doc = JSON.parse(policy.policy as string) as { Statement: Json[] };
        doc.Statement[1].Action.push("ecr:PutImage");
        policy.policy = JSON.stringify(doc);
      });
      expect(isolationProblems(faulty)).toEqual(["test-cluster:payments/flux-ecr-reader may write to [test-cluster/payments, test-cluster/payments]"]);
    });
  });
});

describe("the IAM evaluator the replay uses", () => {
  const trust = (condition: Json) =>
    JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Federated: "arn:p" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }] });
  const request = (sub: string) => ({ providerArn: "arn:p", context: { "i:sub": sub, "i:aud": "sts.amazonaws.com" } });

  test("GIVEN StringEquals THEN only the exact value matches; a list matches any of its values", () => {
    expect(trustAllowsWebIdentity(trust({ StringEquals: { "i:sub": "a" } }), request("a"))).toBe(true);
    expect(trustAllowsWebIdentity(trust({ StringEquals: { "i:sub": "a*" } }), request("ab"))).toBe(false);
    expect(trustAllowsWebIdentity(trust({ StringEquals: { "i:sub": ["x", "a"] } }), request("a"))).toBe(true);
  });

  test("GIVEN StringLike THEN * and ? are wildcards; a key the request lacks never matches", () => {
    expect(trustAllowsWebIdentity(trust({ StringLike: { "i:sub": "a*" } }), request("abc"))).toBe(true);
    expect(trustAllowsWebIdentity(trust({ StringLike: { "i:sub": "a?" } }), request("abc"))).toBe(false);
    expect(trustAllowsWebIdentity(trust({ StringEquals: { "i:other": "a" } }), request("a"))).toBe(false);
  });

  test("GIVEN another provider, or another action THEN the statement does not match", () => {
    expect(trustAllowsWebIdentity(trust({}), { ...request("a"), providerArn: "arn:q" })).toBe(false);
    const service = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    expect(trustAllowsWebIdentity(service, request("a"))).toBe(false);
  });

  test("GIVEN an Allow and a matching Deny THEN the Deny wins; nothing matching is a deny", () => {
    const policy = { Statement: [{ Effect: "Allow" as const, Action: "ecr:*", Resource: "*" }] };
    expect(permissionsAllow([policy], "ecr:ListImages", "arn:r")).toBe(true);
    expect(permissionsAllow([policy, { Statement: [{ Effect: "Deny", Action: "ecr:ListImages", Resource: "arn:r" }] }], "ecr:ListImages", "arn:r")).toBe(false);
    expect(permissionsAllow([policy], "s3:GetObject", "arn:r")).toBe(false);
  });

  test("GIVEN an operator or field it does not implement THEN it throws instead of answering", () => {
    expect(() => trustAllowsWebIdentity(trust({ StringNotEquals: { "i:sub": "a" } }), request("a"))).toThrow(/StringNotEquals/);
    expect(() => permissionsAllow([{ Statement: [{ Effect: "Allow", NotAction: "x", Resource: "*" }] }], "ecr:ListImages", "arn:r")).toThrow(/NotAction/);
  });

  test("GIVEN patterns THEN actions match case-insensitively and resources exactly", () => {
    expect(wildcardMatch("ECR:list*", "ecr:ListImages", true)).toBe(true);
    expect(wildcardMatch("arn:aws:ecr:*:1:repository/payments/*", "arn:aws:ecr:us-west-2:1:repository/payments/api")).toBe(true);
    expect(wildcardMatch("arn:aws:ecr:*:1:repository/payments", "arn:aws:ecr:us-west-2:1:repository/payments-worker")).toBe(false);
  });
});
