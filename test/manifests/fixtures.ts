import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { fileWithRole } from "../../stacks/layout";
import { type PlacedFile, renderClusterFiles } from "../../stacks/manifests/cluster-files";
import { gitlabProjectAddress } from "../../stacks/manifests/values";
import { parseSettings } from "../../stacks/settings/load";
import type { ClusterSettings, Settings, SettingsInput } from "../../stacks/settings/schema";
import type { Json } from "../support";

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

/** An example ECR URL per app of a cluster: <account>.dkr.ecr.<region>.amazonaws.com/<repository>. */
export function exampleEcrUrls(cluster: ClusterSettings): Record<string, string> {
  return Object.fromEntries(cluster.apps.map((app) => [app.name, `111122223333.dkr.ecr.${cluster.region}.amazonaws.com/${app.ecr.repositoryName}`]));
}

/** An example numeric GitLab project id (the GitOps stack reads the real one from GitLab at plan time). */
export const EXAMPLE_GITLAB_PROJECT_ID = "12345678";

/** Every file Terraform commits for the first cluster, as it will read in Git (concrete ECR URLs and project id). */
export function renderedFiles(settings: Settings = exampleSettings(), ecrRepositoryUrls?: Record<string, string>): PlacedFile[] {
  const cluster = settings.clusters[0];
  return renderClusterFiles(cluster, settings.gitlab, ecrRepositoryUrls ?? exampleEcrUrls(cluster), {
    escape: "none",
    gitlabProjectAddress: gitlabProjectAddress(settings.gitlab, EXAMPLE_GITLAB_PROJECT_ID),
  });
}

// A parsed manifest: arbitrary YAML; the tests index into it freely.
export type Doc = Json;

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

/** The policy and its binding as committed for the first cluster of `settings`. */
export function imageRepositoryIdentityPolicy(settings = exampleSettings()): { policy: Json; binding: Json; path: string } {
  const file = fileWithRole(renderedFiles(settings), "infrastructure.image-repository-identity");
  const docs = documentsOf([file]).map((d) => d.doc);
  const policy = docs.find((d) => d.kind === "ValidatingAdmissionPolicy")!;
  const binding = docs.find((d) => d.kind === "ValidatingAdmissionPolicyBinding")!;
  return { policy, binding, path: file.path };
}
