import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { synthApp, testSettings } from "../support";

const ROOT = path.resolve(__dirname, "..", "..");

/** Literal credentials by shape: PEM private keys, GitLab tokens, AWS access keys. */
const SECRET_SHAPES: [string, RegExp][] = [
  ["PEM private key", new RegExp("-----BEGIN [A-Z ]*PRIVATE " + "KEY-----")],
  ["GitLab token", /\bgl(pat|dt|rt|oas|cbt|ptt|ft|agent|soat)-[A-Za-z0-9_-]{20,}/],
  ["AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
];

/** Keys whose value would be a credential if it were a literal. */
const SENSITIVE_KEY = /(^|_)(token|password|passphrase|secret|private_key|client_key|access_key|credentials)$/i;
/** A Terraform expression and nothing else, e.g. "${tls_private_key.k.private_key_pem}". */
const PURE_REFERENCE = /^\$\{[^{}]+\}$/;

/** Every problem in a JSON tree: secret-shaped strings, and sensitive keys holding literals. */
export function findSecrets(node: unknown, where = "$"): string[] {
  if (typeof node === "string") {
    return SECRET_SHAPES.filter(([, shape]) => shape.test(node)).map(([what]) => `${where}: looks like a ${what}`);
  }
  if (Array.isArray(node)) return node.flatMap((item, i) => findSecrets(item, `${where}[${i}]`));
  if (node && typeof node === "object") {
    return Object.entries(node).flatMap(([key, value]) => {
      const literal = SENSITIVE_KEY.test(key) && typeof value === "string" && !PURE_REFERENCE.test(value);
      return [...(literal ? [`${where}.${key}: literal value for a sensitive key`] : []), ...findSecrets(value, `${where}.${key}`)];
    });
  }
  return [];
}

/** Files a clone of the repository would contain (tracked, plus new files not ignored). */
function repositoryFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" });
  return out.split("\0").filter((f) => f && f !== "package-lock.json" && fs.existsSync(path.join(ROOT, f)));
}

describe("findSecrets (the detector itself)", () => {
  test("GIVEN planted literals WHEN scanned THEN each is reported", () => {
    const planted = {
      provider: { gitlab: [{ token: "not-a-reference" }] },
      flux: { git: { ssh: { private_key: ["-----BEGIN EC PRIVATE", "KEY-----"].join(" ") + "\nabc" } } },
      note: "glpat-" + "a".repeat(20),
      aws: "AKIA" + "ABCDEFGHIJKLMNOP",
    };
    expect(findSecrets(planted)).toEqual([
      "$.provider.gitlab[0].token: literal value for a sensitive key",
      "$.flux.git.ssh.private_key: literal value for a sensitive key",
      "$.flux.git.ssh.private_key: looks like a PEM private key",
      "$.note: looks like a GitLab token",
      "$.aws: looks like a AWS access key id",
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
