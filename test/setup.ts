import * as fs from "fs";
import { Testing } from "cdktf";
// Type-only: declares cdktf's matchers (toHaveResourceWithProperties, ...) on jest's expect().
import type {} from "cdktf/lib/testing/adapters/jest";

// Adds cdktf's matchers to expect() at run time.
Testing.setupJest();

// Testing.app() makes a new temp output directory per call and never removes it; remove the ones
// it made for this test file, so a test run leaves nothing behind in the temp folder.
const madeOutdirs: string[] = [];
const testingApp = Testing.app.bind(Testing);
Testing.app = (options = {}) => {
  const app = testingApp(options);
  if (!options.outdir) madeOutdirs.push(app.outdir);
  return app;
};
afterAll(() => {
  for (const dir of madeOutdirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
