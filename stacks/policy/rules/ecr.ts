import { blocks, textOf, type PolicyRule } from "../context";

const repositories = (ctx: Parameters<PolicyRule["check"]>[0]) => ctx.ofType("aws_ecr_repository");

export const ECR_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AWS_163",
    title: "ECR scan on push",
    fix: "set image_scanning_configuration.scan_on_push true (the EcrRepository construct does)",
    check: (ctx) =>
      repositories(ctx)
        .filter((r) => !blocks(r.config.image_scanning_configuration).some((s) => s.scan_on_push === true))
        .map((r) => ({ node: r.construct, detail: "images are not scanned on push" })),
  },
  {
    id: "CKV_AWS_51",
    title: "ECR tags immutable",
    fix: "set image_tag_mutability IMMUTABLE (the EcrRepository construct does)",
    check: (ctx) =>
      repositories(ctx)
        .filter((r) => r.config.image_tag_mutability !== "IMMUTABLE")
        .map((r) => ({ node: r.construct, detail: `image tags are ${textOf(r.config.image_tag_mutability ?? "MUTABLE")}` })),
  },
  {
    id: "CKV_AWS_136",
    title: "ECR encrypted with KMS",
    fix: "set encryption_configuration.encryption_type KMS (the EcrRepository construct does)",
    check: (ctx) =>
      repositories(ctx)
        .filter((r) => blocks(r.config.encryption_configuration)[0]?.encryption_type !== "KMS")
        .map((r) => ({
          node: r.construct,
          detail: `images are encrypted with ${textOf(blocks(r.config.encryption_configuration)[0]?.encryption_type ?? "AES256")}, not KMS`,
        })),
  },
];
