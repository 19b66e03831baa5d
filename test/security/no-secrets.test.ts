import { findSecretLiterals } from "../../stacks/policy/rules/secrets";
import { synthApp, testSettings } from "../support";

/*
 * No secret in what the app writes: the policy rule's detector, and every synthesized stack scanned
 * with it. The scan of the repository's files (listed by git) is in no-secrets.replay.test.ts.
 */

/** The policy rule's detector (stacks/policy/rules/secrets.ts), here over the whole synthesized stacks. */
const findSecrets = (node: unknown) => findSecretLiterals(node);

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
});
