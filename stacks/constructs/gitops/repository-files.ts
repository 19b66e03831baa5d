import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { RepositoryFile } from "@cdktf/provider-gitlab/lib/repository-file";
import type { FileOwner } from "../../layout";

/** One file to commit. */
export interface RepositoryFileSpec {
  /** Path from the repository root, POSIX separators. */
  readonly path: string;
  /** File content (text); may contain Terraform references. */
  readonly content: string;
  /**
   * "flux": Flux rewrites this file (image automation). Terraform creates it and then never
   * reverts it, or every deploy would roll back the image Flux promoted.
   */
  readonly owner: FileOwner;
}

export interface RepositoryFilesProps {
  /** ID (or full path) of the GitLab project. */
  readonly projectId: string;
  /** Branch to commit to. */
  readonly branch: string;
  /** The files in commit order; a destroy removes them in reverse (see stacks/layout.ts). */
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
 * Rendered manifests committed to the GitOps repository, one gitlab_repository_file each, one
 * commit each. They are chained in the given order: GitLab's files API rejects a commit when the
 * branch moved under it, and the order is what keeps every intermediate commit buildable by Flux.
 */
export class RepositoryFiles extends Construct {
  readonly files: RepositoryFile[] = [];

  constructor(scope: Construct, id: string, props: RepositoryFilesProps) {
    super(scope, id);

    let previous: ITerraformDependable[] = props.dependsOn ?? [];
    for (const spec of props.files) {
      const file = new RepositoryFile(this, spec.path.replace(/[^A-Za-z0-9]+/g, "-"), {
        project: props.projectId,
        branch: props.branch,
        filePath: spec.path,
        content: spec.content,
        encoding: "text",
        // A file left behind by an earlier deploy (lost state, re-created cluster) is taken over.
        overwriteOnCreate: true,
        createCommitMessage: `gitops(${props.label}): add ${spec.path}`,
        updateCommitMessage: `gitops(${props.label}): update ${spec.path}`,
        deleteCommitMessage: `gitops(${props.label}): remove ${spec.path}`,
        lifecycle: spec.owner === "flux" ? { ignoreChanges: ["content"] } : undefined,
        dependsOn: previous,
      });
      this.files.push(file);
      previous = [file];
    }
  }
}
