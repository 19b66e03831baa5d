import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Lazy, TerraformOutput, TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { parseAllDocuments } from "yaml";
import { ALL_LAYERS, APP_LAYER, CLUSTER_LAYER, type FileOwner, IMAGE_POLICY_LAYER, type LayerFile, type TemplateLayer } from "../../stacks/layout";
import { checkManifests, TemplateError, withTokensNumberedInOrder } from "../../stacks/manifests/check-manifests";
import {
  CONFIG_FILES_DIR,
  escapeTerraformTemplate,
  IMAGE_POLICY_MARKER,
  renderLayer,
  renderTemplate,
  type TemplateValues,
} from "../../stacks/manifests/render";
import { appTemplateValues, clusterTemplateValues, imagePolicyTemplateValues } from "../../stacks/manifests/values";
import { evaluateTerraformTemplate } from "../terraform-template";
import { EXAMPLE_ECR_URL, exampleSettings, type Doc } from "./fixtures";

const ECR_URL = EXAMPLE_ECR_URL;
const SETTINGS = exampleSettings();
const CLUSTER = SETTINGS.clusters[0];
const APP_VALUES = appTemplateValues(CLUSTER, CLUSTER.apps[0], ECR_URL);
const CLUSTER_VALUES = clusterTemplateValues(CLUSTER, SETTINGS.gitlab);
const IMAGE_POLICY_VALUES = imagePolicyTemplateValues(CLUSTER, CLUSTER.apps[0], ECR_URL);

/** A declaration of the template `template` of a test layer, committed at the same path. */
const declared = (template: string, owner: FileOwner = "terraform"): LayerFile => ({ role: template, template, owner, path: () => template });

/** A temporary config_files/ with one layer "t" declaring `files` (all Terraform-owned unless named in `flux`). */
function withLayer(files: Record<string, string>, test: (layer: TemplateLayer, root: string) => void, flux: string[] = []): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "render-test-"));
  const root = path.join(tmp, "config_files");
  try {
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, "t", rel)), { recursive: true });
      fs.writeFileSync(path.join(root, "t", rel), content);
    }
    const layer: TemplateLayer = {
      templateDir: "t",
      files: Object.keys(files)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((p) => declared(p, flux.includes(p) ? "flux" : "terraform")),
    };
    test(layer, root);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The TemplateError thrown by `fn`, as its lines. */
function templateErrorOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof TemplateError) return [...err.lines];
    throw err;
  }
  throw new Error("expected a TemplateError");
}

const OBJECT = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: __APP_NAME__\n";

