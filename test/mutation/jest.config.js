// Jest for the mutation run: the project's config, limited to the tests that pin the logic modules
// and run in a second or two (no terraform, moto, kustomize, checkov, gitlab-ci-local or app spawns).
const path = require("path");
const base = require("../../package.json").jest;

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, "..", ".."),
  reporters: ["default"],
  testMatch: [
    "<rootDir>/test/settings/settings.test.ts",
    "<rootDir>/test/settings/every-setting.test.ts",
    "<rootDir>/test/settings/semver-range.test.ts",
    "<rootDir>/test/settings/team-aws-settings.test.ts",
    "<rootDir>/test/settings/cidr.test.ts",
    "<rootDir>/test/naming/*.test.ts",
    "<rootDir>/test/readme.test.ts",
    "<rootDir>/test/manifests/render.test.ts",
    "<rootDir>/test/manifests/templates.test.ts",
    "<rootDir>/test/manifests/schemas.test.ts",
    "<rootDir>/test/bindings/*.test.ts",
    "<rootDir>/test/constructs/**/*.test.ts",
    "<rootDir>/test/stacks/fleet.test.ts",
    "<rootDir>/test/stacks/stable-addresses.test.ts",
  ],
};
