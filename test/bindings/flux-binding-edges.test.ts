import { Testing, TerraformOutput, TerraformStack } from "cdktf";
import { BootstrapGit } from "../../stacks/bindings/flux/bootstrap-git";
import { FluxProvider, toHclAttributes } from "../../stacks/bindings/flux/provider";
import type { Json } from "../support";

/* The Flux binding at its edges: every readable attribute, alias changes, and strings that need escaping. */

const EXEC = { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws" };
/** A value with every character HCL needs escaped: a backslash, quotes, a carriage return and a line break. */
const AWKWARD = 'C:\\kube "dev"\r\nnext';

describe("BootstrapGit: attributes read as references", () => {
  test("GIVEN each attribute the provider computes a default for WHEN referenced THEN it names that attribute of this resource", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const b = new BootstrapGit(stack, "bootstrap", { path: "clusters/dev" });
    const read: Record<string, unknown> = {
      secret_name: b.secretName,
      components: b.components,
      cluster_domain: b.clusterDomain,
      interval: b.interval,
      log_level: b.logLevel,
      registry: b.registry,
      watch_all_namespaces: b.watchAllNamespaces,
      keep_namespace: b.keepNamespace,
      delete_git_manifests: b.deleteGitManifests,
      embedded_manifests: b.embeddedManifests,
    };
    for (const [name, value] of Object.entries(read)) new TerraformOutput(stack, name, { value });
    const outputs = (JSON.parse(Testing.synth(stack)) as Json).output;
    for (const name of Object.keys(read)) expect([name, outputs[name].value]).toEqual([name, `\${flux_bootstrap_git.bootstrap.${name}}`]);
  });
});

describe("FluxProvider: alias and escaping", () => {
  test("GIVEN an alias set after construction WHEN synthesized THEN the provider carries it", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const provider = new FluxProvider(stack, "flux");
    provider.alias = "second";
    expect(provider.alias).toBe("second");
    expect((JSON.parse(Testing.synth(stack)) as Json).provider.flux[0].alias).toBe("second");
  });

  test("GIVEN an exec env value with quotes and line breaks WHEN synthesized as JSON THEN it is the value itself, unescaped", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new FluxProvider(stack, "flux", { kubernetes: { exec: { ...EXEC, env: { KUBE_NOTE: AWKWARD } } } });
    expect((JSON.parse(Testing.synth(stack)) as Json).provider.flux[0].kubernetes.exec.env).toEqual({ KUBE_NOTE: AWKWARD });
  });

  test("GIVEN the same value WHEN synthesized as HCL THEN backslash, quotes, CR and LF are escaped", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new FluxProvider(stack, "flux", { kubernetes: { exec: { ...EXEC, env: { KUBE_NOTE: AWKWARD } } } });
    expect(Testing.synthHcl(stack)).toContain('KUBE_NOTE = "C:\\\\kube \\"dev\\"\\r\\nnext"');
  });
});

describe("toHclAttributes", () => {
  test("GIVEN a string, a boolean, a number, a list and a nested object THEN each gets its HCL kind, nested strings escaped", () => {
    expect(toHclAttributes({ s: 'a"b', t: true, n: 3, l: ["x"], o: { k: 'q"' }, u: undefined })).toEqual({
      s: { value: 'a"b', isBlock: false, type: "simple", storageClassType: "string" },
      t: { value: true, isBlock: false, type: "simple", storageClassType: "boolean" },
      n: { value: 3, isBlock: false, type: "simple", storageClassType: "number" },
      l: { value: ["x"], isBlock: false, type: "list", storageClassType: "stringList" },
      o: { value: { k: 'q\\"' }, isBlock: false, type: "any", storageClassType: "any" },
    });
  });
});
