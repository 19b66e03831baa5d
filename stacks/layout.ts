/*
 * The GitOps repository's layout: every path this program writes to, who owns each file, and
 * the order the files are committed in. Flux's own files (clusters/<cluster>/flux-system/) are
 * written by flux_bootstrap_git and listed here only so that the layout is complete.
 *
 *   clusters/<cluster>/                Flux objects only; Flux's flux-system Kustomization applies
 *     flux-system/                       this folder (it has no kustomization.yaml, so
 *     infrastructure.yaml                kustomize-controller generates one listing every YAML file
 *     apps.yaml                          below it and taking flux-system/ as one entry)
 *     infrastructure-configs.yaml        with dns: the configs layer's Kustomization, after infrastructure
 *     tenants.yaml                       the teams layer's Kustomization (when the cluster has teams)
 *     images/<app>.yaml                  ImageRepository and ImagePolicy of one app
 *     image-automation.yaml              one ImageUpdateAutomation for every app
 *     notifications.yaml                 Provider and Alert: commit statuses to GitLab (flux.commitStatuses),
 *                                          committed last, after Terraform created the token's Secret
 *   infrastructure/<cluster>/          the infrastructure layer: what makes the cluster usable (controllers)
 *     kustomization.yaml, cluster-autoscaler.yaml,
 *     image-repository-identity.yaml      the admission policy that keeps teams off the reflector's identity
 *   infrastructure-configs/<cluster>/  with dns: what needs the controllers' CRDs (IngressClasses), after them
 *   tenants/<cluster>/                 the teams layer (when the cluster has teams; the folder keeps
 *                                      Flux's multi-tenancy name, see stacks/repository-paths.ts)
 *     kustomization.yaml                 lists the team folders
 *     <team>/namespaces/<ns>.yaml        a team namespace and the team's admin RoleBinding in it
 *     <team>/service-account.yaml, cluster-vars.yaml, sync.yaml, kustomization.yaml
 *     <team>/ecr-reader.yaml             the team's ECR reader service account (teams with ECR repositories)
 *   apps/<cluster>/                    the apps layer, applied after infrastructure is Ready
 *     kustomization.yaml                 lists the namespaces and the app folders
 *     namespaces/<namespace>.yaml        one per namespace (apps may share one)
 *     <app>/kustomization.yaml, deployment.yaml, service.yaml
 *     <app>/image/kustomization.yaml     the image name and tag: the only file Flux rewrites
 *     <app>/autoscaling/                 a HorizontalPodAutoscaler component, when the app asks for one
 *     <app>/expose/                      an Ingress component (and its NetworkPolicy), when the app is exposed
 *
 * Why this split: kustomize-controller builds a path all-or-nothing, and the Flux provider
 * re-bootstraps (and then fails) whenever flux-system is not Ready. Keeping the manifests out of
 * clusters/<cluster>/ means a half-written app can never break the build of flux-system; the
 * commit order (see stacks/manifests/cluster-files.ts) keeps every path buildable after every
 * single commit, up and down: Terraform creates and updates files in the order given and deletes
 * removed files afterwards, newest first.
 *
 * Every file is declared once, by its role ("app.image-kustomization", "team.sync"): its template,
 * its owner and its path. Each layer lists its files in commit order; cluster-files.ts orders the
 * layers. Code finds a file by its role (fileWithRole, pathOf), never by position or path, so a
 * new file (an add-on's, say) is one more declaration in its layer.
 */
import { fluxAddons } from "./addons";
import { repositoryPaths } from "./repository-paths";

/** Who writes a file after Terraform created it. */
export type FileOwner =
  /** Terraform: every deploy writes the rendered template. */
  | "terraform"
  /** Flux image automation: Terraform creates the file once and then never reverts Flux's commits. */
  | "flux";

/**
 * Which instance of a layer a file belongs to: the cluster, and for the layers rendered once per
 * app, team or namespace, that app, team or namespace.
 */
export interface Place {
  readonly cluster: string;
  /** The app, for the app layers and an app's image objects. */
  readonly app?: string;
  /** The team, for the team layers. */
  readonly team?: string;
  /** The namespace, for a namespace file (of the apps or of a team). */
  readonly namespace?: string;
}

/** One file of a template layer. */
export interface LayerFile {
  /** What the file is, e.g. "app.image-kustomization": the name the code looks it up by (unique in the layout). */
  readonly role: string;
  /** The template that renders it: a POSIX path relative to the layer's folder under config_files/. */
  readonly template: string;
  readonly owner: FileOwner;
  /** Where it is committed, relative to the repository root. */
  path(at: Place): string;
}

