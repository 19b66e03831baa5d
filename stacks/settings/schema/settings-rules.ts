/*
 * The cross-field rules across the whole settings (`gitlab` with the clusters, and the clusters with
 * each other): what the GitLab URL allows, and names that are unique per AWS account or region.
 * schema.ts runs them in the order below, which is the order of the refusal lines.
 */
import { accountWideRoleNames } from "../../naming";
import { type ElementCheck, refuse, type RuleContext } from "./rules";

/** The GitLab URL when it is a valid http(s) URL: refinements also run on a baseUrl that failed its own check. */
function httpBase(baseUrl: string): URL | undefined {
  const base = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  return base && ["http:", "https:"].includes(base.protocol) ? base : undefined;
}

/**
 * Refuses commit statuses with an instance served under a path: Flux's GitLab notifier takes
 * scheme://host of the Provider's address as the instance and the whole path as the project, so such
 * an instance cannot get commit statuses.
 */
export function commitStatusesReachInstance(
  s: { readonly gitlab: { readonly baseUrl: string }; readonly clusters: readonly { readonly flux: { readonly commitStatuses: boolean } }[] },
  ctx: RuleContext,
): void {
  const base = httpBase(s.gitlab.baseUrl);
  if (!base || base.pathname === "/") return;
  s.clusters.forEach((c, i) => {
    if (!c.flux.commitStatuses) return;
    refuse(
      ctx,
      ["clusters", i, "flux", "commitStatuses"],
      true,
      `false: Flux's GitLab commit statuses cannot reach an instance under a path (gitlab.baseUrl ${s.gitlab.baseUrl})`,
    );
  });
}

/**
 * Refuses an http GitLab URL when a team has ECR repositories: the teams' CI roles trust GitLab
 * through an IAM OIDC provider, and IAM takes only https issuers. Reported once, naming the first such team.
 */
export function httpsWhenTeamsPush(
  s: {
    readonly gitlab: { readonly baseUrl: string };
    readonly clusters: readonly { readonly teams: readonly { readonly ecrRepositories: readonly string[] }[] }[];
  },
  ctx: RuleContext,
): void {
  if (httpBase(s.gitlab.baseUrl)?.protocol !== "http:") return;
  const pusher = s.clusters
    .flatMap((c, i) => c.teams.map((t, j) => ({ where: `clusters[${i}].teams[${j}]`, pushes: t.ecrRepositories.length > 0 })))
    .find((t) => t.pushes);
  if (pusher) {
    refuse(
      ctx,
      ["gitlab", "baseUrl"],
      s.gitlab.baseUrl,
      `an https URL: teams with ECR repositories (such as ${pusher.where}) push through an AWS IAM OIDC provider, which needs an https issuer`,
    );
  }
}

/** What the role name rule reads of a cluster: what naming.ts derives the account-wide role names from. */
type RoleNamesView = Parameters<typeof accountWideRoleNames>[0];

/**
 * Refuses a cluster whose stacks would create an IAM role another cluster creates: IAM role names are
 * unique per account, case-insensitively. One refusal per cluster (its first clash), on the setting
 * the name comes from; a repeated cluster name is left to clusterNamesUnique (its roles would only repeat the cause).
 */
export function accountRoleNamesUnique(s: { readonly clusters: readonly RoleNamesView[] }, ctx: RuleContext): void {
  // "<name>" in lower case -> which cluster creates it.
  const roles = new Map<string, number>();
  s.clusters.forEach((c, i) => {
    if (s.clusters.findIndex((other) => other.name === c.name) < i) return;
    for (const role of accountWideRoleNames(c)) {
      const key = role.name.toLowerCase();
      const other = roles.get(key);
      if (other !== undefined && other !== i) {
        const value = role.from.reduce<unknown>((v, p) => (v as Record<string | number, unknown>)[p], c);
        refuse(
          ctx,
          ["clusters", i, ...role.from],
          value,
          `a value whose IAM role ${role.name} no other cluster creates (clusters[${other}] does; IAM names are account-wide)`,
        );
        break;
      } else roles.set(key, i);
    }
  });
}

/*
 * The last two rules check one cluster at a time (rules.ts's eachElement), so that a cluster's
 * refusals come together: its name, then its repositories.
 */

/** Refuses a cluster name used twice: it names the EKS cluster, its stacks and its Git folders. */
export const clusterNamesUnique: ElementCheck<unknown, { readonly name: string }> = (_s, ctx) => {
  const names = new Set<string>();
  return (c, i) => {
    if (names.has(c.name)) refuse(ctx, ["clusters", i, "name"], c.name, "a name no other cluster uses");
    names.add(c.name);
  };
};

/** What the host rule reads of a cluster. */
interface HostsView {
  readonly apps: readonly { readonly expose?: { readonly host: string } }[];
}

/**
 * Refuses a host served by two apps, of one cluster or of two: each app gets its own record and
 * certificate name, and two load balancers cannot answer for one name (ExternalDNS would leave the
 * record to whichever cluster wrote it first).
 */
export const exposedHostsUnique: ElementCheck<unknown, HostsView> = (_s, ctx) => {
  const hosts = new Map<string, string>();
  return (c, i) =>
    c.apps.forEach((app, j) => {
      if (!app.expose) return;
      const earlier = hosts.get(app.expose.host);
      if (earlier) refuse(ctx, ["clusters", i, "apps", j, "expose", "host"], app.expose.host, `a host no other app serves (${earlier} does)`);
      else hosts.set(app.expose.host, `clusters[${i}].apps[${j}]`);
    });
};

/** What the repository rule reads of a cluster. */
interface RepositoriesView {
  readonly region: string;
  readonly apps: readonly { readonly ecr: { readonly repositoryName: string } }[];
  readonly teams: readonly { readonly ecrRepositories: readonly string[] }[];
}

/**
 * Refuses an ECR repository name used twice in one region, by apps or teams of any cluster: ECR names
 * are unique per account and region, so the second repository could not be created.
 */
export const ecrRepositoryNamesUnique: ElementCheck<unknown, RepositoriesView> = (_s, ctx) => {
  // "<region>/<name>" -> where it is.
  const repos = new Map<string, string>();
  return (c, i) => {
    const claim = (name: string, where: string, path: (string | number)[]) => {
      const key = `${c.region}/${name}`;
      const earlier = repos.get(key);
      if (earlier) {
        refuse(
          ctx,
          ["clusters", i, ...path],
          name,
          `a repository name not used by ${earlier} (ECR names are unique per region, ${c.region}; the default is <app name>-repo)`,
        );
      } else repos.set(key, where);
    };
    c.apps.forEach((app, j) => claim(app.ecr.repositoryName, `clusters[${i}].apps[${j}]`, ["apps", j, "ecr", "repositoryName"]));
    c.teams.forEach((t, j) => t.ecrRepositories.forEach((name, k) => claim(name, `clusters[${i}].teams[${j}]`, ["teams", j, "ecrRepositories", k])));
  };
};
