import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { ClusterStack } from "./stacks/cluster-stack";
import { GitOpsStack } from "./stacks/gitops-stack";
import { parseSettings, readRawSettings, SettingsError } from "./stacks/settings/load";
import type { Settings } from "./stacks/settings/schema";

/**
 * Builds every stack the settings declare. Per cluster: `<name>-eks` (AWS) and `<name>-gitops`
 * (GitLab + Flux), the second reading the first through cross-stack references.
 */
export function buildApp(app: App, settings: Settings): App {
  for (const cluster of settings.clusters) {
    const clusterStack = new ClusterStack(app, `${cluster.name}-eks`, { cluster });
    new GitOpsStack(app, `${cluster.name}-gitops`, { cluster, gitlab: settings.gitlab, clusterStack });
  }
  return app;
}

function main(): void {
  const app = new App();
  let settings: Settings;
  try {
    settings = parseSettings(readRawSettings(app.node.getAllContext()));
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    // cdktf cleans its output only after a successful synth: remove the stacks of an earlier run,
    // so nothing stale can be deployed with --skip-synth or plain terraform.
    fs.rmSync(path.join(app.outdir, "stacks"), { recursive: true, force: true });
    fs.rmSync(path.join(app.outdir, "manifest.json"), { force: true });
    // One line per bad value, no stack trace.
    console.error(err.message);
    process.exit(1);
  }
  buildApp(app, settings).synth();
}

if (require.main === module) main();
