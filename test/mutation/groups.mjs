// The logic modules under mutation, each with the tests that pin it. A group runs on its own so that
// a mutant that executes when its module loads (a schema definition, a module-level regex: Stryker
// calls them static and must run every test of the run for each) costs this group's few seconds of
// tests, not the whole fast suite. Tests that spawn Terraform, moto, kustomize, checkov or the app
// are left out: each would cost tens of seconds per mutant.
const SETTINGS_TESTS = ["test/settings/*.test.ts"];
/** The settings tests that run the app as a process (seconds each). */
const APP_PROCESS_TESTS = ["/test/settings/synth-cli\\.replay\\.test\\.ts$"];

export const GROUPS = {
  settings: {
    mutate: ["stacks/settings/**/*.ts"],
    tests: [...SETTINGS_TESTS, "test/readme.test.ts"],
    ignore: APP_PROCESS_TESTS,
  },
  naming: {
    mutate: ["stacks/naming.ts"],
    tests: ["test/naming/*.test.ts", ...SETTINGS_TESTS, "test/constructs/**/*.test.ts", "test/stacks/fleet.test.ts"],
    ignore: APP_PROCESS_TESTS,
  },
  manifests: {
    mutate: ["stacks/manifests/**/*.ts"],
    tests: [
      "test/manifests/*.test.ts",
      "test/gitops/image-automation.replay.test.ts",
      "test/stacks/gitops-stack.test.ts",
      "test/stacks/teams.test.ts",
      "test/stacks/notifications.test.ts",
    ],
  },
  bindings: {
    mutate: ["stacks/bindings/**/*.ts"],
    tests: ["test/bindings/*.test.ts", "test/constructs/gitops/*.test.ts", "test/stacks/gitops-stack.test.ts"],
  },
};
