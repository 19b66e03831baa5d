import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { GitLabOidcProvider } from "../../stacks/constructs/aws/gitlab-oidc-provider";
import { ecrPushPolicy, gitlabOidcTrustPolicy, oidcConditionIssuer } from "../../stacks/constructs/aws/iam";
import { TeamCiRole } from "../../stacks/constructs/aws/team-ci-role";
import { type Json, synthConstruct, synthConstructRaw, type SynthesizedJson } from "../support";
import { findData, findResource, ref } from "./find";
import { PUSH_ACTIONS, statementsOf } from "./iam-policies";

const PROVIDER_ARN = "arn:aws:iam::111122223333:oidc-provider/gitlab.com";
const REPOSITORIES = ["arn:aws:ecr:us-west-2:111122223333:repository/payments/api", "arn:aws:ecr:us-west-2:111122223333:repository/payments-worker"];

function synthRole(props: Partial<ConstructorParameters<typeof TeamCiRole>[2]> = {}): SynthesizedJson {
  return synthConstruct((scope) => {
    new TeamCiRole(scope, "ci", {
      roleName: "demo-team-payments-ci",
      oidcProviderArn: PROVIDER_ARN,
      gitlabUrl: "https://gitlab.com",
      gitlabProject: "payments/api",
      ciBranches: ["main", "release"],
      repositoryArns: REPOSITORIES,
      ...props,
    });
  });
}

