// ESLint for the whole tree (`npm run lint`): TypeScript with type information, the plain
// JavaScript tooling (stacks/tooling, test/) with the rules that need none, plus the promise rules.
// Formatting is Prettier's (package.json's `prettier`): no rule here is about layout. Run from the
// project root (`npm run lint` passes --config): file patterns below are relative to it.
import * as path from "node:path";
import eslint from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * `local/no-stacked-doc-comments`: a doc comment directly above another one documents nothing, since
 * TypeScript (and so an editor's hover) attaches only the last to the declaration below them: it is
 * one left behind when the code under it moved.
 */
const noStackedDocComments = {
  meta: {
    type: "problem",
    docs: { description: "disallow a doc comment directly followed by another doc comment" },
    messages: {
      stacked:
        "This doc comment documents nothing: the doc comment right below it is the one its declaration gets. Move it onto what it describes, or merge the two.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    const isDoc = (c) => c.type === "Block" && c.value.startsWith("*");
    return {
      Program() {
        const comments = sourceCode.getAllComments();
        comments.slice(0, -1).forEach((c, i) => {
          const next = comments[i + 1];
          const between = sourceCode.text.slice(c.range[1], next.range[0]);
          if (isDoc(c) && isDoc(next) && /^[ \t]*\r?\n[ \t]*$/.test(between)) context.report({ loc: c.loc, messageId: "stacked" });
        });
      },
    };
  },
};

/** The JavaScript files: no tsconfig includes them, so they are typed by the default project. */
const JS_FILES = ["**/*.js", "**/*.mjs", "**/*.cjs"];

export default defineConfig(
  // Generated or installed trees, and what the tools write (.gitignore).
  globalIgnores(["node_modules/", "cdktf.out/", ".cache/", "reports/", ".gen/", "coverage/", ".bench/", ".terraform/", ".gitlab-ci-local/", ".stryker-tmp/"]),
  {
    // A disable comment that no longer disables anything is an error, so none outlives its reason.
    linterOptions: { reportUnusedDisableDirectives: "error", reportUnusedInlineConfigs: "error" },
  },
  eslint.configs.recommended,
  {
    plugins: { local: { rules: { "no-stacked-doc-comments": noStackedDocComments } } },
    rules: { "local/no-stacked-doc-comments": "error" },
  },
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // tsconfig.json covers main.ts, stacks/**/*.ts and test/**/*.ts; the few .js/.mjs files
          // get an inferred project so that the promise rules can see what returns a Promise.
          allowDefaultProject: ["*.mjs", ".ci/lint/*.mjs", "stacks/tooling/*.js", "test/*.js", "test/*.mjs", "test/*/*.mjs"],
          // They are 10 today (typescript-eslint's default cap is 8); past 16, give them a tsconfig.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
        },
        tsconfigRootDir: path.resolve(import.meta.dirname, "..", ".."),
      },
    },
    rules: {
      // Unused values, imports and parameters; `_`-prefixed names are meant to be unused (as in
      // tsconfig's noUnusedParameters), and so are the siblings of a `...rest` that drops a key.
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      // (In recommended-type-checked too; named here as the gate's point.) A promise nobody awaits
      // loses its rejection; `void` marks one meant to run on its own.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // `import type` for what is only a type: isolatedModules (swc, jest) then drops it safely.
      // `typeof import("...")` stays allowed: it types a lazy require() (see test/support.ts).
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "@typescript-eslint/no-import-type-side-effects": "error",
      // One import statement per module (a type-only `import type` beside it is fine).
      "no-duplicate-imports": ["error", { allowSeparateTypeImports: true }],
      // `any` only with a comment saying why, in the line that disables this for the next one.
      "@typescript-eslint/no-explicit-any": "error",
      // The code compares with === throughout; `== null` (null or undefined) is the one idiom kept.
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    // The tests read what cdktf synthesizes (JSON.parse: `any`) and write settings as plain JSON,
    // wrong on purpose, to see them refused: the no-unsafe-* rules would flag every property read
    // of those. `any` written out still needs a line saying why (no-explicit-any stays on).
    files: ["test/**"],
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: JS_FILES,
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      // Untyped JavaScript is all `any` to the type-aware rules (no-unsafe-* and the like): off,
      // keeping the type information for the promise rules below.
      ...tseslint.configs.disableTypeChecked.rules,
      // Type-aware, kept on for JavaScript too: an un-awaited promise in a script is as wrong there.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      // CommonJS tooling: require() is how these files load the TypeScript sources.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    files: ["stacks/tooling/*.js", "test/*.js"],
    languageOptions: { sourceType: "commonjs" },
  },
);