describe("renderLayer with the repository's templates", () => {
  test("GIVEN the app and cluster layers WHEN rendered THEN every declared file comes back in the declared order, fully substituted", () => {
    const app = renderLayer(APP_LAYER, APP_VALUES);
    const cluster = renderLayer(CLUSTER_LAYER, CLUSTER_VALUES);
    expect(app.map((f) => f.role)).toEqual(APP_LAYER.files.map((f) => f.role));
    expect(cluster.map((f) => f.role)).toEqual(CLUSTER_LAYER.files.map((f) => f.role));
    expect(app.map((f) => f.template)).toEqual(APP_LAYER.files.map((f) => f.template));
    for (const f of [...app, ...cluster]) expect(f.content).not.toMatch(/__[A-Z][A-Z0-9_]*__/);
    expect(app.map((f) => f.owner)).toEqual(APP_LAYER.files.map((f) => f.owner));
  });

  test("GIVEN the same values twice WHEN rendered THEN the results are identical", () => {
    expect(renderLayer(APP_LAYER, { ...APP_VALUES })).toEqual(renderLayer(APP_LAYER, APP_VALUES));
  });

  test("GIVEN the default templates directory THEN it is config_files/ at the repository root, one folder per layer", () => {
    expect(path.basename(CONFIG_FILES_DIR)).toBe("config_files");
    expect(fs.readdirSync(CONFIG_FILES_DIR).sort()).toEqual(ALL_LAYERS.map((layer) => layer.templateDir).sort());
  });

  test("GIVEN settings WHEN the values are derived THEN numbers are text and paths come from the layout", () => {
    const settings = exampleSettings({ apps: [{ replicas: 3, containerPort: 9090 }] });
    const values = appTemplateValues(settings.clusters[0], settings.clusters[0].apps[0], ECR_URL);
    expect(values).toMatchObject({ REPLICAS: "3", CONTAINER_PORT: "9090", IMAGE_NAME: "image.invalid/nginx", APP_COMPONENTS: '["image"]' });
    expect(clusterTemplateValues(settings.clusters[0], settings.gitlab)).toMatchObject({
      INFRASTRUCTURE_PATH: "infrastructure/flux-cluster",
      APPS_PATH: "apps/flux-cluster",
      IMAGE_UPDATE_PATH: "apps/flux-cluster",
      GIT_BRANCH: "main",
    });
  });

  test("GIVEN names YAML 1.1 reads as booleans or numbers WHEN parsed as YAML 1.1 THEN they stay strings", () => {
    const app = renderLayer(APP_LAYER, { ...APP_VALUES, APP_NAME: "on", APP_NAMESPACE: "no" }, { escape: "none" });
    const cluster = [
      ...renderLayer(CLUSTER_LAYER, { ...CLUSTER_VALUES, GIT_BRANCH: "1.0" }, { escape: "none" }),
      ...renderLayer(IMAGE_POLICY_LAYER, { ...IMAGE_POLICY_VALUES, APP_NAME: "on" }, { escape: "none" }),
    ];
    const docs = [...app, ...cluster].flatMap((f) => parseAllDocuments(f.content, { version: "1.1" }).map((d) => d.toJS() as Doc));
    for (const doc of docs) {
      if (doc.metadata?.name !== undefined) expect(typeof doc.metadata.name).toBe("string");
      if (doc.metadata?.namespace !== undefined) expect(typeof doc.metadata.namespace).toBe("string");
    }
    const iua = docs.find((d) => d.kind === "ImageUpdateAutomation")!;
    expect(iua.spec.git.push.branch).toBe("1.0");
    expect(iua.spec.git.checkout.ref.branch).toBe("1.0");
  });
});

describe("renderLayer checks each template once per process, by its text", () => {
  test("GIVEN a template rendered once WHEN its file changes to YAML that is not Kubernetes THEN the next render refuses it (a template is not trusted by its path)", () => {
    withLayer({ "a.yaml": OBJECT }, (layer, root) => {
      expect(renderLayer(layer, { APP_NAME: "nginx" }, { templatesRoot: root }).map((f) => f.template)).toEqual(["a.yaml"]);
      fs.writeFileSync(path.join(root, "t", "a.yaml"), "just: text\n");
      expect(templateErrorOf(() => renderLayer(layer, { APP_NAME: "nginx" }, { templatesRoot: root }))).toEqual([
        "config_files/t/a.yaml:1:1: document without apiVersion",
        "config_files/t/a.yaml:1:1: document without kind",
      ]);
    });
  });
});

