import { TEAM_ECR_READER } from "../../stacks/naming";
import { documentsOf, exampleSettings, imageRepositoryIdentityPolicy, renderedFiles } from "./fixtures";

/*
 * The admission policy that keeps teams' ImageRepositories off the image reflector's own identity
 * (config_files/infrastructure/image-repository-identity.yaml): its structure, as the API server
 * reads it. What its expression decides on sample objects is replayed with a CEL evaluator in
 * test/gitops/image-repository-admission.replay.test.ts.
 */

describe("GIVEN the committed settings WHEN the infrastructure layer is rendered", () => {
  const { policy, binding, path } = imageRepositoryIdentityPolicy();

  test("THEN the layer's kustomization lists the policy file first, so it is in force with the rest of the layer", () => {
    const [index] = documentsOf(renderedFiles(exampleSettings()).filter((f) => f.path === path.replace(/[^/]+$/, "kustomization.yaml")));
    expect(index.doc.resources).toEqual(["image-repository-identity.yaml", "team-guardrails.yaml", "cluster-autoscaler.yaml"]);
  });

  test("THEN the policy applies to every create and update of an ImageRepository, in any version, and a failing expression denies (failurePolicy Fail)", () => {
    expect(policy.apiVersion).toBe("admissionregistration.k8s.io/v1");
    expect(policy.spec.failurePolicy).toBe("Fail");
    expect(policy.spec.matchConstraints).toEqual({
      resourceRules: [{ apiGroups: ["image.toolkit.fluxcd.io"], apiVersions: ["*"], operations: ["CREATE", "UPDATE"], resources: ["imagerepositories"] }],
    });
    // No params, no match conditions, no variables: the one expression decides.
    expect(Object.keys(policy.spec).sort()).toEqual(["failurePolicy", "matchConstraints", "validations"]);
    expect(policy.spec.validations).toHaveLength(1);
    expect(policy.spec.validations[0]).toEqual({ expression: expect.any(String), messageExpression: expect.any(String), reason: "Forbidden" });
  });

  test("THEN the expression exempts flux-system by exact name and otherwise asks for spec.serviceAccountName when the provider is not generic", () => {
    const expression = policy.spec.validations[0].expression as string;
    expect(expression).toContain("object.metadata.namespace == 'flux-system'");
    expect(expression).toContain("object.spec.provider == 'generic'");
    expect(expression).toContain("object.spec.serviceAccountName != ''");
    expect(policy.spec.validations[0].messageExpression).toContain(TEAM_ECR_READER.serviceAccount);
  });

  test("THEN the binding denies (not only warns or audits), cluster-wide: no namespace or object selector narrows it", () => {
    expect(binding.apiVersion).toBe("admissionregistration.k8s.io/v1");
    expect(binding.metadata.name).toBe(policy.metadata.name);
    expect(binding.spec).toEqual({ policyName: policy.metadata.name, validationActions: ["Deny"] });
  });
});
