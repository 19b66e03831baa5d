import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { commitOrder, RepositoryFiles, RepositoryFileSpec } from "../../../stacks/constructs/gitops/repository-files";
import { resourcesOf, synthConstruct } from "../../support";
import { address } from "../find";
import { BootstrapGit } from "../../../stacks/bindings/flux/bootstrap-git";

const FILES: RepositoryFileSpec[] = [
  { path: "image-automation.yaml", content: "kind: ImagePolicy\n", fluxOwned: false },
  { path: "app/image-tag/kustomization.yaml", content: "images: []\n", fluxOwned: true },
  { path: "kustomization.yaml", content: "resources: []\n", fluxOwned: false },
  { path: "app.yaml", content: "kind: Kustomization\n", fluxOwned: false },
  { path: "app/deployment.yaml", content: "kind: Deployment\n", fluxOwned: false },
];

describe("commitOrder", () => {
  test("GIVEN a mixed set WHEN ordered THEN the root kustomization is first, subfolders next, other root files last", () => {
    expect(commitOrder(FILES).map((f) => f.path)).toEqual([
      "kustomization.yaml",
      "app/deployment.yaml",
      "app/image-tag/kustomization.yaml",
      "app.yaml",
      "image-automation.yaml",
    ]);
  });

  test("GIVEN the input WHEN ordered THEN the input array is left untouched", () => {
    const input = [...FILES];
    commitOrder(input);
    expect(input).toEqual(FILES);
  });
});

describe("RepositoryFiles", () => {
  let json: ReturnType<typeof synthConstruct>;
  let bootstrapId: string;

  beforeAll(() => {
    json = synthConstruct((scope: Construct) => {
      const bootstrap = new BootstrapGit(scope as TerraformStack, "bootstrap", { path: "clusters/c1" });
      bootstrapId = bootstrap.friendlyUniqueId;
      new RepositoryFiles(scope, "files", {
        projectId: "42",
        branch: "main",
        basePath: "clusters/c1",
        files: FILES,
        label: "c1",
        dependsOn: [bootstrap],
      });
    });
  });

  const byPath = () =>
    new Map(resourcesOf(json, "gitlab_repository_file").map(([id, config]) => [config.file_path as string, { id, config }]));

  test("GIVEN five files WHEN synthesized THEN each becomes one text-encoded file under the base path", () => {
    const files = byPath();
    expect([...files.keys()].sort()).toEqual(FILES.map((f) => `clusters/c1/${f.path}`).sort());
    for (const spec of FILES) {
      expect(files.get(`clusters/c1/${spec.path}`)!.config).toMatchObject({
        project: "42",
        branch: "main",
        encoding: "text",
        content: spec.content,
        overwrite_on_create: true,
        create_commit_message: `gitops(c1): add clusters/c1/${spec.path}`,
      });
    }
  });

  test("GIVEN the commit order WHEN synthesized THEN each file waits for the previous one and the first for the bootstrap", () => {
    const files = byPath();
    const ordered = commitOrder(FILES).map((f) => files.get(`clusters/c1/${f.path}`)!);
    expect(ordered[0].config.depends_on).toEqual([address("flux_bootstrap_git", bootstrapId)]);
    for (let i = 1; i < ordered.length; i++) {
      expect(ordered[i].config.depends_on).toEqual([address("gitlab_repository_file", ordered[i - 1].id)]);
    }
  });

  test("GIVEN a Flux-owned file WHEN synthesized THEN only its content is ignored after creation", () => {
    const files = byPath();
    expect(files.get("clusters/c1/app/image-tag/kustomization.yaml")!.config.lifecycle).toEqual({ ignore_changes: ["content"] });
    const others = [...files.entries()].filter(([p]) => !p.endsWith("image-tag/kustomization.yaml"));
    for (const [, { config }] of others) expect(config.lifecycle).toBeUndefined();
  });
});