describe("renderLayer refuses, naming the template, line and column", () => {
  test("GIVEN an unknown placeholder THEN the error names its position and the layer's placeholders", () => {
    withLayer({ "a.yaml": `${OBJECT}data:\n  x: __FOO__\n` }, (layer, root) => {
      const lines = templateErrorOf(() => renderLayer(layer, { APP_NAME: "nginx" }, { templatesRoot: root }));
      expect(lines).toEqual(["config_files/t/a.yaml:6:6: unknown placeholder __FOO__ (this layer knows __APP_NAME__)"]);
    });
  });

  test("GIVEN a placeholder without a value (empty, blank or absent) THEN it is refused", () => {
    withLayer({ "a.yaml": OBJECT }, (layer, root) => {
      for (const bad of ["", "  ", undefined]) {
        const values = { APP_NAME: bad } as unknown as TemplateValues;
        expect(templateErrorOf(() => renderLayer(layer, values, { templatesRoot: root })).join()).toMatch(
          /^config_files\/t\/a\.yaml:4:9: placeholder __APP_NAME__ has no value/,
        );
      }
    });
  });

  test("GIVEN a value with a line break THEN it is refused (it would break the YAML)", () => {
    withLayer({ "a.yaml": OBJECT }, (layer, root) => {
      expect(templateErrorOf(() => renderLayer(layer, { APP_NAME: "a\nb: c" }, { templatesRoot: root })).join()).toMatch(/line break/);
    });
  });

  test("GIVEN a malformed placeholder THEN it is refused instead of left in the output", () => {
    withLayer({ "a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: __app_name__\n" }, (layer, root) => {
      expect(templateErrorOf(() => renderLayer(layer, { APP_NAME: "x" }, { templatesRoot: root }))).toEqual([
        "config_files/t/a.yaml:4:9: malformed placeholder __app_name__ (placeholders are __UPPER_SNAKE__)",
      ]);
    });
  });

  test("GIVEN broken YAML THEN the synth stops at its line and column", () => {
    withLayer({ "a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   labels: {a: b\n" }, (layer, root) => {
      const [line] = templateErrorOf(() => renderLayer(layer, {}, { templatesRoot: root }));
      expect(line).toBe("config_files/t/a.yaml:4:9: not valid YAML: Nested mappings are not allowed in compact mappings");
    });
  });

  test("GIVEN a value that breaks the YAML once filled in THEN it is refused, saying so", () => {
    withLayer({ "a.yaml": 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "__APP_NAME__"\n' }, (layer, root) => {
      const [line] = templateErrorOf(() => renderLayer(layer, { APP_NAME: 'a"b' }, { templatesRoot: root }));
      expect(line).toMatch(/^config_files\/t\/a\.yaml:4:\d+: not valid YAML after filling in the placeholders: /);
    });
  });

  test("GIVEN documents without apiVersion or kind, or no object at all THEN each is refused", () => {
    withLayer({ "a.yaml": "apiVersion: v1\nmetadata: {}\n---\nkind: X\n", "b.yaml": "# only a comment\n", "c.yaml": "- a\n- b\n" }, (layer, root) => {
      expect(() => renderLayer(layer, {}, { templatesRoot: root })).toThrow(TemplateError);
    });
    expect(templateErrorOf(() => checkManifests("apiVersion: v1\nmetadata: {}\n---\nkind: X\n", "a.yaml"))).toEqual([
      "a.yaml:1:1: document without kind",
      "a.yaml:4:1: document without apiVersion",
    ]);
    expect(templateErrorOf(() => checkManifests("# only a comment\n", "b.yaml"))).toEqual(["b.yaml:1:1: holds no Kubernetes object"]);
    expect(templateErrorOf(() => checkManifests("- a\n- b\n", "c.yaml"))).toEqual([
      "c.yaml:1:1: a document that is not a Kubernetes object (a mapping with apiVersion and kind)",
    ]);
    // An empty document after a trailing --- is what kustomize ignores too.
    expect(() => checkManifests("apiVersion: v1\nkind: X\n---\n", "d.yaml")).not.toThrow();
  });

  describe("each text is parsed once (the same app in every cluster of a fleet)", () => {
    const token = (n: number) => `\${TfToken[TOKEN.${n}]}`;

    test("GIVEN cdktf string tokens WHEN renumbered THEN in order of first appearance, equal ones equal and distinct ones distinct", () => {
      expect(withTokensNumberedInOrder(`a: ${token(907)}\nb: ${token(12)}\nc: ${token(907)} ${token(3)}\n`)).toBe(
        `a: ${token(0)}\nb: ${token(1)}\nc: ${token(0)} ${token(2)}\n`,
      );
      expect(withTokensNumberedInOrder("no tokens: $${x}\n")).toBe("no tokens: $${x}\n");
    });

    test("GIVEN a text with two distinct tokens as keys passed WHEN a text with one token twice as a key is checked THEN it is still refused", () => {
      const head = "apiVersion: v1\nkind: ConfigMap\ndata:\n";
      expect(() => checkManifests(`${head}  ${token(41)}: a\n  ${token(42)}: b\n`, "distinct.yaml")).not.toThrow();
      // The duplicate key differs from the text that passed only in which tokens are equal.
      expect(templateErrorOf(() => checkManifests(`${head}  ${token(43)}: a\n  ${token(43)}: b\n`, "same.yaml"))[0]).toMatch(
        /^same\.yaml:5:\d+: not valid YAML: .*[Dd]uplicate|unique/,
      );
    });

    test("GIVEN a text that was refused WHEN checked again under another name THEN it is refused again, naming that file", () => {
      const broken = 'apiVersion: v1\nkind: "X\n';
      expect(templateErrorOf(() => checkManifests(broken, "first.yaml"))[0]).toMatch(/^first\.yaml:/);
      expect(templateErrorOf(() => checkManifests(broken, "second.yaml"))[0]).toMatch(/^second\.yaml:/);
    });
  });

  test("GIVEN a template the layout does not declare, or a declared one that is missing THEN both are named", () => {
    withLayer({ "a.yaml": OBJECT, "b/c.yml": OBJECT, "README.md": "__NOPE__" }, (layer, root) => {
      const declaredWrongly: TemplateLayer = {
        templateDir: "t",
        files: [declared("a.yaml"), declared("gone.yaml")],
      };
      expect(templateErrorOf(() => renderLayer(declaredWrongly, { APP_NAME: "x" }, { templatesRoot: root }))).toEqual([
        "config_files/t/b/c.yml: not declared in stacks/layout.ts (every template needs an owner and a place in the commit order)",
        "config_files/t/gone.yaml: declared in stacks/layout.ts but missing",
      ]);
      // Only *.yaml and *.yml are templates: README.md is neither declared nor reported.
      expect(renderLayer(layer, { APP_NAME: "x" }, { templatesRoot: root }).map((f) => f.template)).toEqual(["a.yaml", "b/c.yml"]);
    });
  });

  test("GIVEN a setter marker in a Terraform-owned file, or a Flux-owned file without one THEN both are refused", () => {
    const marked = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  tag: "1" # {"$imagepolicy": "flux-system:p:tag"}\n';
    withLayer({ "a.yaml": marked }, (layer, root) => {
      expect(templateErrorOf(() => renderLayer(layer, {}, { templatesRoot: root })).join()).toMatch(
        /has an image policy setter marker, but stacks\/layout\.ts declares it owned by Terraform/,
      );
    });
    withLayer(
      { "a.yaml": OBJECT },
      (layer, root) => {
        expect(templateErrorOf(() => renderLayer(layer, { APP_NAME: "x" }, { templatesRoot: root })).join()).toMatch(
          /declared owned by Flux .* has no image policy setter marker/,
        );
      },
      ["a.yaml"],
    );
    withLayer(
      { "a.yaml": marked },
      (layer, root) => {
        expect(renderLayer(layer, {}, { templatesRoot: root }).map((f) => f.owner)).toEqual(["flux"]);
      },
      ["a.yaml"],
    );
  });
});

