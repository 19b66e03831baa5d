import { EksOidcProvider } from "../../stacks/constructs/aws/eks-oidc-provider";
import { ecrReadOnlyPolicy, serviceAccountOidcTrustPolicy } from "../../stacks/constructs/aws/iam";
import { IrsaRole } from "../../stacks/constructs/aws/irsa-role";
import { synthConstruct, type SynthesizedJson } from "../support";
import { findResource, ref } from "./find";
import { statementsOf } from "./iam-policies";

const PROVIDER_ARN = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE";
const ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE";
const REPOSITORY = "arn:aws:ecr:us-west-2:111122223333:repository/payments/api";

describe("IrsaRole", () => {
  describe("GIVEN the service account payments/flux-ecr-reader and a read policy", () => {
    let json: SynthesizedJson;

    beforeAll(() => {
      // WHEN the construct is synthesized
      json = synthConstruct((scope) => {
        new IrsaRole(scope, "reader", {
          roleName: "demo-team-payments-ro",
          oidcProviderArn: PROVIDER_ARN,
          conditionIssuer: ISSUER,
          serviceAccounts: [{ namespace: "payments", name: "flux-ecr-reader" }],
          inlinePolicy: ecrReadOnlyPolicy([REPOSITORY]),
        });
      });
    });

    test("THEN only that service account's token for sts.amazonaws.com, from that provider, may assume the role", () => {
      const [, role] = findResource(json, "aws_iam_role");
      expect(role.name).toBe("demo-team-payments-ro");
      expect(role.description).toBe("IRSA role of payments/flux-ecr-reader");
      expect(statementsOf(role.assume_role_policy)).toEqual([
        {
          Effect: "Allow",
          Principal: { Federated: PROVIDER_ARN },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com", [`${ISSUER}:sub`]: "system:serviceaccount:payments:flux-ecr-reader" } },
        },
      ]);
    });

    test("THEN its permissions are the given policy, inline on this role", () => {
      const [roleId] = findResource(json, "aws_iam_role");
      const [, policy] = findResource(json, "aws_iam_role_policy");
      expect(policy.role).toBe(ref("aws_iam_role", roleId, "id"));
      expect(policy.policy).toBe(ecrReadOnlyPolicy([REPOSITORY]));
      expect(json.resource?.aws_iam_role_policy_attachment).toBeUndefined();
    });
  });

  test("GIVEN two service accounts THEN the sub condition lists both exactly, with no pattern", () => {
    const trust = serviceAccountOidcTrustPolicy({
      providerArn: PROVIDER_ARN,
      conditionIssuer: ISSUER,
      serviceAccounts: [
        { namespace: "a", name: "x" },
        { namespace: "b", name: "x" },
        { namespace: "a", name: "x" },
      ],
    });
    expect(statementsOf(trust)[0].Condition).toEqual({
      StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com", [`${ISSUER}:sub`]: ["system:serviceaccount:a:x", "system:serviceaccount:b:x"] },
    });
  });

  test("GIVEN no service account THEN it refuses to build a trust policy", () => {
    expect(() => serviceAccountOidcTrustPolicy({ providerArn: PROVIDER_ARN, conditionIssuer: ISSUER, serviceAccounts: [] })).toThrow(/at least one/);
  });
});

describe("EksOidcProvider", () => {
  test("GIVEN a cluster's issuer THEN a provider for it with client ID sts.amazonaws.com, and the condition issuer as a local without the scheme", () => {
    // WHEN the construct is synthesized
    const json = synthConstruct((scope) => {
      const oidc = new EksOidcProvider(scope, "oidc", { issuerUrl: "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE" });
      new IrsaRole(scope, "reader", {
        roleName: "r",
        oidcProviderArn: oidc.arn,
        conditionIssuer: oidc.conditionIssuer,
        serviceAccounts: [{ namespace: "n", name: "s" }],
        inlinePolicy: ecrReadOnlyPolicy([REPOSITORY]),
      });
    });
    // THEN
    const [providerId, provider] = findResource(json, "aws_iam_openid_connect_provider");
    expect(provider).toMatchObject({ url: "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE", client_id_list: ["sts.amazonaws.com"] });
    const [localName, local] = Object.entries(json.locals ?? {})[0];
    expect(local).toBe(`\${replace(aws_iam_openid_connect_provider.${providerId}.url, "https://", "")}`);
    const [statement] = statementsOf(findResource(json, "aws_iam_role")[1].assume_role_policy);
    expect(statement.Principal).toEqual({ Federated: ref("aws_iam_openid_connect_provider", providerId, "arn") });
    expect(Object.keys(statement.Condition!.StringEquals).sort()).toEqual([`\${local.${localName}}:aud`, `\${local.${localName}}:sub`]);
  });
});
