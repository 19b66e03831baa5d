import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { type Addon, type AddonIdentity, ADDONS, eksAddons, type EksAddonUnit, installedAddons } from "../addons";
import { EksAddon } from "../constructs/aws/eks-addon";
import { managedPolicyArn } from "../constructs/aws/iam";
import { PodIdentityRole } from "../constructs/aws/pod-identity-role";
import type { ClusterSettings } from "../settings/schema";

export interface ClusterAddonsProps {
  /** The validated cluster entry: its Kubernetes version, add-on versions, name and region. */
  readonly cluster: ClusterSettings;
  /** The cluster's name as a reference to the cluster resource, so everything waits for the control plane. */
  readonly clusterName: string;
  /** ARN of the cluster: Pod Identity roles trust only its pods. */
  readonly clusterArn: string;
  /** The account the cluster runs in (usually a token). */
  readonly accountId: string;
  /** The AWS partition (usually a token). */
  readonly partition: string;
  /**
   * ARN of the cluster's Route53 zone, for a cluster with `dns` (ExternalDNS may change records there only).
   * @default - none
   */
  readonly zoneArn?: string;
  /**
   * The add-ons, in order.
   * @default ADDONS (stacks/addons/index.ts)
   */
  readonly addons?: readonly Addon[];
}

/** An add-on's role, and what whatever uses it must wait for. */
interface CreatedIdentity {
  readonly role: PodIdentityRole;
  /** Its permissions, or its association when it has one of its own (which itself waits for them). */
  readonly ready: ITerraformDependable[];
}

/**
 * Installs a cluster's add-ons by phase, reading the registry: not a construct, so every resource
 * keeps the stack as its scope and the id it always had (`addon-<name>`, the identity's id), and so
 * its Terraform address.
 *
 * - {@link beforeNodes}: the roles of the before-nodes add-ons, then the add-ons that hand out Pod
 *   Identity credentials, then the other before-nodes add-ons; one with an identity waits for that
 *   agent and for its role.
 * - {@link afterNodes}: the roles of the after-nodes and Flux add-ons (a Flux add-on's role gets its
 *   own association: no EKS add-on creates one), then the after-nodes add-ons, each waiting for the
 *   node group and for its role.
 */
export class ClusterAddons {
  private readonly addons: readonly Addon[];
  private readonly identities = new Map<string, CreatedIdentity>();

  constructor(
    private readonly stack: Construct,
    private readonly props: ClusterAddonsProps,
  ) {
    // Only what this cluster gets: an add-on for exposed apps needs `dns`, say.
    this.addons = installedAddons(props.cluster, props.addons ?? ADDONS);
  }

  /** Installs the before-nodes add-ons; returns them in the registry's order, for the node group to wait for. */
  beforeNodes(): ITerraformDependable[] {
    const early = eksAddons(this.addons).filter((a) => a.phase === "before-nodes");
    for (const addon of early) if (addon.identity) this.createIdentity(addon.identity, addon.identity.association === "resource");
    const agents = early.filter((a) => a.providesPodIdentity);
    const installed = new Map<string, ITerraformDependable>();
    for (const agent of agents) installed.set(agent.name, this.install(agent, this.readyOf(agent)));
    const agentAddons = agents.map((a) => installed.get(a.name)!);
    for (const addon of early.filter((a) => !a.providesPodIdentity)) {
      installed.set(addon.name, this.install(addon, addon.identity ? [...agentAddons, ...this.readyOf(addon)] : []));
    }
    return early.map((a) => installed.get(a.name)!);
  }

  /** Creates the roles of the later add-ons, then installs the after-nodes add-ons, each after `nodeGroup`. */
  afterNodes(nodeGroup: ITerraformDependable): void {
    const later = this.addons.filter((a) => a.phase !== "before-nodes");
    for (const addon of later) {
      if (addon.identity) this.createIdentity(addon.identity, addon.installedBy === "flux" || addon.identity.association === "resource");
    }
    for (const addon of eksAddons(later)) this.install(addon, [nodeGroup, ...this.readyOf(addon)]);
  }

  private createIdentity(identity: AddonIdentity, associate: boolean): void {
    const { cluster, partition, accountId } = this.props;
    const role = new PodIdentityRole(this.stack, identity.id, {
      accountId,
      clusterArn: this.props.clusterArn,
      clusterName: this.props.clusterName,
      namespace: identity.namespace,
      serviceAccount: identity.serviceAccount,
      roleName: identity.roleName(cluster.name),
      ...(identity.managedPolicies ? { managedPolicyArns: identity.managedPolicies.map((name) => managedPolicyArn(partition, name)) } : {}),
      ...(identity.inlinePolicy
        ? { inlinePolicy: identity.inlinePolicy({ partition, region: cluster.region, accountId, clusterName: cluster.name, zoneArn: this.props.zoneArn }) }
        : {}),
      associate,
    });
    this.identities.set(identity.id, { role, ready: role.association ? [role.association] : role.permissions });
  }

  /** What an add-on waits for on account of its identity: nothing without one. */
  private readyOf(addon: EksAddonUnit): ITerraformDependable[] {
    return addon.identity ? this.identities.get(addon.identity.id)!.ready : [];
  }

  private install(addon: EksAddonUnit, dependsOn: ITerraformDependable[]): ITerraformDependable {
    const { cluster } = this.props;
    const identity = addon.identity?.association === "addon" ? addon.identity : undefined;
    return new EksAddon(this.stack, `addon-${addon.name}`, {
      version: cluster.eks.addonVersions[addon.name],
      clusterName: this.props.clusterName,
      kubernetesVersion: cluster.eks.kubernetesVersion,
      addonName: addon.name,
      configurationValues: addon.configurationValues,
      dependsOn,
      podIdentityAssociations: identity ? [{ serviceAccount: identity.serviceAccount, roleArn: this.identities.get(identity.id)!.role.role.arn }] : undefined,
    }).addon;
  }
}