describe("renderLayer and its checks, at their edges", () => {
  test("GIVEN setter markers written with and without spaces THEN each is recognised (Flux's setters accept both)", () => {
    for (const marker of ['{"$imagepolicy":"ns:p"}', '{ "$imagepolicy": "ns:p" }', '{"$imagepolicy" :"ns:p"}']) {
      expect([marker, IMAGE_POLICY_MARKER.test(`image: x # ${marker}`)]).toEqual([marker, true]);
    }
    expect(IMAGE_POLICY_MARKER.test('image: x # {"imagepolicy": "ns:p"}')).toBe(false);
  });

  test("GIVEN a template without a file name THEN errors name it <template>", () => {
    expect(templateErrorOf(() => renderTemplate("a: __B__\n", {}))).toEqual(["<template>:1:4: unknown placeholder __B__ (this layer knows )"]);
  });

  test("GIVEN an unknown placeholder and two known values THEN the error lists both, comma-separated", () => {
    expect(templateErrorOf(() => renderTemplate("a: __C__\n", { A: "1", B: "2" }, { file: "f.yaml" }))).toEqual([
      "f.yaml:1:4: unknown placeholder __C__ (this layer knows __A__, __B__)",
    ]);
  });

  test("GIVEN a missing or empty value THEN the error shows what was given", () => {
    const given = (value: unknown) => templateErrorOf(() => renderTemplate("a: __A__\n", { A: value } as unknown as TemplateValues, { file: "f.yaml" }));
    expect(given(undefined)).toEqual(["f.yaml:1:4: placeholder __A__ has no value (got undefined)"]);
    expect(given("")).toEqual(['f.yaml:1:4: placeholder __A__ has no value (got "")']);
    expect(given(7)).toEqual(["f.yaml:1:4: placeholder __A__ has no value (got 7)"]);
  });

  test("GIVEN a scalar document, or an empty apiVersion THEN each is refused by name", () => {
    expect(templateErrorOf(() => checkManifests("just text\n", "s.yaml"))).toEqual([
      "s.yaml:1:1: a document that is not a Kubernetes object (a mapping with apiVersion and kind)",
    ]);
    expect(templateErrorOf(() => checkManifests('apiVersion: ""\nkind: X\n', "e.yaml", " after filling in the placeholders"))).toEqual([
      "e.yaml:1:1: document without apiVersion after filling in the placeholders",
    ]);
    expect(() => checkManifests("---\napiVersion: v1\nkind: X\n", "lead.yaml")).not.toThrow();
  });

  test("GIVEN a layer whose folder does not exist THEN every declared template is named missing", () => {
    withLayer({}, (_layer, root) => {
      const layer: TemplateLayer = {
        templateDir: "nope",
        files: [declared("a.yaml"), declared("b.yaml")],
      };
      expect(templateErrorOf(() => renderLayer(layer, {}, { templatesRoot: root }))).toEqual([
        "config_files/nope/a.yaml: declared in stacks/layout.ts but missing",
        "config_files/nope/b.yaml: declared in stacks/layout.ts but missing",
      ]);
    });
  });

  test("GIVEN undeclared templates THEN they are named in code-unit order (upper case first), whatever order the disk lists them in", () => {
    withLayer({ "b.yaml": OBJECT, "a.yaml": OBJECT, "C.yaml": OBJECT, "a/z.yaml": OBJECT }, (_layer, root) => {
      const none: TemplateLayer = { templateDir: "t", files: [] };
      expect(templateErrorOf(() => renderLayer(none, {}, { templatesRoot: root })).map((l) => l.split(":")[0])).toEqual([
        "config_files/t/C.yaml",
        "config_files/t/a.yaml",
        "config_files/t/a/z.yaml",
        "config_files/t/b.yaml",
      ]);
    });
  });
});

