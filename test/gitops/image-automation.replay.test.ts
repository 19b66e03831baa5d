import * as fs from "fs";
import { pathOf } from "../../stacks/layout";
import { repositoryPaths } from "../../stacks/repository-paths";
import { IMAGE_POLICY_MARKER } from "../../stacks/manifests/render";
import { exampleSettings, onlyDocument, renderedFiles } from "../manifests/fixtures";
import { buildLikeFlux, findKustomize, writeTree } from "./kustomize-controller";

/*
 * Replays what image-automation-controller does to the repository (the Setters strategy): below
 * `update.path`, in every YAML file, a field carrying a `{"$imagepolicy": "<ns>:<policy>[:tag|:name]"}`
 * comment gets the policy's latest image, its name or its tag. Then the app is built as
 * kustomize-controller would build it, to see which image the pods would run.
 */

const kustomize = findKustomize();
const SETTINGS = exampleSettings();
const CLUSTER = SETTINGS.clusters[0];
const APP = CLUSTER.apps[0];
const APP_DIR = repositoryPaths.app(CLUSTER.name, APP.name);
const OLD_URL = "111122223333.dkr.ecr.us-west-2.amazonaws.com/nginx-repo";
const NEW_URL = "111122223333.dkr.ecr.us-west-2.amazonaws.com/renamed-repo";

/** The setter marker on a `key: value` line, as image-automation-controller reads it. */
const MARKED_FIELD = /^(\s*(?:- )?[\w.-]+:\s*)("[^"]*"|\S+)(\s*#\s*\{"\$imagepolicy":\s*"([^"]+)"\}\s*)$/gm;

/**
 * Image automation's Setters strategy, replayed: each marked field below `updatePath` becomes
 * the latest image of the policy it names (`:name` the repository, `:tag` the tag, none the
 * whole reference). Only files with a marker change.
 */
function applySetters(tree: Map<string, string>, updatePath: string, latest: Record<string, { name: string; tag: string }>): string[] {
  const changed: string[] = [];
  for (const [path, content] of tree) {
    if (!path.startsWith(`${updatePath}/`) || !/\.ya?ml$/.test(path) || !IMAGE_POLICY_MARKER.test(content)) continue;
    const updated = content.replace(MARKED_FIELD, (_all, key: string, _value: string, marker: string, ref: string) => {
      const [namespace, policy, field] = ref.split(":");
      const image = latest[`${namespace}:${policy}`];
      if (!image) throw new Error(`${path}: marker names an unknown policy ${ref}`);
      const value = field === "tag" ? image.tag : field === "name" ? image.name : `${image.name}:${image.tag}`;
      return `${key}${value}${marker}`;
    });
    if (updated !== content) {
      tree.set(path, updated);
      changed.push(path);
    }
  }
  return changed;
}

/** The image the app's Deployment runs once kustomize-controller has built the app folder. */
function deployedImage(tree: Map<string, string>): string {
  const root = writeTree(tree);
  try {
    const built = buildLikeFlux(kustomize!, root, APP_DIR);
    if (!built.ok) throw new Error(built.error);
    const deployment = built.objects.find((o) => o.kind === "Deployment");
    return deployment!.spec.template.spec.containers[0].image;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const treeOf = (files: readonly { path: string; content: string }[]) => new Map(files.map((f) => [f.path, f.content]));

if (!kustomize) {
  const reason = "no kustomize with Components support on PATH or in .cache/bin; .ci/run installs one";
  console.warn(`image automation replay SKIPPED: ${reason}`);
  test.skip(`image automation keeps the image name and tag — skipped: ${reason}`, () => undefined);
} else {
  describe(`image automation, replayed (built with ${kustomize.description})`, () => {
    const updatePath = (): string =>
      onlyDocument(renderedFiles(SETTINGS, { [APP.name]: OLD_URL }), "ImageUpdateAutomation", "image.toolkit.fluxcd.io/").spec.update.path.replace(/^\.\//, "");

    test("GIVEN the first deploy WHEN the app is built THEN it runs the initial tag of the app's ECR repository", () => {
      expect(deployedImage(treeOf(renderedFiles(SETTINGS, { [APP.name]: OLD_URL })))).toBe(`${OLD_URL}:${APP.initialTag}`);
    });

    test("GIVEN a new tag in range WHEN Flux writes it THEN only the Flux-owned file changes and the app runs the new tag", () => {
      const files = renderedFiles(SETTINGS, { [APP.name]: OLD_URL });
      const tree = treeOf(files);
      const changed = applySetters(tree, updatePath(), { [`flux-system:${APP.name}`]: { name: OLD_URL, tag: "0.0.2" } });
      expect(changed).toEqual(files.filter((f) => f.owner === "flux").map((f) => f.path));
      expect(deployedImage(tree)).toBe(`${OLD_URL}:0.0.2`);
    });

    test("GIVEN the ECR repository is renamed WHEN Terraform redeploys (the Flux-owned file is not reverted) THEN the app keeps a valid image of the old repository", () => {
      // Terraform rewrites every file it owns; the Flux-owned one keeps what Flux last wrote (ignore_changes).
      const deployed = treeOf(renderedFiles(SETTINGS, { [APP.name]: OLD_URL }));
      applySetters(deployed, updatePath(), { [`flux-system:${APP.name}`]: { name: OLD_URL, tag: "0.0.2" } });
      const redeployed = new Map(deployed);
      for (const f of renderedFiles(SETTINGS, { [APP.name]: NEW_URL })) if (f.owner === "terraform") redeployed.set(f.path, f.content);
      expect(deployedImage(redeployed)).toBe(`${OLD_URL}:0.0.2`);
    });

    test("GIVEN the renamed repository WHEN Flux's policy picks its newest tag THEN Flux rewrites name and tag, and the app moves to the new repository", () => {
      const redeployed = treeOf(renderedFiles(SETTINGS, { [APP.name]: OLD_URL }));
      for (const f of renderedFiles(SETTINGS, { [APP.name]: NEW_URL })) if (f.owner === "terraform") redeployed.set(f.path, f.content);
      // The ImageRepository (Terraform-owned) now scans the new repository.
      expect(onlyDocument(renderedFiles(SETTINGS, { [APP.name]: NEW_URL }), "ImageRepository", "image.toolkit.fluxcd.io/").spec.image).toBe(NEW_URL);
      applySetters(redeployed, updatePath(), { [`flux-system:${APP.name}`]: { name: NEW_URL, tag: "1.0.0" } });
      expect(deployedImage(redeployed)).toBe(`${NEW_URL}:1.0.0`);
    });

    test("GIVEN a tag-only setter (the earlier design) WHEN the repository is renamed THEN Flux could not follow it: the replay shows why both setters are needed", () => {
      const tree = treeOf(renderedFiles(SETTINGS, { [APP.name]: OLD_URL }));
      const component = pathOf("app.image-kustomization", { cluster: CLUSTER.name, app: APP.name });
      // Drop the :name marker, as a component with a tag setter only would be.
      tree.set(component, tree.get(component)!.replace(/ # \{"\$imagepolicy": "[^"]+:name"\}/, ""));
      applySetters(tree, updatePath(), { [`flux-system:${APP.name}`]: { name: NEW_URL, tag: "1.0.0" } });
      expect(deployedImage(tree)).toBe(`${OLD_URL}:1.0.0`);
    });
  });
}
