import { EcrRepository as EcrRepositoryResource } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrRepository, lifecycleRules } from "../../stacks/constructs/aws/ecr-repository";
import { synthConstruct, synthConstructRaw, type SynthesizedJson } from "../support";
import { findResource, ref } from "./find";

interface Rule {
  rulePriority: number;
  description: string;
  selection: { tagStatus: string; countType: string; countUnit?: string; countNumber: number };
  action: { type: string };
}

describe("EcrRepository", () => {
  describe("GIVEN nginx-repo keeping 30 images, untagged ones for 7 days, forceDelete not set", () => {
    let raw: string;
    let json: SynthesizedJson;
    let rules: Rule[];

    beforeAll(() => {
      // WHEN the construct is synthesized
      raw = synthConstructRaw((scope) => {
        new EcrRepository(scope, "ecr", { repositoryName: "nginx-repo", keepImages: 30, untaggedExpiryDays: 7 });
      });
      json = JSON.parse(raw) as SynthesizedJson;
      rules = (JSON.parse(findResource(json, "aws_ecr_lifecycle_policy")[1].policy) as { rules: Rule[] }).rules;
    });

    test("THEN tags are IMMUTABLE and images are scanned on push", () => {
      expect(raw).toHaveResourceWithProperties(EcrRepositoryResource, {
        name: "nginx-repo",
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
      });
    });

    test("THEN images are encrypted with KMS (the AWS managed key: no key ARN)", () => {
      expect(findResource(json, "aws_ecr_repository")[1].encryption_configuration).toEqual([{ encryption_type: "KMS" }]);
    });

    test("THEN force_delete defaults to false", () => {
      expect(findResource(json, "aws_ecr_repository")[1].force_delete).toBe(false);
    });

    test("THEN the lifecycle policy belongs to the repository", () => {
      const [repoId] = findResource(json, "aws_ecr_repository");
      expect(findResource(json, "aws_ecr_lifecycle_policy")[1].repository).toBe(ref("aws_ecr_repository", repoId, "name"));
    });

    test("THEN untagged images expire 7 days after push", () => {
      expect(rules.filter((r) => r.selection.tagStatus === "untagged")).toEqual([
        expect.objectContaining({
          selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
          action: { type: "expire" },
        }),
      ]);
    });

    test("THEN images beyond the 30 most recent expire", () => {
      expect(rules.filter((r) => r.selection.countType === "imageCountMoreThan")).toEqual([
        expect.objectContaining({
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 },
          action: { type: "expire" },
        }),
      ]);
    });

    test("THEN the 'any' rule has the highest rulePriority number (ECR requires it to be evaluated last)", () => {
      expect(rules).toHaveLength(2);
      const priorities = rules.map((r) => r.rulePriority);
      expect(new Set(priorities).size).toBe(priorities.length);
      const anyRule = rules.find((r) => r.selection.tagStatus === "any")!;
      expect(anyRule.rulePriority).toBe(Math.max(...priorities));
      expect(priorities.every((p) => Number.isInteger(p) && p >= 1)).toBe(true);
    });
  });

  describe("GIVEN forceDelete true and other retention numbers", () => {
    test("WHEN synthesized THEN force_delete is true and the numbers are in the policy", () => {
      const json = synthConstruct((scope) => {
        new EcrRepository(scope, "ecr", { repositoryName: "team/app", keepImages: 5, untaggedExpiryDays: 1, forceDelete: true });
      });
      const [, repo] = findResource(json, "aws_ecr_repository");
      expect(repo.force_delete).toBe(true);
      expect(repo.name).toBe("team/app");
      expect(JSON.parse(findResource(json, "aws_ecr_lifecycle_policy")[1].policy)).toEqual(lifecycleRules(5, 1));
      expect(lifecycleRules(5, 1).rules.map((r) => r.selection.countNumber)).toEqual([1, 5]);
    });
  });
});