describe("sections: lines a value keeps or leaves out", () => {
  const TEMPLATE = "a: 1\n  # if __ONE__\n  # why\n  b: __B__\n  # end if __ONE__\nc: __C__\n";
  const render = (one: string, values: Record<string, string> = { B: "2", C: "3" }) =>
    renderTemplate(TEMPLATE, { ONE: one, ...values }, { escape: "none", file: "s.yaml" });

  test("GIVEN a section WHEN its value is true THEN its lines stay and only the marker lines go", () => {
    expect(render("true")).toBe("a: 1\n  # why\n  b: 2\nc: 3\n");
  });

  test("GIVEN a section WHEN its value is false THEN the section goes whole, and its placeholders need no value", () => {
    expect(render("false")).toBe("a: 1\nc: 3\n");
    expect(render("false", { B: "", C: "3" })).toBe("a: 1\nc: 3\n");
    // But an unknown placeholder is refused even there: the template is wrong whatever the values.
    expect(templateErrorOf(() => render("false", { C: "3" }))[0]).toMatch(/^s\.yaml:4:6: unknown placeholder __B__/);
  });

  test("GIVEN an error after a section THEN its line and column are the template's", () => {
    expect(templateErrorOf(() => render("false", { B: "2" }))[0]).toMatch(/^s\.yaml:6:4: unknown placeholder __C__/);
  });

  test("GIVEN a value that is not true or false, an unknown section, or sections that are not well-formed THEN each is refused where it is", () => {
    expect(templateErrorOf(() => render("yes"))).toEqual(['s.yaml:2:1: section __ONE__ needs the value "true" or "false" (got "yes")']);
    expect(templateErrorOf(() => renderTemplate(TEMPLATE, { B: "2", C: "3" }, { file: "s.yaml" }))[0]).toMatch(/^s\.yaml:2:1: unknown placeholder __ONE__/);
    const values = { ONE: "true", TWO: "true" };
    expect(templateErrorOf(() => renderTemplate("# if __ONE__\na: 1\n", values, { file: "s.yaml" }))).toEqual([
      's.yaml:1:1: section __ONE__ has no line "# end if __ONE__"',
    ]);
    expect(templateErrorOf(() => renderTemplate("a: 1\n# end if __ONE__\n", values, { file: "s.yaml" }))).toEqual([
      "s.yaml:2:1: end of section __ONE__, which is not open",
    ]);
    expect(templateErrorOf(() => renderTemplate("# if __ONE__\n# if __TWO__\n# end if __TWO__\n# end if __ONE__\n", values, { file: "s.yaml" }))).toEqual([
      "s.yaml:2:1: section __TWO__ inside section __ONE__ (sections do not nest)",
    ]);
  });
});

