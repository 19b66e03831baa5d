import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { CONFIG_FILES_DIR } from "../../stacks/manifests/render";
import type { Json } from "../support";
import { evaluateCel } from "./cel";

/*
 * What the API server decides under config_files/infrastructure/team-guardrails.yaml, replayed: its
 * match conditions and its validation evaluated with a CEL implementation (./cel-evaluate.mjs, as in
 * ./image-repository-admission.replay.test.ts) on the requests a hostile team, Flux, Kubernetes'
 * own controllers and a person make, the way a ValidatingAdmissionPolicy takes them: the policy
 * applies only when every match condition is true, and then its validation ("false") denies.
 * Kubernetes' admin role, the team's in its namespaces, may delete and change NetworkPolicies (its
 * bootstrap policy, aggregate-to-edit): this policy is what keeps the platform's in place.
 */

const POLICY = parseAllDocuments(fs.readFileSync(path.join(CONFIG_FILES_DIR, "infrastructure", "team-guardrails.yaml"), "utf8"))
  .map((d) => d.toJS() as Json)
  .find((d) => d.kind === "ValidatingAdmissionPolicy")!;

/** An object of a team namespace as it is in the cluster (the request's oldObject). */
const inTeamNamespace = (kind: string, name: string, appliedBy?: string): Json => ({
  apiVersion: kind === "NetworkPolicy" ? "networking.k8s.io/v1" : "v1",
  kind,
  metadata: {
    name,
    namespace: "payments",
    labels: {
      "toolkit.fluxcd.io/tenant": "payments",
      ...(appliedBy
        ? { "kustomize.toolkit.fluxcd.io/name": appliedBy, "kustomize.toolkit.fluxcd.io/namespace": appliedBy === "tenants" ? "flux-system" : "payments" }
        : {}),
    },
  },
});

const TEAM = "system:serviceaccount:payments:payments";
const SAMPLES: Record<string, { oldObject: Json; username: string; allowed: boolean }> = {
  "the team deletes the platform's default-deny policy": {
    oldObject: inTeamNamespace("NetworkPolicy", "default-deny-ingress", "tenants"),
    username: TEAM,
    allowed: false,
  },
  "a pod of the team, with a service account the team bound admin to, deletes it": {
    oldObject: inTeamNamespace("NetworkPolicy", "default-deny-ingress", "tenants"),
    username: "system:serviceaccount:payments:rogue",
    allowed: false,
  },
  "the team changes its ResourceQuota": { oldObject: inTeamNamespace("ResourceQuota", "team-quota", "tenants"), username: TEAM, allowed: false },
  "the team changes its LimitRange": { oldObject: inTeamNamespace("LimitRange", "team-container-defaults", "tenants"), username: TEAM, allowed: false },
  "another team's service account deletes it": {
    oldObject: inTeamNamespace("NetworkPolicy", "allow-same-team", "tenants"),
    username: "system:serviceaccount:search:search",
    allowed: false,
  },
  "the team deletes a policy of its own (its Kustomization applied it)": {
    oldObject: inTeamNamespace("NetworkPolicy", "allow-ingress-controller", "payments"),
    username: TEAM,
    allowed: true,
  },
  "the team deletes a policy it created by hand": { oldObject: inTeamNamespace("NetworkPolicy", "mine"), username: TEAM, allowed: true },
  "Flux's kustomize-controller prunes the platform's policy (a team leaves)": {
    oldObject: inTeamNamespace("NetworkPolicy", "default-deny-ingress", "tenants"),
    username: "system:serviceaccount:flux-system:kustomize-controller",
    allowed: true,
  },
  "the namespace controller deletes the namespace's contents": {
    oldObject: inTeamNamespace("ResourceQuota", "team-quota", "tenants"),
    username: "system:serviceaccount:kube-system:namespace-controller",
    allowed: true,
  },
  "a person with cluster access (an IAM identity) changes it": {
    oldObject: inTeamNamespace("NetworkPolicy", "default-deny-ingress", "tenants"),
    username: "arn:aws:sts::111122223333:assumed-role/platform-admin/someone",
    allowed: true,
  },
};

describe("the teams' guardrails under their admission policy", () => {
  const conditions = POLICY.spec.matchConditions as { name: string; expression: string }[];
  const [validation] = POLICY.spec.validations as { expression: string; messageExpression: string }[];
  const ids = Object.keys(SAMPLES);
  const variables = (id: string) => ({ oldObject: SAMPLES[id].oldObject, object: null, request: { userInfo: { username: SAMPLES[id].username } } });
  const results = evaluateCel(
    ids.flatMap((id) => [
      ...conditions.map((c) => ({ id: `${id}/${c.name}`, expression: c.expression, variables: variables(id) })),
      { id: `${id}/validation`, expression: validation.expression, variables: variables(id) },
      { id: `${id}/message`, expression: validation.messageExpression, variables: variables(id) },
    ]),
  );
  /** Allowed when a match condition is false (the policy does not apply), else the validation decides; an error denies (failurePolicy Fail). */
  const decide = (id: string): { allowed: boolean; message?: string } => {
    for (const c of conditions) {
      const r = results.get(`${id}/${c.name}`)!;
      if (r.error !== undefined) return { allowed: false, message: `match condition ${c.name} failed: ${r.error}` };
      if (r.value === false) return { allowed: true };
    }
    const v = results.get(`${id}/validation`)!;
    const message = results.get(`${id}/message`)!;
    return { allowed: v.value === true, message: typeof message.value === "string" ? message.value : `message failed: ${message.error}` };
  };

  test("THEN it matches UPDATE and DELETE of NetworkPolicies, ResourceQuotas and LimitRanges, and fails closed", () => {
    expect(POLICY.spec.failurePolicy).toBe("Fail");
    expect(POLICY.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: [""], apiVersions: ["v1"], operations: ["UPDATE", "DELETE"], resources: ["resourcequotas", "limitranges"] },
      { apiGroups: ["networking.k8s.io"], apiVersions: ["v1"], operations: ["UPDATE", "DELETE"], resources: ["networkpolicies"] },
    ]);
  });

  test.each(ids)("GIVEN %s THEN the API server decides as the platform needs", (id) => {
    const decision = decide(id);
    expect({ id, allowed: decision.allowed }).toEqual({ id, allowed: SAMPLES[id].allowed });
    if (!decision.allowed) expect(decision.message).toMatch(/is a guardrail of the platform .* may not change or delete it$/);
  });
});
