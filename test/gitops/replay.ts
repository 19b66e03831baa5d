import { stringify } from "yaml";
import { fluxSystemKustomization } from "../../stacks/constructs/gitops/flux-bootstrap";
import { fluxPath, repositoryPaths } from "../../stacks/repository-paths";
import { type Json, resourcesOf, type SynthesizedJson } from "../support";
import { evaluateTerraformTemplate } from "../terraform-template";
import { buildLikeFlux, type Kustomize, writeTree } from "./kustomize-controller";
import * as fs from "fs";

/** A file written (content) or removed (undefined). */
export interface FileChange {
  readonly path: string;
  readonly content: string | undefined;
}

/** One step the repository goes through: a Terraform commit of one file, or a whole bootstrap. */
export interface Commit {
  /** What the step is, for messages: the file's path, or "bootstrap of <cluster>". */
  readonly label: string;
  readonly changes: readonly FileChange[];
}

/** A commit of one file. */
export function fileCommit(path: string, content: string | undefined): Commit {
  return { label: path, changes: [{ path, content }] };
}

/** Example values for the references in committed files: each app's ECR repository, the GitLab project ID. */
export function exampleReferences(region = "us-west-2"): (ref: string) => string | undefined {
  return (ref) => {
    const app = /ecr-([a-z0-9-]+)_repository_[A-Za-z0-9]+repository_url$/.exec(ref)?.[1];
    if (app) return `111122223333.dkr.ecr.${region}.amazonaws.com/${app}-repo`;
    if (/^data\.gitlab_project\.[^.]+\.id$/.test(ref)) return "12345678";
    if (/^data\.aws_caller_identity\.[^.]+\.account_id$/.test(ref)) return "111122223333";
    const reader = /aws_iam_roleteam-([a-z0-9-]+)-image-reader_role_[A-Za-z0-9]+arn$/.exec(ref)?.[1];
    if (reader) return `arn:aws:iam::111122223333:role/example-team-${reader}-ro`;
    return undefined;
  };
}

/**
 * The files a GitOps stack commits, in the order Terraform commits them (each waits for the one
 * before it, the first for the bootstrap), with Terraform's interpolations evaluated by `resolve`;
 * any reference it does not know fails the replay.
 */
export function committedFiles(stack: SynthesizedJson, resolve: (ref: string) => string | undefined): Commit[] {
  const files = resourcesOf(stack, "gitlab_repository_file");
  const byAddress = new Map(files.map(([id, config]) => [`gitlab_repository_file.${id}`, config]));
  // The first file waits for the bootstrap (and whatever else must exist first); each next one for the file before it.
  const first = files.filter(([, config]) => !((config.depends_on as string[] | undefined) ?? []).some((d) => byAddress.has(d)));
  if (first.length !== 1) throw new Error(`expected one file at the head of the chain, found ${first.length}`);
  const chain: Commit[] = [];
  let current: [string, Json] | undefined = first[0];
  while (current) {
    const [id, config]: [string, Json] = current;
    chain.push(fileCommit(config.file_path as string, evaluateTerraformTemplate(config.content as string, resolve)));
    const previous: string = `gitlab_repository_file.${id}`;
    current = files.find(([, c]) => ((c.depends_on as string[] | undefined) ?? []).includes(previous));
  }
  if (chain.length !== files.length) throw new Error(`only ${chain.length} of ${files.length} files are chained`);
  return chain;
}

/** Who owns each committed file: Flux-owned files are created once and then never rewritten by Terraform. */
export function fluxOwnedPaths(stack: SynthesizedJson): Set<string> {
  return new Set(
    resourcesOf(stack, "gitlab_repository_file")
      .filter(([, c]) => c.lifecycle?.ignore_changes)
      .map(([, c]) => c.file_path as string),
  );
}

/**
 * What a deploy of a changed stack commits, replayed the way Terraform orders it: files created or
 * changed, in the new chain's order (a Flux-owned file that exists is left alone), then the files
 * no longer in the stack, deleted newest first (their dependents in the state are updated first).
 */