/** A folder of templates rendered together, with one set of values, once per place. */
export interface TemplateLayer {
  /** Folder under config_files/. */
  readonly templateDir: string;
  /** Every template of the layer, in commit order (destroy removes them in reverse). */
  readonly files: readonly LayerFile[];
}

/** The file of a folder that lists the others: committed after them, removed before them. */
export const INDEX_FILE = "kustomization.yaml";

/** `name` of `at`, which a layer rendered once per app, team or namespace needs. */
function nameOf(at: Place, key: "app" | "team" | "namespace"): string {
  const name = at[key];
  // A caller's mistake, not the user's: cluster-files.ts passes the place each layer needs.
  if (name === undefined) throw new Error(`stacks/layout.ts: a file of cluster ${at.cluster} needs the ${key} it belongs to`);
  return name;
}

/** A file named `name` in the folder `folder(at)`. */
const inFolder =
  (folder: (at: Place) => string, name: string) =>
  (at: Place): string =>
    `${folder(at)}/${name}`;
const infrastructureFolder = (at: Place) => repositoryPaths.infrastructureLayer(at.cluster);
const appFolder = (at: Place) => repositoryPaths.app(at.cluster, nameOf(at, "app"));
const appAutoscalingFolder = (at: Place) => repositoryPaths.appAutoscaling(at.cluster, nameOf(at, "app"));
const appExposeFolder = (at: Place) => repositoryPaths.appExpose(at.cluster, nameOf(at, "app"));
const infrastructureConfigsFolder = (at: Place) => repositoryPaths.infrastructureConfigsLayer(at.cluster);
const clusterFolder = (at: Place) => repositoryPaths.cluster(at.cluster);
const teamFolder = (at: Place) => repositoryPaths.team(at.cluster, nameOf(at, "team"));

/** The infrastructure layer of a cluster, rendered into infrastructure/<cluster>/. */
export const INFRASTRUCTURE_LAYER = {
  templateDir: "infrastructure",
  files: [
    {
      role: "infrastructure.image-repository-identity",
      template: "image-repository-identity.yaml",
      owner: "terraform",
      path: inFolder(infrastructureFolder, "image-repository-identity.yaml"),
    },
    {
      role: "infrastructure.team-guardrails",
      template: "team-guardrails.yaml",
      owner: "terraform",
      path: inFolder(infrastructureFolder, "team-guardrails.yaml"),
    },
    // Each add-on Flux installs (stacks/addons/), in the registry's order.
    ...fluxAddons().map((addon) => ({
      role: `infrastructure.${addon.name}` as const,
      template: addon.templateFile,
      owner: "terraform" as const,
      path: inFolder(infrastructureFolder, addon.templateFile),
    })),
    { role: "infrastructure.index", template: INDEX_FILE, owner: "terraform", path: inFolder(infrastructureFolder, INDEX_FILE) },
  ],
} as const satisfies TemplateLayer;

/**
 * What needs the infrastructure layer's CRDs, rendered into infrastructure-configs/<cluster>/ for a
 * cluster with `dns` (the load balancer controller's IngressClasses), its kustomization.yaml last.
 */
export const INFRASTRUCTURE_CONFIGS_LAYER = {
  templateDir: "infrastructure-configs",
  files: [
    {
      role: "infrastructure-configs.ingress-classes",
      template: "ingress-classes.yaml",
      owner: "terraform",
      path: inFolder(infrastructureConfigsFolder, "ingress-classes.yaml"),
    },
    { role: "infrastructure-configs.index", template: INDEX_FILE, owner: "terraform", path: inFolder(infrastructureConfigsFolder, INDEX_FILE) },
  ],
} as const satisfies TemplateLayer;

/** The Flux Kustomization of the configs layer: clusters/<cluster>/infrastructure-configs.yaml, for a cluster with `dns`. */
export const INFRASTRUCTURE_CONFIGS_SYNC_LAYER = {
  templateDir: "cluster-infrastructure-configs",
  files: [
    {
      role: "cluster.infrastructure-configs-sync",
      template: "infrastructure-configs.yaml",
      owner: "terraform",
      path: (at: Place) => repositoryPaths.infrastructureConfigsSync(at.cluster),
    },
  ],
} as const satisfies TemplateLayer;

/** One namespace of the apps layer, rendered into apps/<cluster>/namespaces/<namespace>.yaml. */
export const NAMESPACE_LAYER = {
  templateDir: "namespace",
  files: [
    {
      role: "apps.namespace",
      template: "namespace.yaml",
      owner: "terraform",
      path: (at: Place) => repositoryPaths.namespace(at.cluster, nameOf(at, "namespace")),
    },
  ],
} as const satisfies TemplateLayer;

/**
 * One app, rendered into apps/<cluster>/<app>/. The objects come first and the kustomization.yaml
 * that lists them last, so the folder builds as soon as it has a kustomization.yaml.
 */
