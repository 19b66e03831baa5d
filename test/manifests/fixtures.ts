import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import type { RepositoryFileSpec } from "../../stacks/constructs/gitops/repository-files";
import { renderClusterFiles } from "../../stacks/manifests/cluster-files";
import { parseSettings } from "../../stacks/settings/load";
import type { Settings, SettingsInput } from "../../stacks/settings/schema";

/** Example values only: a fake account id, no secrets. */
export const EXAMPLE_ECR_URL = "111122223333.dkr.ecr.us-west-2.amazonaws.com/nginx-repo";

/** The settings committed in cdktf.json, read fresh from disk as the CLI reads them. */
export function committedSettingsInput(): SettingsInput {
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "cdktf.json"), "utf8")) as {
    context: { settings: SettingsInput };
  };
  return cdktfJson.context.settings;
}

/** The committed settings, validated, with the first cluster's fields overridden. */
export function exampleSettings(cluster: Partial<SettingsInput["clusters"][number]> = {}): Settings {
  const input = structuredClone(committedSettingsInput());
  input.clusters[0] = { ...input.clusters[0], ...cluster };
  return parseSettings(input);
}

/** Every file Terraform commits for the first cluster, as it will read in Git (concrete ECR URL). */
export function renderedFiles(settings: Settings = exampleSettings(), ecrRepositoryUrl = EXAMPLE_ECR_URL): RepositoryFileSpec[] {
  return renderClusterFiles(settings.clusters[0], settings.gitlab, ecrRepositoryUrl, { escape: "none" });
}

// `any`: parsed manifests are arbitrary YAML; the tests index into them freely.
export type Doc = Record<string, any>;

/** Every YAML document of the given files, with the path of its file. */
export function documentsOf(files: readonly { path: string; content: string }[]): { path: string; doc: Doc }[] {
  return files.flatMap((f) => parseAllDocuments(f.content).map((d) => ({ path: f.path, doc: d.toJS() as Doc })));
}

/** The one document of `kind` (whose apiVersion starts with `apiGroup`); fails when there are zero or several. */
export function onlyDocument(files: readonly { path: string; content: string }[], kind: string, apiGroup: string): Doc {
  const found = documentsOf(files).filter(({ doc }) => doc?.kind === kind && String(doc.apiVersion).startsWith(apiGroup));
  if (found.length !== 1) throw new Error(`expected one ${apiGroup} ${kind}, found ${found.length}`);
  return found[0].doc;
}