export function redeploy(before: readonly Commit[], after: readonly Commit[], fluxOwned: ReadonlySet<string>): Commit[] {
  const old = treeAfter(before);
  const wanted = new Set(after.map((c) => c.label));
  const writes = after.filter((c) => {
    const content = c.changes[0].content;
    if (!old.has(c.label)) return true;
    return !fluxOwned.has(c.label) && old.get(c.label) !== content;
  });
  const oldFiles = before.flatMap((c) => c.changes.map((ch) => ch.path)).filter((p) => !p.includes("/flux-system/"));
  const deletes = [...new Set(oldFiles)]
    .filter((p) => !wanted.has(p) && old.has(p))
    .reverse()
    .map((p) => fileCommit(p, undefined));
  return [...writes, ...deletes];
}

/**
 * What flux_bootstrap_git commits to clusters/<cluster>/flux-system: the kustomization
 * override, and stand-ins for the install manifests (one object, enough for kustomize) and for
 * the sync manifests as Flux's manifestgen writes them (GitRepository every 1m, Kustomization of
 * the cluster path every 10m, pruning). One step: the provider pushes these before Flux runs.
 */
export function bootstrapCommit(cluster: string, gitUrl: string, branch: string): Commit {
  const dir = repositoryPaths.fluxSystem(cluster);
  const sync = [
    {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: "flux-system", namespace: "flux-system" },
      spec: { interval: "1m0s", ref: { branch }, secretRef: { name: "flux-system" }, url: gitUrl },
    },
    {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "flux-system", namespace: "flux-system" },
      spec: { interval: "10m0s", path: fluxPath(repositoryPaths.cluster(cluster)), prune: true, sourceRef: { kind: "GitRepository", name: "flux-system" } },
    },
  ];
  return {
    label: `bootstrap of ${cluster}`,
    changes: [
      { path: `${dir}/kustomization.yaml`, content: fluxSystemKustomization("SHA256:exampleFingerprintOnlyForTests") },
      { path: `${dir}/gotk-components.yaml`, content: stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "flux-system" } }) },
      { path: `${dir}/gotk-sync.yaml`, content: sync.map((o) => stringify(o)).join("---\n") },
    ],
  };
}

/** The repository after `commits`, as path -> content. */
export function treeAfter(commits: readonly Commit[]): Map<string, string> {
  const tree = new Map<string, string>();
  for (const change of commits.flatMap((c) => c.changes)) {
    if (change.content === undefined) tree.delete(change.path);
    else tree.set(change.path, change.content);
  }
  return tree;
}

/**
 * Builds the repository as Flux would at one point in time: every cluster path that has a
 * flux-system folder (what flux-system applies), then the path of every Flux Kustomization that
 * build contains, and checks that each dependsOn names a Kustomization of that build (Flux would
 * wait for one that is not there forever). Returns one line per failure, empty when everything builds.
 */
export function fluxBuildFailures(kustomize: Kustomize, tree: ReadonlyMap<string, string>): string[] {
  const root = writeTree(tree);
  try {
    const clusterPaths = [...new Set([...tree.keys()].map((p) => /^(clusters\/[^/]+)\/flux-system\//.exec(p)?.[1]).filter((p): p is string => !!p))];
    const failures: string[] = [];
    for (const clusterPath of clusterPaths) {
      const result = buildLikeFlux(kustomize, root, clusterPath);
      if (!result.ok) {
        failures.push(`Kustomization flux-system (${clusterPath}): ${result.error}`);
        continue;
      }
      const kustomizations = result.objects.filter((o) => o.kind === "Kustomization" && /^kustomize\.toolkit\.fluxcd\.io\//.test(o.apiVersion));
      const names = new Set(kustomizations.map((k) => k.metadata.name as string));
      for (const ks of kustomizations) {
        for (const dependency of (ks.spec.dependsOn as { name: string }[] | undefined) ?? []) {
          if (!names.has(dependency.name)) failures.push(`Kustomization ${ks.metadata.name} (${clusterPath}): depends on ${dependency.name}, absent`);
        }
        if (ks.metadata.name === "flux-system") continue;
        const applied = buildLikeFlux(kustomize, root, ks.spec.path);
        if (!applied.ok) failures.push(`Kustomization ${ks.metadata.name} (${ks.spec.path}): ${applied.error}`);
      }
    }
    return failures;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
