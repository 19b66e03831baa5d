import { Construct } from "constructs";
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";

/** The ConfigMap's name in flux-system, as the Kustomizations' postBuild.substituteFrom names it. */
export const CLUSTER_VARIABLES = { name: "cluster-variables", namespace: "flux-system" } as const;

export interface ClusterVariablesProps {
  /** The variables, by name (`${NAME}` in the manifests): the cluster's facts only Terraform knows. */
  readonly variables: Readonly<Record<string, string>>;
  /** The Kubernetes provider connected to the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /** What must exist first: the Flux bootstrap, which creates flux-system. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * What Terraform knows of a cluster and Flux's manifests need (the VPC id, the zone, the
 * certificate), as the ConfigMap cluster-variables in flux-system, which the Kustomizations
 * substitute from (postBuild.substituteFrom): written into the cluster, not rendered into every
 * file that needs it, and never a secret.
 */
export class ClusterVariables extends Construct {
  readonly configMap: ConfigMapV1;

  constructor(scope: Construct, id: string, props: ClusterVariablesProps) {
    super(scope, id);
    this.configMap = new ConfigMapV1(this, "config-map", {
      provider: props.kubernetesProvider,
      metadata: { ...CLUSTER_VARIABLES, labels: { "app.kubernetes.io/managed-by": "terraform" } },
      data: props.variables,
      dependsOn: props.dependsOn,
    });
  }
}
