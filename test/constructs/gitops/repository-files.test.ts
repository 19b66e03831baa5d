import type { Construct } from "constructs";
import { RepositoryFiles, type RepositoryFileSpec } from "../../../stacks/constructs/gitops/repository-files";
import { BootstrapGit } from "../../../stacks/bindings/flux/bootstrap-git";
import { resourcesOf, synthConstruct } from "../../support";
import { address } from "../find";

const FILES: RepositoryFileSpec[] = [
  { path: "apps/c1/web/namespace.yaml", content: "kind: Namespace\n", owner: "terraform" },
  { path: "apps/c1/web/image/kustomization.yaml", content: "images: []\n", owner: "flux" },
  { path: "apps/c1/web/kustomization.yaml", content: "resources: []\n", owner: "terraform" },
  { path: "clusters/c1/apps.yaml", content: "kind: Kustomization\n", owner: "terraform" },
];

describe("RepositoryFiles", () => {
  let json: ReturnType<typeof synthConstruct>;
  let bootstrapId: string;

  beforeAll(() => {
    json = synthConstruct((scope: Construct) => {
      const bootstrap = new BootstrapGit(scope, "bootstrap", { path: "clusters/c1" });
      bootstrapId = bootstrap.friendlyUniqueId;
      new RepositoryFiles(scope, "files", { projectId: "42", branch: "main", files: FILES, label: "c1", dependsOn: [bootstrap] });
    });
  });

  const byPath = () => new Map(resourcesOf(json, "gitlab_repository_file").map(([id, config]) => [config.file_path as string, { id, config }]));

  test("GIVEN four files WHEN synthesized THEN each becomes one text-encoded file at its path, with its own commit messages", () => {
    const files = byPath();
    expect([...files.keys()].sort()).toEqual(FILES.map((f) => f.path).sort());
    for (const spec of FILES) {
      expect(files.get(spec.path)!.config).toMatchObject({
        project: "42",
        branch: "main",
        encoding: "text",
        content: spec.content,
        overwrite_on_create: true,
        create_commit_message: `gitops(c1): add ${spec.path}`,
        update_commit_message: `gitops(c1): update ${spec.path}`,
        delete_commit_message: `gitops(c1): remove ${spec.path}`,
      });
    }
  });

  test("GIVEN the order WHEN synthesized THEN each file waits for the one before it and the first for the bootstrap (destroy runs in reverse)", () => {
    const files = byPath();
    const ordered = FILES.map((f) => files.get(f.path)!);
    expect(ordered[0].config.depends_on).toEqual([address("flux_bootstrap_git", bootstrapId)]);
    for (let i = 1; i < ordered.length; i++) {
      expect(ordered[i].config.depends_on).toEqual([address("gitlab_repository_file", ordered[i - 1].id)]);
    }
  });

  test("GIVEN a Flux-owned file WHEN synthesized THEN only its content is ignored after creation", () => {
    const files = byPath();
    expect(files.get("apps/c1/web/image/kustomization.yaml")!.config.lifecycle).toEqual({ ignore_changes: ["content"] });
    for (const spec of FILES.filter((f) => f.owner === "terraform")) expect(files.get(spec.path)!.config.lifecycle).toBeUndefined();
  });
});