describe("list values: one line of a block sequence per item", () => {
  const TEMPLATE = "kind: Kustomization\nresources:\n  - __FILES__\nname: __NAME__\n";
  const render = (files: readonly string[] | string, template = TEMPLATE) =>
    renderTemplate(template, { FILES: files, NAME: "x" }, { escape: "none", file: "k.yaml" });

  test("GIVEN a list for a line `- __NAME__` WHEN rendered THEN the line repeats once per item, with its indent, as if written by hand", () => {
    expect(render(["a.yaml", "b/c.yaml"])).toBe("kind: Kustomization\nresources:\n  - a.yaml\n  - b/c.yaml\nname: x\n");
    expect(render(["only.yaml"])).toBe("kind: Kustomization\nresources:\n  - only.yaml\nname: x\n");
  });

  test("GIVEN a list anywhere but alone on a sequence line, an empty list or an item that is not one line THEN each is refused where it is", () => {
    expect(templateErrorOf(() => render(["a"], "resources: __FILES__\nname: __NAME__\n"))).toEqual([
      'k.yaml:1:12: placeholder __FILES__ holds a list, which fills only a line "- __FILES__" of a block sequence',
    ]);
    expect(templateErrorOf(() => render(["a"], "resources:\n  - __FILES__ # note\nname: __NAME__\n"))[0]).toMatch(
      /^k\.yaml:2:5: placeholder __FILES__ holds a list/,
    );
    expect(templateErrorOf(() => render([]))).toEqual(["k.yaml:3:5: placeholder __FILES__ needs a list of one or more one-line strings (got [])"]);
    expect(templateErrorOf(() => render(["a", "b\nc"]))[0]).toMatch(/^k\.yaml:3:5: placeholder __FILES__ needs a list of one or more one-line strings/);
    // A plain value with a line break is still refused.
    expect(templateErrorOf(() => render("a\nb"))[0]).toMatch(/has a value with a line break/);
  });
});

