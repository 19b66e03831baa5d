/*
 * What one add-on is, declared once (stacks/addons/<name>.ts): its name, where and when it is
 * installed, its AWS identity, its configuration, and for a Flux-installed one its chart, images and
 * template. The cluster stack, the settings schema, the infrastructure layer and the README's
 * versions are derived from these declarations (stacks/addons/index.ts lists them in order).
 */
import type { AddonConfigurationValue } from "../constructs/aws/eks-addon";
import type { ClusterSettings } from "../settings/schema";

/**
 * When an add-on is installed:
 * - "before-nodes": an EKS add-on the first nodes need to become Ready (DaemonSets, ACTIVE with no
 *   node yet); the node group waits for every one of them.
 * - "after-nodes": an EKS add-on that runs Deployments, so it stays DEGRADED until nodes exist; it
 *   waits for the node group.
 * - "infrastructure-layer": a Flux HelmRelease of the GitOps repository's infrastructure layer,
 *   applied by Flux once the GitOps stack has committed it.
 */
export type AddonPhase = "before-nodes" | "after-nodes" | "infrastructure-layer";

/** Every phase, in the order a deploy reaches them. */
export const ADDON_PHASES: readonly AddonPhase[] = ["before-nodes", "after-nodes", "infrastructure-layer"];

/** What an identity's inline policy may be scoped to. `partition` and `accountId` are usually tokens. */
export interface AddonPolicyContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The cluster's name as the settings give it (a plain string: it goes into ARNs and tag keys). */
  readonly clusterName: string;
  /** ARN of the cluster's Route53 zone (usually a token), for a cluster with `dns`. */
  readonly zoneArn?: string;
}

/** The AWS role one service account of the add-on assumes through EKS Pod Identity (a PodIdentityRole). */
export interface AddonIdentity {
  /**
   * Construct id of the role in the cluster stack, so its Terraform address: never change it (the
   * role would be replaced, and the add-on lose its permissions meanwhile).
   */
  readonly id: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The IAM role's name for a cluster (IAM names are account-wide, so the cluster name is in it; at most 64 characters). */
  readonly roleName: (clusterName: string) => string;
  /**
   * AWS managed policies attached to the role, by their name after `arn:<partition>:iam::aws:policy/`.
   * @default []
   */
  readonly managedPolicies?: readonly string[];
  /**
   * An inline policy document (JSON), for permissions no managed policy scopes tightly enough.
   * @default - none
   */
  readonly inlinePolicy?: (context: AddonPolicyContext) => string;
}

/** The identity of an EKS add-on, and who associates it with the service account. */
export interface EksAddonIdentity extends AddonIdentity {
  /**
   * "addon": EKS creates the association with the add-on (its `pod_identity_association`), and the
   * add-on waits for the role's permissions. "resource": an `aws_eks_pod_identity_association` of
   * its own, which the add-on waits for.
   */
  readonly association: "addon" | "resource";
}

/** What decides whether a cluster gets an add-on (read before validation is complete too, by the role-name rule). */
export type AddonClusterView = Pick<ClusterSettings, "dns">;

interface AddonBase {
  /** The add-on's name: the EKS add-on name, or the Helm release of a Flux-installed one. */
  readonly name: string;
  /** Its name in prose (messages, the README). */
  readonly title: string;
  /**
   * Whether a cluster gets it (the settings decide, e.g. `dns` for what serves exposed apps).
   * @default - every cluster
   */
  readonly installedOn?: (cluster: AddonClusterView) => boolean;
}

/** An EKS managed add-on, at EKS's default version for the cluster's Kubernetes version or at `eks.addonVersions[name]`. */
export interface EksAddonUnit extends AddonBase {
  readonly installedBy: "eks";
  readonly phase: "before-nodes" | "after-nodes";
  /**
   * The add-on's `configuration_values`, as data (see EksAddonProps.configurationValues).
   * @default - none: the add-on runs with its own defaults
   */
  readonly configurationValues?: { readonly [key: string]: AddonConfigurationValue };
  /**
   * The add-on hands out Pod Identity credentials (the Pod Identity agent): it is installed first,
   * and every before-nodes add-on with an identity waits for it.
   * @default false
   */
  readonly providesPodIdentity?: boolean;
  /**
   * The role its service account assumes; before the nodes it waits for the Pod Identity agent too.
   * @default - none: the add-on runs with the node's permissions, if it needs any
   */
  readonly identity?: EksAddonIdentity;
}

/** The values of a Flux add-on's template: placeholder name (without the `__`) to text. */
export type AddonTemplateValues = { readonly [placeholder: string]: string };

/** A Helm chart from a Helm repository, at a pinned version. */
export interface HelmChart {
  readonly repository: string;
  readonly name: string;
  readonly version: string;
}

/**
 * The placeholders every Flux add-on's template has for its chart and service account, named after
 * the add-on (`<PREFIX>_REPOSITORY`, `_CHART`, `_CHART_VERSION`, `_SERVICE_ACCOUNT`), so that no two
 * add-ons share one.
 */
export function chartTemplateValues(prefix: string, chart: HelmChart, serviceAccount: string): AddonTemplateValues {
  return {
    [`${prefix}_REPOSITORY`]: chart.repository,
    [`${prefix}_CHART`]: chart.name,
    [`${prefix}_CHART_VERSION`]: chart.version,
    /** The service account its Pod Identity role is associated with. */
    [`${prefix}_SERVICE_ACCOUNT`]: serviceAccount,
  };
}

/**
 * A HelmRelease (with its HelmRepository) that Flux installs from the GitOps repository's
 * infrastructure layer. The role of its identity is created by the cluster stack, with its own
 * association.
 */
export interface FluxAddonUnit extends AddonBase {
  readonly installedBy: "flux";
  readonly phase: "infrastructure-layer";
  /** Its template in config_files/infrastructure/: committed to infrastructure/<cluster>/ under the same name. */
  readonly templateFile: string;
  readonly chart: HelmChart;
  /**
   * The image tag per Kubernetes minor version, for an add-on whose release must match the control
   * plane's. A Kubernetes version missing here is refused by the settings (see supportedKubernetesVersions).
   * @default - the chart's own image, whatever the Kubernetes version
   */
  readonly imageTags?: Readonly<Record<string, string>>;
  /**
   * The image the chart's pinned version installs, for an add-on without imageTags (the README's versions table).
   * @default - none: the add-on has imageTags
   */
  readonly chartImage?: string;
  /**
   * The values of its template, besides the layer's own (CLUSTER_NAME, REGION); the placeholders
   * are its own, no other add-on's.
   */
  readonly templateValues: (cluster: ClusterSettings) => AddonTemplateValues;
  /**
   * The role its service account assumes, created by the cluster stack with an association of its own.
   * @default - none
   */
  readonly identity?: AddonIdentity;
}

/** One add-on, as stacks/addons/<name>.ts declares it. */
export type Addon = EksAddonUnit | FluxAddonUnit;
