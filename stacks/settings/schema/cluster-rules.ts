/*
 * The cross-field rules of one cluster (`clusters[]`): zones, IAM role name lengths, names and
 * namespaces that must be unique, subnets that must fit the VPC and hold the nodes. cluster.ts runs
 * them in the order below, which is the order of the refusal lines (load.ts keeps the first per path).
 */
import { nodeGroupName, nodeRoleName, teamCiRoleName, teamImageReaderRoleName } from "../../naming";
import { cidrContains, cidrsOverlap, type Ipv4Block, parseCidr } from "../cidr";
import { clusterName, IAM_ROLE_NAME_MAX, isRegion, RESERVED_NAMESPACES } from "./common";
import { ADDRESSES_PER_NODE, AWS_RESERVED_PER_SUBNET } from "./network";
import { type ElementCheck, refuse, type RuleContext } from "./rules";

/** What the rules read of a cluster's network. */
interface NetworkView {
  readonly vpcCidr: string;
  readonly availabilityZones?: readonly string[];
  readonly publicSubnets: readonly string[];
  readonly privateSubnets: readonly string[];
}

/**
 * What the team rules read of a team. `namespaces` may be missing: the rules also run when the team
 * has a bad value elsewhere, and then its transform (which defaults them to the name) has not run.
 */
export interface TeamView {
  readonly name: string;
  readonly gitlabProject: string;
  readonly ecrRepositories: readonly string[];
  readonly namespaces?: readonly string[];
}

/** What the team rules read of the cluster the teams are on. */
export interface TeamsView {
  readonly name: string;
  readonly apps: readonly { readonly name: string; readonly namespace: string }[];
}

/** Refuses a zone listed twice: every subnet would land in fewer zones than the list says. */
export function zonesListedOnce(c: { readonly network: Pick<NetworkView, "availabilityZones"> }, ctx: RuleContext): void {
  c.network.availabilityZones?.forEach((az, i, all) => {
    const first = all.indexOf(az);
    if (first < i)
      refuse(ctx, ["network", "availabilityZones", i], az, `a zone not listed before (availabilityZones[${first}]): every subnet would land in fewer zones`);
  });
}

/** Refuses a zone of another region than the cluster's; a bad region is reported once (by its own check), not again for every zone. */
export function zonesInClusterRegion(c: { readonly region: string; readonly network: Pick<NetworkView, "availabilityZones"> }, ctx: RuleContext): void {
  if (!isRegion(c.region)) return;
  (c.network.availabilityZones ?? []).forEach((az, i) => {
    if (az.slice(0, -1) !== c.region) refuse(ctx, ["network", "availabilityZones", i], az, `a zone of region ${c.region}`);
  });
}

/**
 * Refuses a node group name that makes the node IAM role "<cluster>-<node group>-node" longer than
 * IAM allows. Only with a valid cluster name: a bad one is the first cause, reported once.
 */
export function nodeRoleNameFits(c: { readonly name: string; readonly nodeGroup: { readonly name: string } }, ctx: RuleContext): void {
  if (!clusterName.safeParse(c.name).success || nodeRoleName(nodeGroupName(c.name, c.nodeGroup.name)).length <= IAM_ROLE_NAME_MAX) return;
  const max = IAM_ROLE_NAME_MAX - nodeRoleName(nodeGroupName(c.name, "")).length;
  refuse(
    ctx,
    ["nodeGroup", "name"],
    c.nodeGroup.name,
    `at most ${max} characters with this cluster name (the node IAM role "<cluster name>-<node group name>-node" is limited to ${IAM_ROLE_NAME_MAX})`,
  );
}

/** Refuses an app name used twice in a cluster: it names the app's folder and Kubernetes objects. */
export function appNamesUnique(c: { readonly apps: readonly { readonly name: string }[] }, ctx: RuleContext): void {
  const appNames = new Map<string, number>();
  c.apps.forEach((app, i) => {
    const earlier = appNames.get(app.name);
    if (earlier !== undefined) refuse(ctx, ["apps", i, "name"], app.name, `a name no other app of this cluster uses (apps[${earlier}] is "${app.name}")`);
    else appNames.set(app.name, i);
  });
}

