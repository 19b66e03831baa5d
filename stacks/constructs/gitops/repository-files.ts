import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { RepositoryFile } from "@cdktf/provider-gitlab/lib/repository-file";

/** One file to commit. */
export interface RepositoryFileSpec {
  /** Path relative to `basePath`, POSIX separators. */
  readonly path: string;
  /** File content (text); may contain Terraform references. */
  readonly content: string;
  /**
   * Flux rewrites this file (it holds an image-policy setter): Terraform creates it and then
   * never reverts it, or every deploy would roll back the tag Flux promoted.
   */
  readonly fluxOwned: boolean;
}

export interface RepositoryFilesProps {
  /** ID (or full path) of the GitLab project. */
  readonly projectId: string;
  /** Branch to commit to. */
  readonly branch: string;
  /** Folder in the repository the files go under, e.g. "clusters/flux-cluster". */
  readonly basePath: string;
  /** The files, in any order; they are committed in {@link commitOrder}. */
  readonly files: readonly RepositoryFileSpec[];
  /** Label for commit messages, e.g. the cluster name. */
  readonly label: string;
  /**
   * What must exist before the first commit (the Flux bootstrap: its own first push does not retry).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The order files are committed in:
 * 1. the root kustomization.yaml first: until every file it lists exists, its build fails and
 *    Flux applies nothing, so the set goes live at once when the last file lands;
 * 2. files in subfolders (the app) next;
 * 3. the other root files last, alphabetically, so the image automation (which starts
 *    pushing to the branch) comes after every Terraform commit.
 */
export function commitOrder<T extends { path: string }>(files: readonly T[]): T[] {
  const rank = (p: string) => (p === "kustomization.yaml" ? 0 : p.includes("/") ? 1 : 2);
  return [...files].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
}

/**
 * Rendered manifests committed to the GitOps repository, one gitlab_repository_file each.
 * GitLab's files API rejects a commit when the branch moved under it, so the files are
 * chained one after another instead of racing each other.
 */
export class RepositoryFiles extends Construct {
  readonly files: RepositoryFile[] = [];

  constructor(scope: Construct, id: string, props: RepositoryFilesProps) {
    super(scope, id);

    let previous: ITerraformDependable[] = props.dependsOn ?? [];
    for (const spec of commitOrder(props.files)) {
      const filePath = `${props.basePath}/${spec.path}`;
      const file = new RepositoryFile(this, spec.path.replace(/[^A-Za-z0-9]+/g, "-"), {
        project: props.projectId,
        branch: props.branch,
        filePath,
        content: spec.content,
        encoding: "text",
        // A file left behind by an earlier deploy (lost state, re-created cluster) is taken over.
        overwriteOnCreate: true,
        createCommitMessage: `gitops(${props.label}): add ${filePath}`,
        updateCommitMessage: `gitops(${props.label}): update ${filePath}`,
        deleteCommitMessage: `gitops(${props.label}): remove ${filePath}`,
        lifecycle: spec.fluxOwned ? { ignoreChanges: ["content"] } : undefined,
        dependsOn: previous,
      });
      this.files.push(file);
      previous = [file];
    }
  }
}