describe("TeamCiRole", () => {
  describe("GIVEN project payments/api on gitlab.com, branches main and release, two repositories", () => {
    let json: SynthesizedJson;
    let role: Json;

    beforeAll(() => {
      // WHEN the construct is synthesized
      json = synthRole();
      role = findResource(json, "aws_iam_role")[1];
    });

    test("THEN the role has the given name", () => {
      expect(role.name).toBe("demo-team-payments-ci");
    });

    test("THEN only the GitLab OIDC provider may assume it, with AssumeRoleWithWebIdentity", () => {
      const [statement, ...others] = statementsOf(role.assume_role_policy);
      expect(others).toEqual([]);
      expect(statement.Effect).toBe("Allow");
      expect(statement.Principal).toEqual({ Federated: PROVIDER_ARN });
      expect(statement.Action).toBe("sts:AssumeRoleWithWebIdentity");
    });

    test("THEN the token must be for sts.amazonaws.com and come from a job of the project on main or release", () => {
      expect(statementsOf(role.assume_role_policy)[0].Condition).toEqual({
        StringEquals: {
          "gitlab.com:aud": "sts.amazonaws.com",
          "gitlab.com:sub": ["project_path:payments/api:ref_type:branch:ref:main", "project_path:payments/api:ref_type:branch:ref:release"],
        },
      });
    });

    test("THEN its inline policy allows the ECR login on * and push and pull on exactly the two repositories", () => {
      const [, policy] = findResource(json, "aws_iam_role_policy");
      expect(policy.role).toBe(ref("aws_iam_role", findResource(json, "aws_iam_role")[0], "id"));
      const statements = statementsOf(policy.policy);
      expect(statements).toEqual([
        { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        { Sid: "EcrPushPull", Effect: "Allow", Action: PUSH_ACTIONS, Resource: REPOSITORIES },
      ]);
    });

    test("THEN no statement but the login has a wildcard resource, and nothing deletes images or changes repositories", () => {
      const statements = statementsOf(findResource(json, "aws_iam_role_policy")[1].policy);
      const wildcard = statements.filter((s) => [s.Resource].flat().some((r) => r!.includes("*")));
      expect(wildcard.map((s) => s.Action)).toEqual(["ecr:GetAuthorizationToken"]);
      const actions = statements.flatMap((s) => [s.Action].flat());
      expect(actions.filter((a) => /Delete|SetRepositoryPolicy|PutLifecyclePolicy|CreateRepository|\*/.test(a))).toEqual([]);
    });
  });

  describe('GIVEN ciBranches ["*"]', () => {
    test("THEN any ref of the project matches through StringLike, the audience still through StringEquals", () => {
      // WHEN synthesized with the wildcard
      const role = findResource(synthRole({ ciBranches: ["*"] }), "aws_iam_role")[1];
      // THEN
      expect(statementsOf(role.assume_role_policy)[0].Condition).toEqual({
        StringEquals: { "gitlab.com:aud": "sts.amazonaws.com" },
        StringLike: { "gitlab.com:sub": "project_path:payments/api:*" },
      });
    });

    test("THEN the wildcard wins over branches listed beside it", () => {
      const role = findResource(synthRole({ ciBranches: ["main", "*"] }), "aws_iam_role")[1];
      expect(statementsOf(role.assume_role_policy)[0].Condition?.StringLike).toEqual({ "gitlab.com:sub": "project_path:payments/api:*" });
      expect(statementsOf(role.assume_role_policy)[0].Condition?.StringEquals).toEqual({ "gitlab.com:aud": "sts.amazonaws.com" });
    });
  });

  describe("GIVEN no ciBranches", () => {
    test("THEN only main may assume the role", () => {
      const role = findResource(synthRole({ ciBranches: undefined }), "aws_iam_role")[1];
      expect(statementsOf(role.assume_role_policy)[0].Condition?.StringEquals["gitlab.com:sub"]).toEqual([
        "project_path:payments/api:ref_type:branch:ref:main",
      ]);
    });
  });

  describe("GIVEN a self-managed instance served under a path, written with a trailing slash", () => {
    test("THEN the condition keys name the issuer as host and path without scheme or slash", () => {
      const role = findResource(synthRole({ gitlabUrl: "https://gitlab.example.com/gitlab/" }), "aws_iam_role")[1];
      expect(Object.keys(statementsOf(role.assume_role_policy)[0].Condition!.StringEquals)).toEqual([
        "gitlab.example.com/gitlab:aud",
        "gitlab.example.com/gitlab:sub",
      ]);
      expect(oidcConditionIssuer("https://gitlab.com")).toBe("gitlab.com");
    });
  });

  describe("GIVEN no repository", () => {
    test("THEN the construct refuses to build a role with nothing to push to", () => {
      expect(() => synthRole({ repositoryArns: [] })).toThrow(/at least one repository ARN/);
    });
  });

  describe("GIVEN the policy builders of iam.ts", () => {
    test("THEN the trust and push policies are the documents the construct puts on the role", () => {
      const json = synthRole();
      const [, role] = findResource(json, "aws_iam_role");
      expect(role.assume_role_policy).toBe(
        gitlabOidcTrustPolicy({ providerArn: PROVIDER_ARN, issuerUrl: "https://gitlab.com", projectPath: "payments/api", branches: ["main", "release"] }),
      );
      expect(findResource(json, "aws_iam_role_policy")[1].policy).toBe(ecrPushPolicy(REPOSITORIES));
    });
  });
});

describe("GitLabOidcProvider", () => {
  describe('GIVEN mode "create" for https://gitlab.com', () => {
    test("THEN the provider is created for the URL with client ID sts.amazonaws.com and no thumbprint", () => {
      // WHEN synthesized
      let arn = "";
      const raw = synthConstructRaw((scope) => {
        arn = new GitLabOidcProvider(scope, "gitlab", { issuerUrl: "https://gitlab.com", mode: "create" }).arn;
      });
      const json = JSON.parse(raw) as SynthesizedJson;
      // THEN
      expect(raw).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: "https://gitlab.com", client_id_list: ["sts.amazonaws.com"] });
      const [id, provider] = findResource(json, "aws_iam_openid_connect_provider");
      expect(provider.thumbprint_list).toBeUndefined();
      expect(json.data?.aws_iam_openid_connect_provider).toBeUndefined();
      expect(arn).toMatch(/^\$\{TfToken\[/);
      expect(id).toMatch(/^gitlab_provider_/);
    });
  });

  describe('GIVEN mode "existing"', () => {
    test("THEN the provider is read by URL and nothing is created", () => {
      // WHEN synthesized
      const raw = synthConstructRaw((scope) => {
        new GitLabOidcProvider(scope, "gitlab", { issuerUrl: "https://gitlab.example.com", mode: "existing" });
      });
      const json = JSON.parse(raw) as SynthesizedJson;
      // THEN
      expect(raw).toHaveDataSourceWithProperties(DataAwsIamOpenidConnectProvider, { url: "https://gitlab.example.com" });
      expect(findData(json, "aws_iam_openid_connect_provider")[1].url).toBe("https://gitlab.example.com");
      expect(json.resource?.aws_iam_openid_connect_provider).toBeUndefined();
    });
  });

  describe("GIVEN no mode", () => {
    test("THEN the provider is created", () => {
      const json = synthConstruct((scope) => {
        new GitLabOidcProvider(scope, "gitlab", { issuerUrl: "https://gitlab.com" });
      });
      expect(findResource(json, "aws_iam_openid_connect_provider")[1].url).toBe("https://gitlab.com");
    });
  });
});
