import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { SECRET_SHAPES } from "../../stacks/policy/rules/secrets";

/*
 * No secret in the repository: every file a clone would contain (git lists them), scanned for the
 * shapes of the policy rule's detector (stacks/policy/rules/secrets.ts). The detector itself and the
 * scans of the synthesized stacks are in no-secrets.test.ts.
 */

const ROOT = path.resolve(__dirname, "..", "..");

/** Files a clone of the repository would contain (tracked, plus new files not ignored). */
function repositoryFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" });
  return out.split("\0").filter((f) => f && f !== "package-lock.json" && fs.existsSync(path.join(ROOT, f)));
}

describe("no secrets", () => {
  test("GIVEN the repository WHEN its files are scanned THEN none holds a key or token", () => {
    const files = repositoryFiles();
    expect(files).toEqual(expect.arrayContaining(["cdktf.json", "main.ts"]));
    const problems = files.flatMap((file) => {
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      return SECRET_SHAPES.filter(([, shape]) => shape.test(text)).map(([what]) => `${file}: ${what}`);
    });
    expect(problems).toEqual([]);
  });
});