export const APP_LAYER = {
  templateDir: "app",
  files: [
    { role: "app.service", template: "service.yaml", owner: "terraform", path: inFolder(appFolder, "service.yaml") },
    { role: "app.deployment", template: "deployment.yaml", owner: "terraform", path: inFolder(appFolder, "deployment.yaml") },
    { role: "app.pdb", template: "pdb.yaml", owner: "terraform", path: inFolder(appFolder, "pdb.yaml") },
    // The image component: the only file Flux rewrites.
    { role: "app.image-kustomization", template: "image/kustomization.yaml", owner: "flux", path: inFolder(appFolder, "image/kustomization.yaml") },
    { role: "app.index", template: INDEX_FILE, owner: "terraform", path: inFolder(appFolder, INDEX_FILE) },
  ],
} as const satisfies TemplateLayer;

/** An app's HorizontalPodAutoscaler component, rendered into apps/<cluster>/<app>/autoscaling/ before the app's kustomization.yaml. */
export const APP_AUTOSCALING_LAYER = {
  templateDir: "app-autoscaling",
  files: [
    { role: "app.autoscaling.hpa", template: "hpa.yaml", owner: "terraform", path: inFolder(appAutoscalingFolder, "hpa.yaml") },
    { role: "app.autoscaling.index", template: INDEX_FILE, owner: "terraform", path: inFolder(appAutoscalingFolder, INDEX_FILE) },
  ],
} as const satisfies TemplateLayer;

/** An app's exposure (apps[].expose): its Ingress component, rendered into apps/<cluster>/<app>/expose/ before the app's kustomization.yaml. */
export const APP_EXPOSE_LAYER = {
  templateDir: "app-expose",
  files: [
    { role: "app.expose.ingress", template: "ingress.yaml", owner: "terraform", path: inFolder(appExposeFolder, "ingress.yaml") },
    { role: "app.expose.index", template: INDEX_FILE, owner: "terraform", path: inFolder(appExposeFolder, INDEX_FILE) },
  ],
} as const satisfies TemplateLayer;

/** The apps layer's own kustomization.yaml, listing the namespaces and the app folders. */
export const APPS_INDEX_LAYER = {
  templateDir: "apps",
  files: [{ role: "apps.index", template: INDEX_FILE, owner: "terraform", path: (at: Place) => `${repositoryPaths.appsLayer(at.cluster)}/${INDEX_FILE}` }],
} as const satisfies TemplateLayer;

/**
 * The Flux objects of a cluster, rendered into clusters/<cluster>/ after both layers' folders are
 * complete: the layer Kustomizations first, image automation last (after the apps' image
 * policies), so Flux starts committing to the branch only once Terraform's own commits are done.
 */
export const CLUSTER_LAYER = {
  templateDir: "cluster",
  files: [
    { role: "cluster.infrastructure-sync", template: "infrastructure.yaml", owner: "terraform", path: inFolder(clusterFolder, "infrastructure.yaml") },
    { role: "cluster.apps-sync", template: "apps.yaml", owner: "terraform", path: inFolder(clusterFolder, "apps.yaml") },
    { role: "cluster.image-automation", template: "image-automation.yaml", owner: "terraform", path: inFolder(clusterFolder, "image-automation.yaml") },
  ],
} as const satisfies TemplateLayer;

/** The ImageRepository and ImagePolicy of one app, rendered into clusters/<cluster>/images/<app>.yaml. */
export const IMAGE_POLICY_LAYER = {
  templateDir: "image-policy",
  files: [
    {
      role: "app.image-policy",
      template: "image-policy.yaml",
      owner: "terraform",
      path: (at: Place) => repositoryPaths.imagePolicy(at.cluster, nameOf(at, "app")),
    },
  ],
} as const satisfies TemplateLayer;

/**
 * The cluster's GitLab commit statuses (flux.commitStatuses), rendered into
 * clusters/<cluster>/notifications.yaml after everything else: the Secret it names exists by then
 * (Terraform creates it first), and it reports on Kustomizations that are all in place.
 */
export const NOTIFICATIONS_LAYER = {
  templateDir: "notifications",
  files: [
    { role: "cluster.notifications", template: "notifications.yaml", owner: "terraform", path: (at: Place) => repositoryPaths.notifications(at.cluster) },
  ],
} as const satisfies TemplateLayer;

/** One namespace of a team, with the team's rights there: tenants/<cluster>/<team>/namespaces/<namespace>.yaml. */
export const TEAM_NAMESPACE_LAYER = {
  templateDir: "tenant-namespace",
  files: [
    {
      role: "team.namespace",
      template: "namespace.yaml",
      owner: "terraform",
      path: (at: Place) => repositoryPaths.teamNamespace(at.cluster, nameOf(at, "team"), nameOf(at, "namespace")),
    },
  ],
} as const satisfies TemplateLayer;