/** What the expose rule reads of a cluster and of one app. */
interface ExposeView {
  readonly dns?: { readonly zoneName: string };
}
interface ExposedAppView {
  readonly name: string;
  readonly expose?: { readonly host: string };
}

/**
 * Refuses an app exposed on a cluster without a DNS zone (nothing would serve its name), and a host
 * outside the cluster's zone (ExternalDNS could not write its record there, nor could the
 * certificate be validated).
 */
export const exposedInZone: ElementCheck<ExposeView, ExposedAppView> = (c, ctx) => (app, i) => {
  if (!app.expose) return;
  const zone = c.dns?.zoneName;
  if (zone === undefined) {
    refuse(ctx, ["apps", i, "expose"], app.expose, "an expose only on a cluster with dns.zoneName (the zone its host is a name of)");
  } else if (app.expose.host !== zone && !app.expose.host.endsWith(`.${zone}`)) {
    refuse(ctx, ["apps", i, "expose", "host"], app.expose.host, `a name in the cluster's zone ${zone}, such as ${app.name}.${zone}`);
  }
};

/*
 * The team rules check one team at a time (rules.ts's eachElement), so that a team's refusals come
 * together, in this order: name, project, CI role name, namespaces.
 */

/** Refuses a team name used twice in a cluster: it names the team's ServiceAccount, Flux objects and folder. */
export const teamNamesUnique: ElementCheck<TeamsView, TeamView> = (_c, ctx) => {
  const teams = new Map<string, number>();
  return (t, i) => {
    const team = teams.get(t.name);
    if (team !== undefined) refuse(ctx, ["teams", i, "name"], t.name, `a name no other team uses (teams[${team}] is "${t.name}")`);
    else teams.set(t.name, i);
  };
};

/** Refuses a GitLab project two teams of a cluster share (GitLab paths ignore case): one team per project. */
export const teamProjectsUnique: ElementCheck<TeamsView, TeamView> = (_c, ctx) => {
  const projects = new Map<string, number>();
  return (t, i) => {
    const project = projects.get(t.gitlabProject.toLowerCase());
    if (project !== undefined) refuse(ctx, ["teams", i, "gitlabProject"], t.gitlabProject, `a project no other team uses (teams[${project}] has it)`);
    else projects.set(t.gitlabProject.toLowerCase(), i);
  };
};

/**
 * Refuses a team name that makes the team's IAM roles longer than IAM allows. Only a team with ECR
 * repositories gets a CI role (without one it has nothing to push) and an image reader role, whose
 * name is no longer than the CI role's; and only with a valid cluster name (a bad one is the first cause).
 */
export const teamCiRoleNameFits: ElementCheck<TeamsView, TeamView> = (c, ctx) => {
  const validName = clusterName.safeParse(c.name).success;
  return (t, i) => {
    const longestTeamRole = Math.max(teamCiRoleName(c.name, t.name).length, teamImageReaderRoleName(c.name, t.name).length);
    if (!validName || t.ecrRepositories.length === 0 || longestTeamRole <= IAM_ROLE_NAME_MAX) return;
    const max = IAM_ROLE_NAME_MAX - teamCiRoleName(c.name, "").length;
    refuse(
      ctx,
      ["teams", i, "name"],
      t.name,
      `at most ${max} characters with this cluster name (the CI IAM role of a team with ECR repositories, "<cluster name>-team-<team name>-ci", is limited to ${IAM_ROLE_NAME_MAX})`,
    );
  };
};

/**
 * Refuses a team namespace someone else has: a system namespace, an app's, or another team's (or
 * the same team's, listed twice). A team is admin in its namespaces, so sharing one would give it
 * what it does not own.
 */
export const namespacesUnique: ElementCheck<TeamsView, TeamView> = (c, ctx) => {
  // Who owns each namespace: a system namespace, an app (apps may share one), or a team.
  const owners = new Map<string, string>(RESERVED_NAMESPACES.map((ns) => [ns, "a system namespace"]));
  c.apps.forEach((app, i) => owners.has(app.namespace) || owners.set(app.namespace, `the namespace of apps[${i}] (${app.name})`));
  return (t, i) => {
    (t.namespaces ?? [t.name]).forEach((ns, j) => {
      const owner = owners.get(ns);
      if (owner) refuse(ctx, ["teams", i, "namespaces", j], ns, `a namespace of its own, not ${owner}`);
      else owners.set(ns, `a namespace of teams[${i}] (${t.name})`);
    });
  };
};

