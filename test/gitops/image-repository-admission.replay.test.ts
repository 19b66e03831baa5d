import { TEAM_ECR_READER } from "../../stacks/naming";
import { imageRepositoryIdentityPolicy } from "../manifests/fixtures";
import type { Json } from "../support";
import { evaluateCel } from "./cel";

/*
 * What the API server decides on ImageRepositories under the admission policy of
 * config_files/infrastructure/image-repository-identity.yaml: its CEL expression (and message)
 * evaluated on sample objects with a CEL implementation (@marcbachmann/cel-js, in ./cel-evaluate.mjs),
 * as a ValidatingAdmissionPolicy evaluates them: the request's object as `object`, after the CRD's
 * defaulting (spec.provider defaults to generic); false denies with the message, an evaluation
 * error denies too (failurePolicy Fail). The policy's match (every CREATE and UPDATE of an
 * ImageRepository) is checked in the unit test beside the policy's structure.
 *
 * Not the API server itself: cel-js implements the CEL language, not Kubernetes' CEL environment
 * (its libraries and the type checking against the CRD's schema); this expression uses none of
 * those, only field access, has(), ==, != and the boolean operators.
 */

interface Decision {
  readonly allowed: boolean;
  readonly message?: string;
}

/** An ImageRepository as the API server hands it to admission: provider defaulted to generic by the CRD. */
function imageRepository(namespace: string, spec: Json, defaulted = true): Json {
  return {
    apiVersion: "image.toolkit.fluxcd.io/v1",
    kind: "ImageRepository",
    metadata: { name: "api", namespace },
    spec: { image: "111122223333.dkr.ecr.us-west-2.amazonaws.com/payments/api", interval: "5m", ...(defaulted ? { provider: "generic" } : {}), ...spec },
  };
}

/** The policy's decision on each object, as a ValidatingAdmissionPolicy with failurePolicy Fail takes it. */
function decide(validation: { expression: string; messageExpression: string }, objects: Record<string, Json>): Record<string, Decision> {
  const ids = Object.keys(objects);
  const results = evaluateCel(
    ids.flatMap((id) => [
      { id: `${id}/expression`, expression: validation.expression, variables: { object: objects[id] } },
      { id: `${id}/message`, expression: validation.messageExpression, variables: { object: objects[id] } },
    ]),
  );
  return Object.fromEntries(
    ids.map((id) => {
      const verdict = results.get(`${id}/expression`)!;
      if (verdict.error !== undefined) return [id, { allowed: false, message: `expression failed: ${verdict.error}` }];
      if (typeof verdict.value !== "boolean") return [id, { allowed: false, message: `expression gave ${JSON.stringify(verdict.value)}, not a bool` }];
      if (verdict.value) return [id, { allowed: true }];
      const message = results.get(`${id}/message`)!;
      return [id, { allowed: false, message: typeof message.value === "string" ? message.value : `message failed: ${message.error}` }];
    }),
  );
}

const READER = TEAM_ECR_READER.serviceAccount;
/** Sample objects and whether the policy must let each in. */
const SAMPLES: Record<string, { object: Json; allowed: boolean }> = {
  "the platform's, in flux-system, on the controller's identity": { object: imageRepository("flux-system", { provider: "aws" }), allowed: true },
  "a team's, provider aws, naming its ECR reader": { object: imageRepository("payments", { provider: "aws", serviceAccountName: READER }), allowed: true },
  "a team's, provider generic (its own pull secret)": { object: imageRepository("payments", { secretRef: { name: "pull" } }), allowed: true },
  "a team's, no provider field at all (not defaulted)": { object: imageRepository("payments", {}, false), allowed: true },
  "a team's, provider aws, no service account": { object: imageRepository("payments", { provider: "aws" }), allowed: false },
  "a team's, provider aws, an empty service account": { object: imageRepository("payments", { provider: "aws", serviceAccountName: "" }), allowed: false },
  "a team's, provider azure, no service account": { object: imageRepository("payments", { provider: "azure" }), allowed: false },
  "a team's, provider gcp, no service account": { object: imageRepository("payments", { provider: "gcp" }), allowed: false },
  "provider aws in default, no service account": { object: imageRepository("default", { provider: "aws" }), allowed: false },
  "provider aws in kube-system, no service account": { object: imageRepository("kube-system", { provider: "aws" }), allowed: false },
  "provider aws in a namespace named like flux-system": { object: imageRepository("flux-system-team", { provider: "aws" }), allowed: false },
};

/** The samples whose decision differs from what the policy must decide, one line each. */
function wrongDecisions(validation: { expression: string; messageExpression: string }): string[] {
  const decisions = decide(validation, Object.fromEntries(Object.entries(SAMPLES).map(([name, s]) => [name, s.object])));
  return Object.entries(SAMPLES)
    .filter(([name, s]) => decisions[name].allowed !== s.allowed)
    .map(([name, s]) => `${name}: ${s.allowed ? "denied" : "allowed"}${decisions[name].message ? ` (${decisions[name].message})` : ""}`);
}

describe("GIVEN the committed settings' admission policy for ImageRepositories", () => {
  const { policy } = imageRepositoryIdentityPolicy();
  const validation = policy.spec.validations[0] as { expression: string; messageExpression: string };

  test("WHEN its expression is evaluated on each sample THEN it lets in exactly the platform's and those on a team's own identity", () => {
    expect(wrongDecisions(validation)).toEqual([]);
  });

  test("WHEN it denies THEN the message names the object, its provider, and the service account to name", () => {
    const decision = decide(validation, { denied: imageRepository("payments", { provider: "aws" }) }).denied;
    expect(decision).toEqual({
      allowed: false,
      message: `ImageRepository payments/api: spec.provider aws outside flux-system needs spec.serviceAccountName (the team ECR reader, ${READER}): without one Flux would scan with the identity of the platform`,
    });
  });

  describe("planted faults: each is caught by the samples", () => {
    const faults: [string, (expression: string) => string][] = [
      [
        "the flux-system exemption by prefix",
        (e) => e.replace("object.metadata.namespace == 'flux-system'", "object.metadata.namespace.startsWith('flux-system')"),
      ],
      ["any service account field, even empty", (e) => e.replace(" && object.spec.serviceAccountName != ''", "")],
      ["only aws refused", (e) => e.replace("object.spec.provider == 'generic'", "object.spec.provider != 'aws'")],
      ["no exemption for flux-system", (e) => e.replace("object.metadata.namespace == 'flux-system' ||", "")],
      ["a typo that fails evaluation", (e) => e.replace("object.spec.serviceAccountName != ''", "object.spec.serviceAccountName != 0")],
    ];

    test.each(faults)("GIVEN %s THEN some sample is decided wrongly", (_name, plant) => {
      const planted = plant(validation.expression);
      expect(planted).not.toBe(validation.expression);
      expect(wrongDecisions({ ...validation, expression: planted })).not.toEqual([]);
    });
  });
});
