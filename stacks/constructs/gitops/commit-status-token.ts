import { Construct } from "constructs";
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import { ProjectAccessToken } from "@cdktf/provider-gitlab/lib/project-access-token";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { COMMIT_STATUS_TOKEN_SECRET } from "../../naming";

/**
 * What the token may do: `api` is the narrowest scope that can set a commit status (`read_api`
 * only reads), and `maintainer` the role: statuses on a protected branch need the right to update
 * its pipelines, which a Developer without push or merge rights on the branch lacks (403).
 */
export const COMMIT_STATUS_TOKEN_ACCESS = { scopes: ["api"], accessLevel: "maintainer" } as const;

export interface CommitStatusTokenProps {
  /** ID (or full path) of the GitOps project whose commits get the statuses. */
  readonly projectId: string;
  /** Name of the token, shown in the project's access tokens and as the author of the statuses. */
  readonly name: string;
  /** Description of the token in GitLab. */
  readonly description: string;
  /**
   * Lifetime of the token in days; every rotation issues a token valid this long. GitLab allows
   * at most 365.
   * @default 365
   */
  readonly expirationDays?: number;
  /**
   * The first apply at most this many days before the token expires rotates it. Less than
   * expirationDays, or every apply would rotate it again.
   * @default 30
   */
  readonly rotateBeforeDays?: number;
  /** The Kubernetes provider connected to the cluster the Secret goes to. */
  readonly kubernetesProvider: TerraformProvider;
  /**
   * Namespace of the Secret: the namespace of the Flux Provider that reads it.
   * @default "flux-system"
   */
  readonly secretNamespace?: string;
  /**
   * Name of the Secret, as the Flux Provider's secretRef names it.
   * @default "gitlab-commit-status-token"
   */
  readonly secretName?: string;
  /**
   * What must exist before the Secret: the Flux bootstrap, which creates its namespace.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The GitLab token Flux's notification-controller sets commit statuses with, and the Secret that
 * carries it into the cluster.
 *
 * A project access token (a bot user of the GitOps project only), not a personal one: it acts on
 * nothing else, and outlives whoever deployed. Terraform rotates it: once an apply runs within
 * rotateBeforeDays of expiry, the provider plans a rotation (GitLab revokes the old token at
 * once) and the same apply writes the new value into the Secret, which notification-controller
 * reads on every event. The token is in Terraform state and in the Secret, never in Git or in
 * the synthesized configuration.
 */
export class CommitStatusToken extends Construct {
  readonly token: ProjectAccessToken;
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: CommitStatusTokenProps) {
    super(scope, id);

    this.token = new ProjectAccessToken(this, "token", {
      project: props.projectId,
      name: props.name,
      description: props.description,
      scopes: [...COMMIT_STATUS_TOKEN_ACCESS.scopes],
      accessLevel: COMMIT_STATUS_TOKEN_ACCESS.accessLevel,
      // Sets expires_at itself (the two conflict); no fixed date to bump by hand.
      rotationConfiguration: {
        expirationDays: props.expirationDays ?? 365,
        rotateBeforeDays: props.rotateBeforeDays ?? 30,
      },
    });

    this.secret = new SecretV1(this, "secret", {
      provider: props.kubernetesProvider,
      metadata: {
        name: props.secretName ?? COMMIT_STATUS_TOKEN_SECRET.name,
        namespace: props.secretNamespace ?? COMMIT_STATUS_TOKEN_SECRET.namespace,
        labels: { "app.kubernetes.io/managed-by": "terraform" },
      },
      type: "Opaque",
      // The key Flux's Provider reads its token from. `data` is sensitive: plans do not show it.
      data: { token: this.token.token },
      dependsOn: props.dependsOn,
    });
  }
}
