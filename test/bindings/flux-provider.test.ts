import { Testing, TerraformStack } from "cdktf";
// Types of the cdktf jest matchers (registered at runtime by test/setup.ts); type-only, erased at runtime.
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { FluxProvider, type FluxProviderConfig } from "../../stacks/bindings/flux/provider";
import { BootstrapGit } from "../../stacks/bindings/flux/bootstrap-git";
import type { Json } from "../support";

const EKS_EXEC = {
  apiVersion: "client.authentication.k8s.io/v1beta1",
  command: "aws",
  args: ["eks", "get-token", "--cluster-name", "dev"],
};

function synthProvider(config: FluxProviderConfig): { raw: string; json: Json; flux: Json } {
  const stack = new TerraformStack(Testing.app(), "test");
  new FluxProvider(stack, "flux", config);
  const raw = Testing.synth(stack);
  const json = JSON.parse(raw) as Json;
  return { raw, json, flux: json.provider.flux[0] };
}

describe("FluxProvider", () => {
  test("GIVEN kubernetes with exec and git with ssh WHEN synthesized THEN both are JSON objects, not block arrays", () => {
    const { flux } = synthProvider({
      kubernetes: { host: "https://k8s.example.com", clusterCaCertificate: "CA", exec: EKS_EXEC },
      git: { url: "ssh://git@gitlab.com/group/repo.git", branch: "main", ssh: { username: "git", privateKey: "KEY" } },
    });

    expect(Array.isArray(flux.kubernetes)).toBe(false);
    expect(Array.isArray(flux.git)).toBe(false);
    expect(Array.isArray(flux.kubernetes.exec)).toBe(false);
    expect(Array.isArray(flux.git.ssh)).toBe(false);
    expect(flux.kubernetes).toEqual({
      host: "https://k8s.example.com",
      cluster_ca_certificate: "CA",
      exec: {
        api_version: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", "dev"],
      },
    });
    expect(flux.git.ssh.username).toBe("git");
    expect(flux.git.ssh.private_key).toBe("KEY");
  });

  test("GIVEN any flux provider WHEN synthesized THEN required_providers pins the exact fluxcd/flux release", () => {
    const { json } = synthProvider({});

    expect(json.terraform.required_providers.flux).toEqual({ source: "fluxcd/flux", version: "1.9.5" });
  });

  test("GIVEN every kubernetes field WHEN synthesized THEN each is emitted under its snake_case name", () => {
    const { flux } = synthProvider({
      kubernetes: {
        host: "h",
        clusterCaCertificate: "ca",
        token: "${var.kube_token}",
        clientCertificate: "cc",
        clientKey: "${var.kube_client_key}",
        username: "u",
        password: "${var.kube_password}",
        insecure: true,
        configPath: "~/.kube/config",
        configPaths: ["/a", "/b"],
        configContext: "ctx",
        configContextAuthInfo: "user",
        configContextCluster: "cluster",
        proxyUrl: "http://proxy:3128",
        exec: { ...EKS_EXEC, env: { AWS_REGION: "us-west-2" } },
      },
    });

    expect(flux.kubernetes).toEqual({
      host: "h",
      cluster_ca_certificate: "ca",
      token: "${var.kube_token}",
      client_certificate: "cc",
      client_key: "${var.kube_client_key}",
      username: "u",
      password: "${var.kube_password}",
      insecure: true,
      config_path: "~/.kube/config",
      config_paths: ["/a", "/b"],
      config_context: "ctx",
      config_context_auth_info: "user",
      config_context_cluster: "cluster",
      proxy_url: "http://proxy:3128",
      exec: {
        api_version: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", "dev"],
        env: { AWS_REGION: "us-west-2" },
      },
    });
  });

  test("GIVEN exec env with upper-case and camelCase names WHEN synthesized THEN the names are kept verbatim", () => {
    // cdktf snake_cases provider attribute keys recursively; env var names must survive that.
    const { flux } = synthProvider({
      kubernetes: { exec: { ...EKS_EXEC, env: { AWS_PROFILE: "platform", myVar: "x" } } },
    });

    expect(flux.kubernetes.exec.env).toEqual({ AWS_PROFILE: "platform", myVar: "x" });
  });

  test("GIVEN every git field WHEN synthesized THEN each is emitted under its snake_case name", () => {
    const { flux } = synthProvider({
      git: {
        url: "https://gitlab.com/group/repo.git",
        branch: "trunk",
        authorName: "Flux Bot",
        authorEmail: "flux@example.com",
        commitMessageAppendix: "[skip ci]",
        gpgKeyRing: "/keys/ring",
        gpgPassphrase: "${var.gpg_passphrase}",
        gpgKeyId: "ABC123",
        http: { username: "oauth2", password: "${var.git_http_password}", allowInsecureHttp: false, certificateAuthority: "CA" },
      },
    });

    expect(flux.git).toEqual({
      url: "https://gitlab.com/group/repo.git",
      branch: "trunk",
      author_name: "Flux Bot",
      author_email: "flux@example.com",
      commit_message_appendix: "[skip ci]",
      gpg_key_ring: "/keys/ring",
      gpg_passphrase: "${var.gpg_passphrase}",
      gpg_key_id: "ABC123",
      http: { username: "oauth2", password: "${var.git_http_password}", allow_insecure_http: false, certificate_authority: "CA" },
    });
  });

  test("GIVEN git.ssh with every field WHEN synthesized THEN ssh is an object with snake_case keys", () => {
    const { flux } = synthProvider({
      git: {
        url: "ssh://git@gitlab.com/group/repo.git",
        ssh: { username: "git", password: "pw", privateKey: "KEY", hostkeyAlgos: ["ssh-ed25519", "rsa-sha2-512"] },
      },
    });

    expect(flux.git.ssh).toEqual({
      username: "git",
      password: "pw",
      private_key: "KEY",
      hostkey_algos: ["ssh-ed25519", "rsa-sha2-512"],
    });
  });

  test("GIVEN only git.url WHEN synthesized THEN no other git key and no kubernetes key is emitted", () => {
    const { flux } = synthProvider({ git: { url: "ssh://git@gitlab.com/group/repo.git" } });

    expect(Object.keys(flux.git)).toEqual(["url"]);
    expect(flux).not.toHaveProperty("kubernetes");
    expect(flux).not.toHaveProperty("alias");
  });

  test("GIVEN an empty kubernetes object WHEN synthesized THEN it is kept as {} (provider then reads KUBE_CONFIG_PATH)", () => {
    const { flux } = synthProvider({ kubernetes: {}, git: { url: "ssh://git@gitlab.com/group/repo.git" } });

    expect(flux.kubernetes).toEqual({});
  });

  test("GIVEN values that reference other resources WHEN synthesized THEN they render as ${...} expressions", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new TlsProvider(stack, "tls");
    const key = new PrivateKey(stack, "key", { algorithm: "ED25519" });
    new FluxProvider(stack, "flux", {
      kubernetes: { configPath: "~/.kube/config" },
      git: { url: "ssh://git@gitlab.com/group/repo.git", ssh: { username: "git", privateKey: key.privateKeyPem } },
    });

    const flux = (JSON.parse(Testing.synth(stack)) as Json).provider.flux[0];

    expect(flux.git.ssh.private_key).toBe("${tls_private_key.key.private_key_pem}");
  });

  test("GIVEN an alias WHEN a resource uses that provider THEN the block carries the alias and the resource references flux.<alias>", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const secondary = new FluxProvider(stack, "flux", { alias: "secondary" });
    new BootstrapGit(stack, "bootstrap", { provider: secondary });

    const json = JSON.parse(Testing.synth(stack)) as Json;

    expect(json.provider.flux[0].alias).toBe("secondary");
    expect(json.resource.flux_bootstrap_git.bootstrap.provider).toBe("flux.secondary");
  });

  test("GIVEN a provider WHEN checked with the cdktf matcher THEN it is found by tfResourceType", () => {
    const { raw } = synthProvider({ git: { url: "ssh://git@gitlab.com/group/repo.git", branch: "main" } });

    expect(raw).toHaveProviderWithProperties(FluxProvider, { git: { url: "ssh://git@gitlab.com/group/repo.git", branch: "main" } });
    expect(raw).not.toHaveProviderWithProperties(FluxProvider, { git: { branch: "develop" } });
  });

  test("GIVEN nested settings with a multi-line PEM WHEN synthesized as HCL THEN they are attributes (`x = {`), not blocks, with escaped strings", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new FluxProvider(stack, "flux", {
      kubernetes: { clusterCaCertificate: "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----", exec: { ...EKS_EXEC, env: { AWS_PROFILE: "p" } } },
      git: { url: "ssh://git@gitlab.com/group/repo.git", ssh: { username: "git" } },
    });

    const hcl = Testing.synthHcl(stack);

    expect(hcl).toMatch(/^kubernetes = \{$/m);
    expect(hcl).toMatch(/^exec = \{$/m);
    expect(hcl).toMatch(/^git = \{$/m);
    expect(hcl).toMatch(/^ssh = \{$/m);
    expect(hcl).not.toMatch(/^(kubernetes|git|exec|ssh) \{$/m);
    expect(hcl).toContain('cluster_ca_certificate = "-----BEGIN CERTIFICATE-----\\nAAA\\n-----END CERTIFICATE-----"');
    expect(hcl).toContain('AWS_PROFILE = "p"');
    // Unset fields must be left out, not printed.
    expect(hcl).not.toContain("undefined");
    expect(hcl).not.toMatch(/\bhost =/);
  });
});
