import { pathOf } from "../layout";
import { relativePath, repositoryPaths } from "../repository-paths";
import type { AppSettings, ClusterSettings } from "../settings/schema";
import { APP_PROBE_PATH, type Values } from "./values";

/*
 * The values of what serves exposed apps (clusters[].dns, apps[].expose): an app's expose
 * component, the configs layer (the IngressClasses) and its Flux Kustomization. The other layers'
 * values are in values.ts and team-values.ts.
 */

/** The IngressClass of each scheme (config_files/infrastructure-configs/ingress-classes.yaml declares both). */
export const INGRESS_CLASSES = { public: "alb", internal: "alb-internal" } as const;

/** Values of config_files/app-expose/, rendered with the app's own values for an exposed app. */
export interface AppExposeTemplateValues extends Values {
  readonly EXPOSE_HOST: string;
  readonly EXPOSE_PATH: string;
  /** "internet-facing" or "internal", in the Ingress's comment. */
  readonly EXPOSE_SCHEME: string;
  readonly INGRESS_CLASS: string;
  readonly HEALTH_CHECK_PATH: string;
  /**
   * Where the load balancer's requests come from, one NetworkPolicy peer per subnet it lives in:
   * the public subnets for an internet-facing one, the private ones for an internal one.
   */
  readonly LOAD_BALANCER_PEERS: readonly string[];
}

/** The expose values of `app`, which must have `expose`. */
export function appExposeTemplateValues(cluster: ClusterSettings, app: AppSettings): AppExposeTemplateValues {
  const expose = app.expose;
  // A caller's mistake: cluster-files.ts renders the expose component only for an exposed app.
  if (!expose) throw new Error(`app ${app.name} of cluster ${cluster.name} is not exposed`);
  // The controller places an ALB in the subnets tagged for its scheme (network.ts tags them).
  const subnets = expose.internal ? cluster.network.privateSubnets : cluster.network.publicSubnets;
  return {
    EXPOSE_HOST: expose.host,
    EXPOSE_PATH: expose.path,
    EXPOSE_SCHEME: expose.internal ? "internal" : "internet-facing",
    INGRESS_CLASS: expose.internal ? INGRESS_CLASSES.internal : INGRESS_CLASSES.public,
    HEALTH_CHECK_PATH: APP_PROBE_PATH,
    LOAD_BALANCER_PEERS: subnets.map((cidr) => `ipBlock: { cidr: "${cidr}" }`),
  };
}

/** Values of config_files/infrastructure-configs/ and cluster-infrastructure-configs/: the configs layer and its Kustomization. */
export interface InfrastructureConfigsTemplateValues extends Values {
  readonly CLUSTER_NAME: string;
  readonly INFRASTRUCTURE_CONFIGS_PATH: string;
  /** Every other file of the layer, in commit order: what its kustomization.yaml lists. */
  readonly INFRASTRUCTURE_CONFIGS_RESOURCES: readonly string[];
  readonly LAYER_INTERVAL: string;
  readonly LAYER_TIMEOUT: string;
}

export function infrastructureConfigsTemplateValues(cluster: ClusterSettings): InfrastructureConfigsTemplateValues {
  const at = { cluster: cluster.name };
  return {
    CLUSTER_NAME: cluster.name,
    INFRASTRUCTURE_CONFIGS_PATH: repositoryPaths.infrastructureConfigsLayer(cluster.name),
    INFRASTRUCTURE_CONFIGS_RESOURCES: [relativePath(pathOf("infrastructure-configs.index", at), pathOf("infrastructure-configs.ingress-classes", at))],
    LAYER_INTERVAL: cluster.flux.layerInterval,
    LAYER_TIMEOUT: cluster.flux.layerTimeout,
  };
}