/**
 * Refuses a vpcCidr that contains none of the subnets: a new vpcCidr alone (the subnets left at their
 * defaults) is one cause, not one refusal per subnet. Returns whether the subnet rules below apply:
 * not when the VPC CIDR is invalid (its own check says so) or was refused here.
 */
export function vpcHoldsSomeSubnet(c: { readonly network: NetworkView }, ctx: RuleContext): boolean {
  const vpc = parseCidr(c.network.vpcCidr);
  if (!vpc) return false;
  const subnets = [...c.network.publicSubnets, ...c.network.privateSubnets].map(parseCidr);
  if (subnets.every((block) => block && !cidrContains(vpc, block))) {
    refuse(ctx, ["network", "vpcCidr"], c.network.vpcCidr, "a CIDR containing publicSubnets and privateSubnets (none is inside it: change them with it)");
    return false;
  }
  return true;
}

/** One subnet of the network, public ones first, with where it is listed. */
export interface SubnetEntry {
  readonly kind: "publicSubnets" | "privateSubnets";
  readonly index: number;
  readonly subnet: string;
}

/** The subnets in the order the subnet rules check them. */
export function subnetEntries(network: Pick<NetworkView, "publicSubnets" | "privateSubnets">): SubnetEntry[] {
  return (["publicSubnets", "privateSubnets"] as const).flatMap((kind) => network[kind].map((subnet, index) => ({ kind, index, subnet })));
}

/** Refuses a subnet outside vpcCidr: AWS creates subnets only inside their VPC. An invalid subnet is its own check's. */
export const subnetInsideVpc: ElementCheck<{ readonly network: Pick<NetworkView, "vpcCidr"> }, SubnetEntry> = (c, ctx) => {
  const vpc = parseCidr(c.network.vpcCidr);
  return ({ kind, index, subnet }) => {
    const block = parseCidr(subnet);
    if (vpc && block && !cidrContains(vpc, block)) refuse(ctx, ["network", kind, index], subnet, `a subnet inside vpcCidr ${c.network.vpcCidr}`);
  };
};

/** Refuses a subnet overlapping one listed before it (public or private): AWS refuses overlapping subnets in a VPC. */
export const subnetsApart: ElementCheck<unknown, SubnetEntry> = (_c, ctx) => {
  const seen: { where: string; value: string; block: Ipv4Block }[] = [];
  return ({ kind, index, subnet }) => {
    const block = parseCidr(subnet);
    if (!block) return;
    const clash = seen.find((s) => cidrsOverlap(s.block, block));
    if (clash) refuse(ctx, ["network", kind, index], subnet, `a subnet that does not overlap network.${clash.where} (${clash.value})`);
    seen.push({ where: `${kind}[${index}]`, value: subnet, block });
  };
};

/**
 * Refuses a nodeGroup.maxSize the private subnets cannot hold: each node takes at least
 * ADDRESSES_PER_NODE addresses, and AWS keeps 5 of every subnet. Only when every private subnet is valid.
 */
export function nodesFitPrivateSubnets(
  c: { readonly network: Pick<NetworkView, "privateSubnets">; readonly nodeGroup: { readonly maxSize: number } },
  ctx: RuleContext,
): void {
  const privateBlocks = c.network.privateSubnets.map(parseCidr);
  if (!privateBlocks.every((b) => b !== undefined)) return;
  const usable = privateBlocks.reduce((sum, b) => sum + 2 ** (32 - b.prefix) - AWS_RESERVED_PER_SUBNET, 0);
  const most = Math.floor(usable / ADDRESSES_PER_NODE);
  if (c.nodeGroup.maxSize > most) {
    refuse(
      ctx,
      ["nodeGroup", "maxSize"],
      c.nodeGroup.maxSize,
      `at most ${most} with these private subnets (${usable} usable addresses; each node takes at least ${ADDRESSES_PER_NODE} for itself and its pods' VPC CNI addresses)`,
    );
  }
}