describe("Terraform escaping", () => {
  const TEMPLATE = 'lit: "${x} %{if y} $${z} {{ .Changed }}"\nurl: __ECR_REPOSITORY_URL__\nname: __APP_NAME__\n';
  const VALUES = { ECR_REPOSITORY_URL: ECR_URL, APP_NAME: "nginx" };

  test("GIVEN Terraform-looking literals, a token value and a plain value with ${ WHEN rendered for Terraform THEN literals are escaped and the token is verbatim", () => {
    const token = Lazy.stringValue({ produce: () => ECR_URL });
    expect(Token.isUnresolved(token)).toBe(true);
    const out = renderTemplate(TEMPLATE, { ECR_REPOSITORY_URL: token, APP_NAME: "a${b}%{c}" }, { file: "t.yaml" });
    expect(out).toBe(`lit: "$\${x} %%{if y} $$\${z} {{ .Changed }}"\nurl: ${token}\nname: a$\${b}%%{c}\n`);
  });

  test("GIVEN plain values WHEN rendered without escaping THEN the text is the template with its values", () => {
    expect(renderTemplate(TEMPLATE, { ...VALUES, APP_NAME: "a${b}" }, { escape: "none" })).toBe(
      `lit: "\${x} %{if y} $\${z} {{ .Changed }}"\nurl: ${ECR_URL}\nname: a\${b}\n`,
    );
  });

  test("GIVEN a '$' before a value starting with '{' WHEN rendered for Terraform THEN the ${ formed across the join is escaped", () => {
    expect(renderTemplate("x: $__APP_NAME__\n", { APP_NAME: "{y}" })).toBe("x: $${y}\n");
    expect(escapeTerraformTemplate("$${a}%{b}")).toBe("$$${a}%%{b}");
  });

  test("GIVEN a token right after '$' WHEN rendered for Terraform THEN it is refused (Terraform would read it as an escape)", () => {
    const values = { ECR_REPOSITORY_URL: Lazy.stringValue({ produce: () => ECR_URL }) };
    expect(() => renderTemplate("x: $__ECR_REPOSITORY_URL__\n", values, { file: "t.yaml" })).toThrow(
      /^t\.yaml:1:5: placeholder __ECR_REPOSITORY_URL__ holds a Terraform reference/,
    );
  });

  test("GIVEN a stack whose ECR URL is a reference WHEN the repository's templates are synthesized THEN Terraform evaluates them to the plain rendering", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const url = new TerraformVariable(stack, "ecr_url", { type: "string" });
    const layers = [
      { layer: APP_LAYER, values: appTemplateValues(CLUSTER, CLUSTER.apps[0], url.stringValue), plain: APP_VALUES },
      { layer: CLUSTER_LAYER, values: CLUSTER_VALUES, plain: CLUSTER_VALUES },
      { layer: IMAGE_POLICY_LAYER, values: imagePolicyTemplateValues(CLUSTER, CLUSTER.apps[0], url.stringValue), plain: IMAGE_POLICY_VALUES },
    ];
    const files = layers.flatMap(({ layer, values }) => renderLayer(layer, values));
    files.forEach((f, i) => new TerraformOutput(stack, `file${i}`, { value: f.content }));
    const synth = JSON.parse(Testing.synth(stack)) as { output: Record<string, { value: string }> };

    const plain = layers.flatMap(({ layer, plain: values }) => renderLayer(layer, values, { escape: "none" }));
    files.forEach((f, i) => {
      const tf = synth.output[`file${i}`].value;
      expect(plain[i].template).toBe(f.template);
      expect(evaluateTerraformTemplate(tf, { "var.ecr_url": ECR_URL })).toBe(plain[i].content);
    });
    expect(files.filter((f) => synth.output[`file${files.indexOf(f)}`].value.includes("${var.ecr_url}")).map((f) => f.template)).toEqual([
      "image/kustomization.yaml",
      "image-policy.yaml",
    ]);
  });
});
