import { Construct } from "constructs";
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";

export interface TeamAccessProps {
  /** The team's name (labels). */
  readonly team: string;
  /** The team's namespaces; the first one holds the Secret (and the team's GitRepository). */
  readonly namespaces: readonly string[];
  /** Name of the Secret, as the team's GitRepository names it. */
  readonly secretName: string;
  /** PEM private key of the team's deploy key (a reference; it stays in Terraform state). */
  readonly privateKeyPem: string;
  /** OpenSSH public key of it (Flux shows it; not secret). */
  readonly publicKeyOpenssh: string;
  /** known_hosts lines for the GitLab SSH host (a reference to what the bootstrap scanned). */
  readonly knownHosts: string;
  /** The Kubernetes provider connected to the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /**
   * What must exist first: the Flux bootstrap.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * What a team's Flux sync needs in the cluster before its manifests reach Git: its namespaces
 * and, in the first one, the Secret with its deploy key. The lock-down lets a GitRepository read
 * Secrets of its own namespace only, and Flux would create the namespaces only after the commit,
 * so Terraform creates both. The namespaces are also declared in Git (labels, rights; Flux never
 * prunes them): Terraform ignores the labels and annotations Flux sets, and deletes the namespaces
 * when the team leaves, after its files are gone.
 */
export class TeamAccess extends Construct {
  readonly namespaces: NamespaceV1[];
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: TeamAccessProps) {
    super(scope, id);

    this.namespaces = props.namespaces.map(
      (name) =>
        new NamespaceV1(this, `namespace-${name}`, {
          provider: props.kubernetesProvider,
          metadata: {
            name,
            labels: {
              "toolkit.fluxcd.io/tenant": props.team,
              "pod-security.kubernetes.io/enforce": "restricted",
              "pod-security.kubernetes.io/enforce-version": "latest",
            },
          },
          // Flux applies the same Namespace from Git and adds its own labels and annotations.
          lifecycle: { ignoreChanges: ["metadata[0].labels", "metadata[0].annotations"] },
          dependsOn: props.dependsOn,
        }),
    );

    this.secret = new SecretV1(this, "git-secret", {
      provider: props.kubernetesProvider,
      metadata: {
        name: props.secretName,
        namespace: this.namespaces[0].metadata.name,
        labels: { "toolkit.fluxcd.io/tenant": props.team, "app.kubernetes.io/managed-by": "terraform" },
      },
      type: "Opaque",
      // The keys source-controller reads for Git over SSH. `data` is sensitive: plans do not show it.
      data: { identity: props.privateKeyPem, "identity.pub": props.publicKeyOpenssh, known_hosts: props.knownHosts },
    });
  }
}
