import { stringify } from "yaml";
import { fluxSystemKustomization } from "../../stacks/constructs/gitops/flux-bootstrap";
import { fluxPath, repositoryPaths } from "../../stacks/layout";
import { resourcesOf, SynthesizedJson } from "../support";
import { evaluateTerraformTemplate } from "../terraform-template";
import { buildLikeFlux, Kustomize, writeTree } from "./kustomize-controller";
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

/**
 * The files a GitOps stack commits, in the order Terraform commits them (each waits for the one
 * before it, the first for the bootstrap), with Terraform's interpolations evaluated: references
 * to the ECR repository URL become `ecrRepositoryUrl`; any other reference fails the replay.
 */
export function committedFiles(stack: SynthesizedJson, ecrRepositoryUrl: string): Commit[] {
  const files = resourcesOf(stack, "gitlab_repository_file");
  const [bootstrapId] = Object.keys(stack.resource?.flux_bootstrap_git ?? {});
  const chain: Commit[] = [];
  let previous = `flux_bootstrap_git.${bootstrapId}`;
  for (;;) {
    const next = files.find(([, config]) => ((config.depends_on as string[] | undefined) ?? []).includes(previous));
    if (!next) break;
    const [id, config] = next;
    const content = evaluateTerraformTemplate(config.content as string, (ref) => (/repository_url$/.test(ref) ? ecrRepositoryUrl : undefined));
    chain.push(fileCommit(config.file_path as string, content));
    previous = `gitlab_repository_file.${id}`;
  }
  if (chain.length !== files.length) throw new Error(`only ${chain.length} of ${files.length} files are chained after the bootstrap`);
  return chain;
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
 * build contains. Returns one line per failed build, empty when everything builds.
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
      for (const ks of result.objects.filter((o) => o.kind === "Kustomization" && /^kustomize\.toolkit\.fluxcd\.io\//.test(o.apiVersion))) {
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
