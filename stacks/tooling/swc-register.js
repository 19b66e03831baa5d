// Runs main.ts and stacks/ without a TypeScript compiler: each .ts file is transpiled by
// @swc/core as it is required (types stripped, nothing checked; `npm run typecheck` checks).
// It replaces ts-node for `cdktf synth`, which loaded the typescript package (~0.4 s, ~90 MB)
// on every synth even in transpile-only mode.
"use strict";
const fs = require("fs");
const { transformSync } = require("@swc/core");

const OPTIONS = {
  swcrc: false,
  // Inline maps cost little; NODE_OPTIONS=--enable-source-maps then shows .ts lines in errors.
  sourceMaps: "inline",
  jsc: { target: "es2022", parser: { syntax: "typescript" } },
  module: { type: "commonjs" },
};

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), { ...OPTIONS, filename });
  module._compile(code, filename);
};
