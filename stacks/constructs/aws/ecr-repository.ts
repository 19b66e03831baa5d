import { Construct } from "constructs";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository as EcrRepositoryResource } from "@cdktf/provider-aws/lib/ecr-repository";
import { MovedFrom } from "../terraform/moved-from";

export interface EcrRepositoryProps {
  /** Repository name, e.g. "nginx-repo". */
  readonly repositoryName: string;
  /** Keep this many most recent images; older ones expire. */
  readonly keepImages: number;
  /** Untagged images (left by failed or interrupted pushes) expire after this many days. */
  readonly untaggedExpiryDays: number;
  /**
   * Allow deleting the repository while it still holds images.
   * @default false
   */
  readonly forceDelete?: boolean;
}

/** The lifecycle rules, in ECR's JSON form. The "any" rule must have the lowest priority (highest number). */
export function lifecycleRules(keepImages: number, untaggedExpiryDays: number) {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${untaggedExpiryDays} days`,
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedExpiryDays },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the ${keepImages} most recent images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepImages },
        action: { type: "expire" },
      },
    ],
  };
}

/**
 * The ECR repository an app's image is pushed to (the walkthrough creates it by hand).
 * Tags are immutable: Flux's semver policy assumes a tag names one image forever. Images are
 * scanned on push and encrypted with KMS (the AWS managed key).
 */
export class EcrRepository extends Construct {
  readonly repository: EcrRepositoryResource;
  readonly lifecyclePolicy: EcrLifecyclePolicy;

  constructor(scope: Construct, id: string, props: EcrRepositoryProps) {
    super(scope, id);

    this.repository = new EcrRepositoryResource(this, "repository", {
      name: props.repositoryName,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      // KMS with the AWS managed key (aws/ecr): encryption through KMS, auditable in CloudTrail, no key to manage.
      encryptionConfiguration: [{ encryptionType: "KMS" }],
      forceDelete: props.forceDelete ?? false,
    });

    this.lifecyclePolicy = new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify(lifecycleRules(props.keepImages, props.untaggedExpiryDays)),
    });
  }

  /**
   * Takes over a repository and lifecycle policy that Terraform state holds at other addresses
   * (`moved` blocks; a no-op where those addresses are not in the state).
   */
  moveFrom(addresses: { readonly repository: string; readonly lifecycle: string }): void {
    new MovedFrom(this, "moved-repository", { resource: this.repository, from: addresses.repository });
    new MovedFrom(this, "moved-lifecycle", { resource: this.lifecyclePolicy, from: addresses.lifecycle });
  }
}