/**
 * One team, rendered into tenants/<cluster>/<team>/ after its namespaces; kustomization.yaml last.
 * The sync has a section for a team with one namespace (its targetNamespace), which a team with
 * several namespaces goes without.
 */
export const TEAM_LAYER = {
  templateDir: "tenant",
  files: [
    { role: "team.service-account", template: "service-account.yaml", owner: "terraform", path: inFolder(teamFolder, "service-account.yaml") },
    { role: "team.cluster-vars", template: "cluster-vars.yaml", owner: "terraform", path: inFolder(teamFolder, "cluster-vars.yaml") },
    { role: "team.sync", template: "sync.yaml", owner: "terraform", path: inFolder(teamFolder, "sync.yaml") },
    { role: "team.index", template: INDEX_FILE, owner: "terraform", path: inFolder(teamFolder, INDEX_FILE) },
  ],
} as const satisfies TemplateLayer;

/**
 * The service account a team's ImageRepositories scan its ECR repositories with (IRSA), for a team
 * with ECR repositories: tenants/<cluster>/<team>/ecr-reader.yaml, after the team's
 * service-account.yaml and before its sync.
 */
export const TEAM_IMAGE_READER_LAYER = {
  templateDir: "tenant-image-reader",
  files: [
    {
      role: "team.ecr-reader",
      template: "service-account.yaml",
      owner: "terraform",
      path: (at: Place) => repositoryPaths.teamImageReader(at.cluster, nameOf(at, "team")),
    },
  ],
} as const satisfies TemplateLayer;

/** The teams layer's own kustomization.yaml, listing the team folders. */
export const TEAMS_INDEX_LAYER = {
  templateDir: "tenants",
  files: [{ role: "teams.index", template: INDEX_FILE, owner: "terraform", path: (at: Place) => `${repositoryPaths.teamsLayer(at.cluster)}/${INDEX_FILE}` }],
} as const satisfies TemplateLayer;

/** The Flux Kustomization of the teams layer: clusters/<cluster>/tenants.yaml, when the cluster has teams. */
export const TEAMS_SYNC_LAYER = {
  templateDir: "cluster-tenants",
  files: [{ role: "cluster.teams-sync", template: "tenants.yaml", owner: "terraform", path: (at: Place) => repositoryPaths.teamsSync(at.cluster) }],
} as const satisfies TemplateLayer;

/** Every template layer: each folder of config_files/ is one of them. */
export const ALL_LAYERS = [
  INFRASTRUCTURE_LAYER,
  INFRASTRUCTURE_CONFIGS_LAYER,
  INFRASTRUCTURE_CONFIGS_SYNC_LAYER,
  NAMESPACE_LAYER,
  APP_LAYER,
  APP_AUTOSCALING_LAYER,
  APP_EXPOSE_LAYER,
  APPS_INDEX_LAYER,
  CLUSTER_LAYER,
  IMAGE_POLICY_LAYER,
  NOTIFICATIONS_LAYER,
  TEAM_NAMESPACE_LAYER,
  TEAM_LAYER,
  TEAM_IMAGE_READER_LAYER,
  TEAMS_INDEX_LAYER,
  TEAMS_SYNC_LAYER,
] as const satisfies readonly TemplateLayer[];

/** Every role the layout declares, e.g. "app.image-kustomization" or "team.sync". */
export type FileRole = (typeof ALL_LAYERS)[number]["files"][number]["role"];

/** The declaration of `role` and the layer that declares it; throws naming the role when the layout has none. */
export function declaredFile(role: FileRole): { layer: TemplateLayer; file: LayerFile } {
  for (const layer of ALL_LAYERS as readonly TemplateLayer[]) {
    const file = layer.files.find((f) => f.role === role);
    if (file) return { layer, file };
  }
  throw new Error(`stacks/layout.ts declares no file with the role ${JSON.stringify(role)}`);
}

/** The one file of `files` with `role` (e.g. of a rendered layer); throws naming the role and the roles there are. */
export function fileWithRole<F extends { readonly role: string }>(files: readonly F[], role: FileRole): F {
  const found = files.filter((f) => f.role === role);
  if (found.length !== 1) {
    throw new Error(
      `expected one file with the role ${JSON.stringify(role)}, found ${found.length} among ${files.map((f) => f.role).join(", ") || "no files"}`,
    );
  }
  return found[0];
}

/** Where the file with `role` of `at` is committed, relative to the repository root. */
export function pathOf(role: FileRole, at: Place): string {
  return declaredFile(role).file.path(at);
}
