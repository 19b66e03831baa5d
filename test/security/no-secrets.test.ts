import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { findSecretLiterals, SECRET_SHAPES } from "../../stacks/policy/rules/secrets";
import { synthApp, testSettings } from "../support";

const ROOT = path.resolve(__dirname, "..", "..");

/** The policy rule's detector (stacks/policy/rules/secrets.ts), here over the whole synthesized stacks and the repository. */
const findSecrets = (node: unknown) => findSecretLiterals(node);

/** Files a clone of the repository would contain (tracked, plus new files not ignored). */
function repositoryFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" });
  return out.split("\0").filter((f) => f && f !== "package-lock.json" && fs.existsSync(path.join(ROOT, f)));
}

describe("findSecretLiterals (the detector itself)", () => {
  test("GIVEN planted literals WHEN scanned THEN each is reported", () => {
    const planted = {
      provider: { gitlab: [{ token: "not-a-reference" }] },
      flux: { git: { ssh: { private_key: ["-----BEGIN EC PRIVATE", "KEY-----"].join(" ") + "\nabc" } } },
      note: "glpat-" + "a".repeat(20),
      aws: "AKIA" + "ABCDEFGHIJKLMNOP",
    };
    expect(findSecrets(planted)).toEqual([
      "provider.gitlab[0].token holds a literal value",
      "flux.git.ssh.private_key holds a literal value",
      "flux.git.ssh.private_key looks like a PEM private key",
      "note looks like a GitLab token",
      "aws looks like a AWS access key id",
    ]);
  });

  test("GIVEN Terraform references WHEN scanned THEN they are accepted", () => {
    expect(findSecrets({ ssh: { private_key: "${tls_private_key.k.private_key_pem}" }, token: "${var.t}" })).toEqual([]);
  });
});

describe("no secrets", () => {
  test("GIVEN the default settings WHEN every stack is synthesized THEN no key, token or password literal is in the output", () => {
    const stacks = synthApp(testSettings());
    expect(Object.keys(stacks).sort()).toEqual(["gitops-repository", "test-cluster-eks", "test-cluster-gitops"]);
    for (const [name, json] of Object.entries(stacks)) expect({ name, problems: findSecrets(json) }).toEqual({ name, problems: [] });
  });

  test("GIVEN the GitLab provider WHEN synthesized THEN its token is left to GITLAB_TOKEN", () => {
    const gitops = synthApp(testSettings())["test-cluster-gitops"];
    expect(JSON.stringify(gitops.provider?.gitlab)).not.toMatch(/token/i);
  });

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
