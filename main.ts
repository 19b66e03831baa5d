import { App } from "cdktf";
import { ClusterStack } from "./stacks/cluster-stack";
import { parseSettings, readRawSettings, SettingsError } from "./stacks/settings/load";
import type { Settings } from "./stacks/settings/schema";

/** Builds every stack the settings declare: per cluster, its AWS stack. */
export function buildApp(app: App, settings: Settings): App {
  for (const cluster of settings.clusters) {
    new ClusterStack(app, `${cluster.name}-eks`, { cluster });
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
    // One line per bad value, no stack trace, and no synth: cdktf.out gets no stacks.
    console.error(err.message);
    process.exit(1);
  }
  buildApp(app, settings).synth();
}

if (require.main === module) main();
