import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import type { Json } from "../support";

/*
 * Builds a path of a repository tree the way Flux's kustomize-controller does (fluxcd/pkg
 * kustomize generator and SecureBuild), with a real kustomize:
 *
 * - when the path has no kustomization.yaml / kustomization.yml / Kustomization, one is
 *   generated listing every .yaml / .yml file below the path, recursively, except inside a
 *   sub-folder that has a kustomization file of its own: that folder is listed as one entry and
 *   not walked into. Every listed file must decode as Kubernetes YAML or the whole build fails;
 * - the build runs with load restrictions off (files may come from outside the path, inside the
 *   repository) and no plugins;
 * - the result is all-or-nothing: one bad file and nothing is applied.
 */

export interface Kustomize {
  /** How kustomize is run, e.g. "kubectl kustomize (kustomize v5.5.0)". */
  readonly description: string;
  readonly command: string;
  readonly args: readonly string[];
}

export type BuildResult = { ok: true; objects: Json[] } | { ok: false; error: string };

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const REPO_ROOT = path.resolve(__dirname, "..", "..");

function run(command: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, [...args], { encoding: "utf8", timeout: 60_000 });
  return { status: result.error ? null : result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? String(result.error ?? "") };
}

/**
 * A kustomize that builds Components (kustomize >= 3.7): `kustomize` on the PATH or in .cache/bin
 * (where .ci/run installs it), else `kubectl kustomize`. Each is tried on a small kustomization
 * with a Component (a version string alone says nothing: a `go install`ed kustomize reports
 * "(devel)"). Undefined when none works.
 */
export function findKustomize(): Kustomize | undefined {
  const candidates: Kustomize[] = [
    { description: "kustomize", command: "kustomize", args: ["build"] },
    { description: ".cache/bin/kustomize", command: path.join(REPO_ROOT, ".cache", "bin", "kustomize"), args: ["build"] },
    { description: "kubectl kustomize", command: "kubectl", args: ["kustomize"] },
  ];
  const probe = writeTree(
    new Map([
      ["kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\ncomponents: [c]\n"],
      ["cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n"],
      ["c/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n  - pairs: {probe: ok}\n"],
    ]),
  );
  try {
    for (const candidate of candidates) {
      const build = run(candidate.command, [...candidate.args, probe]);
      if (build.status !== 0 || !/probe: ok/.test(build.stdout)) continue;
      const version = candidate.command === "kubectl" ? run("kubectl", ["version", "--client"]).stdout : run(candidate.command, ["version"]).stdout;
      const found = /Kustomize Version: (\S+)|^(v?\d+\.\d+\.\d+\S*|\(devel\))/m.exec(version.trim());
      return { ...candidate, description: found ? `${candidate.description} ${found[1] ?? found[2]}` : candidate.description };
    }
    return undefined;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

/** Writes `files` (path from the repository root -> content) into a new temporary folder. */
export function writeTree(files: ReadonlyMap<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-tree-"));
  for (const [rel, content] of files) {
    const target = path.join(root, ...rel.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return root;
}

function hasKustomization(dir: string): boolean {
  return KUSTOMIZATION_FILES.some((name) => fs.existsSync(path.join(dir, name)) && fs.statSync(path.join(dir, name)).isFile());
}

/** The resources kustomize-controller would list, or the decoding error that fails the build. */
function generatedResources(dir: string): { resources: string[] } | { error: string } {
  const resources: string[] = [];
  const walk = (current: string): string | undefined => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(current, entry.name);
      const rel = `./${path.relative(dir, full).split(path.sep).join("/")}`;
      if (entry.isDirectory()) {
        if (hasKustomization(full)) resources.push(rel);
        else {
          const error = walk(full);
          if (error) return error;
        }
      } else if (/\.ya?ml$/.test(entry.name)) {
        for (const doc of parseAllDocuments(fs.readFileSync(full, "utf8"))) {
          const value = doc.toJS() as unknown;
          if (
            doc.errors.length > 0 ||
            (value !== null && (typeof value !== "object" || Array.isArray(value) || !("kind" in value) || !("apiVersion" in value)))
          ) {
            return `failed to decode Kubernetes YAML from ${rel}`;
          }
        }
        resources.push(rel);
      }
    }
    return undefined;
  };
  const error = walk(dir);
  return error ? { error } : { resources };
}

/**
 * Builds `dirRel` (a path from the repository root, with or without "./") of the tree in `root`
 * as kustomize-controller does. A generated kustomization.yaml goes into a copy, so the tree
 * itself is left as it was.
 */
export function buildLikeFlux(kustomize: Kustomize, root: string, dirRel: string): BuildResult {
  const rel = dirRel.replace(/^\.\//, "");
  if (!fs.existsSync(path.join(root, rel)) || !fs.statSync(path.join(root, rel)).isDirectory()) {
    return { ok: false, error: `kustomization path not found: ${rel}` };
  }
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-build-"));
  try {
    fs.cpSync(root, copy, { recursive: true });
    const dir = path.join(copy, rel);
    if (!hasKustomization(dir)) {
      const generated = generatedResources(dir);
      if ("error" in generated) return { ok: false, error: generated.error };
      const body = ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "resources:", ...generated.resources.map((r) => `- ${r}`), ""];
      fs.writeFileSync(path.join(dir, "kustomization.yaml"), generated.resources.length > 0 ? body.join("\n") : body.slice(0, 2).join("\n") + "\n");
    }
    const build = run(kustomize.command, [...kustomize.args, "--load-restrictor", "LoadRestrictionsNone", dir]);
    if (build.status !== 0) return { ok: false, error: build.stderr.trim() || `exit ${build.status}` };
    return {
      ok: true,
      objects: parseAllDocuments(build.stdout)
        .map((d) => d.toJS() as Json)
        .filter((o) => o),
    };
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}
