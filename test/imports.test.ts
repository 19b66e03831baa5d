import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * Deep imports only: `@cdktf/provider-aws/lib/vpc`, never the package root. A root import
 * (or `/lib`, `/lib/index`) loads every one of the provider's ~1,500 resource modules at run
 * time and its whole declaration tree at type-check time, which multiplies synth time and memory.
 * Type-only root imports are flagged too: they cost the type checker the same.
 */

const REPO_ROOT = path.resolve(__dirname, "..");
/** What is scanned, relative to the repository root. */
const SCAN_ROOTS = ["main.ts", "stacks", "test"];
const SKIP_DIRS = new Set(["node_modules", "cdktf.out"]);
const EXTENSIONS = [".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs"];

/** `@cdktf/provider-<name>` with nothing after it, or only `/lib`, `/lib/index(.js)`. */
const PROVIDER_ROOT = /^@cdktf\/provider-[^/]+(?:\/lib(?:\/(?:index(?:\.js)?)?)?)?\/?$/;

interface RootImport {
  line: number;
  specifier: string;
}

function isProviderRootSpecifier(specifier: string): boolean {
  return PROVIDER_ROOT.test(specifier);
}

/**
 * Every import/export-from/require()/import()/`import x = require()` of a provider package root
 * in `source`. Uses TypeScript's import scanner, so comments and string contents never count.
 */
function findProviderRootImports(source: string): RootImport[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  const lineOf = (pos: number) => source.slice(0, pos).split("\n").length;
  return importedFiles.filter((f) => isProviderRootSpecifier(f.fileName)).map((f) => ({ line: lineOf(f.pos), specifier: f.fileName }));
}

function filesToScan(): string[] {
  const out: string[] = [];
  const visit = (abs: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      return; // e.g. a file deleted while scanning
    }
    if (stat.isDirectory()) {
      if (SKIP_DIRS.has(path.basename(abs))) return;
      for (const entry of fs.readdirSync(abs).sort()) visit(path.join(abs, entry));
    } else if (stat.isFile() && EXTENSIONS.some((ext) => abs.endsWith(ext))) {
      out.push(abs);
    }
  };
  // Walks the working tree, so tracked and untracked (even git-ignored) files both count.
  for (const root of SCAN_ROOTS) visit(path.join(REPO_ROOT, root));
  return out;
}

// Built from parts so that no scanner, this one or a plain grep, sees a root import in this file.
const SCOPE = "@" + "cdktf";
const rootOf = (provider: string) => `${SCOPE}/provider-${provider}`;

describe("provider imports", () => {
  test("the detector flags root imports and accepts deep ones", () => {
    const aws = rootOf("aws");
    const source = [
      `import { Vpc } from "${aws}/lib/vpc";`, // 1 deep: fine
      `import { vpc } from "${aws}";`, // 2 root
      `import type { provider } from "${rootOf("gitlab")}";`, // 3 type-only root
      `const k = require("${rootOf("kubernetes")}");`, // 4 require of a root
      `export * from "${rootOf("tls")}/lib";`, // 5 /lib is the root index
      `const lazy = () => import("${aws}/lib/index");`, // 6 /lib/index too
      `import {`, // 7
      `  Subnet,`, // 8
      `} from "${aws}/lib/subnet";`, // 9 multi-line deep: fine
      `// import { vpc } from "${aws}";`, // 10 a comment: not an import
      `const text = "import x from '${aws}'";`, // 11 a string: not an import
      `import { PrivateKey } from "${rootOf("tls")}/lib/private-key";`, // 12 deep: fine
      `import { DeployKey } from "${rootOf("gitlab")}/lib/deploy-key";`, // 13 deep: fine
      `import "${aws}";`, // 14 side-effect root import
    ].join("\n");
    expect(findProviderRootImports(source)).toEqual([
      { line: 2, specifier: aws },
      { line: 3, specifier: rootOf("gitlab") },
      { line: 4, specifier: rootOf("kubernetes") },
      { line: 5, specifier: `${rootOf("tls")}/lib` },
      { line: 6, specifier: `${aws}/lib/index` },
      { line: 14, specifier: aws },
    ]);
    expect(findProviderRootImports(`import { Vpc } from "${aws}/lib/vpc";\nimport { Construct } from "constructs";`)).toEqual([]);
    expect(isProviderRootSpecifier(`${aws}/lib/iam-role`)).toBe(false);
    expect(isProviderRootSpecifier("cdktf")).toBe(false);
  });

  test("main.ts, stacks/ and test/ import providers only by deep path", () => {
    const files = filesToScan();
    // Guards against a scan that silently finds nothing (e.g. a moved repository root).
    expect(files.map((f) => path.relative(REPO_ROOT, f))).toEqual(expect.arrayContaining(["main.ts", "stacks/cluster-stack.ts"]));
    const offenders = files.flatMap((file) =>
      findProviderRootImports(fs.readFileSync(file, "utf8")).map(
        (hit) =>
          `${path.relative(REPO_ROOT, file)}:${hit.line}: imports "${hit.specifier}"; import the class from "${hit.specifier.replace(/\/lib.*$/, "")}/lib/<resource>" instead`,
      ),
    );
    expect(offenders).toEqual([]);
  });
});
