import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Lazy, TerraformOutput, TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { parseAllDocuments } from "yaml";
import {
  CONFIG_FILES_DIR,
  PLACEHOLDER_NAMES,
  escapeTerraformTemplate,
  renderConfigFiles,
  renderConfigFilesPlain,
  renderTemplate,
  templateValuesFor,
  type RenderedFile,
  type TemplateValues,
} from "../../stacks/manifests/render";
import { testSettings } from "../support";
import { EXAMPLE_ECR_URL, exampleValues, RENDERED_PATHS } from "./fixtures";

const ECR_URL = EXAMPLE_ECR_URL;
const VALUES: TemplateValues = exampleValues();

const EXPECTED_FILES = RENDERED_PATHS;

// `any`: parsed manifests are arbitrary YAML; the tests index into them freely.
type Doc = Record<string, any>;

function docsOf(file: RenderedFile): Doc[] {
  return parseAllDocuments(file.content).map((d) => d.toJS() as Doc);
}

function renderedDocs(values: TemplateValues = VALUES): { file: string; doc: Doc }[] {
  return renderConfigFilesPlain(values).flatMap((f) => docsOf(f).map((doc) => ({ file: f.path, doc })));
}

function only(kind: string, apiGroup: string, values: TemplateValues = VALUES): Doc {
  const found = renderedDocs(values).filter(({ doc }) => doc.kind === kind && String(doc.apiVersion).startsWith(apiGroup));
  if (found.length !== 1) throw new Error(`expected one ${apiGroup} ${kind}, found ${found.length}`);
  return found[0].doc;
}

function fileContent(rel: string, values: TemplateValues = VALUES): string {
  const file = renderConfigFilesPlain(values).find((f) => f.path === rel);
  if (!file) throw new Error(`${rel} not rendered`);
  return file.content;
}

/** A temporary templates directory named config_files, removed after the test. */
function withTemplates(files: Record<string, string>, test: (dir: string) => void): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "render-test-"));
  const dir = path.join(root, "config_files");
  try {
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    test(dir);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Evaluates a Terraform string template the way Terraform does for the constructs used here:
 * `$${` and `%%{` are literal `${` / `%{`, `${ref}` is replaced from `refs`, and any directive
 * (`%{`) or unknown reference fails.
 */
function evaluateTerraformTemplate(text: string, refs: Record<string, string>): string {
  let out = "";
  for (let i = 0; i < text.length; ) {
    if (text.startsWith("$${", i)) {
      out += "${";
      i += 3;
    } else if (text.startsWith("%%{", i)) {
      out += "%{";
      i += 3;
    } else if (text.startsWith("${", i)) {
      const end = text.indexOf("}", i);
      const ref = text.slice(i + 2, end);
      if (!(ref in refs)) throw new Error(`unexpected interpolation \${${ref}} at ${i}`);
      out += refs[ref];
      i = end + 1;
    } else if (text.startsWith("%{", i)) {
      throw new Error(`unexpected template directive at ${i}`);
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

describe("renderConfigFiles with the repository's templates", () => {
  test("renders every template, sorted, with no placeholder left", () => {
    // GIVEN example values
    // WHEN the repository's templates are rendered
    const files = renderConfigFiles(VALUES);

    // THEN each template is there once, in path order, fully substituted
    expect(files.map((f) => f.path)).toEqual(EXPECTED_FILES);
    for (const f of files) expect(f.content).not.toMatch(/__[A-Z][A-Z0-9_]*__/);
    expect(fileContent("app/deployment.yaml")).toContain(`image: "${ECR_URL}:0.0.1"`);
  });

  test("is deterministic", () => {
    // GIVEN the same values twice
    // WHEN rendering twice
    const a = renderConfigFiles(VALUES);
    const b = renderConfigFiles({ ...VALUES });

    // THEN the results are identical
    expect(b).toEqual(a);
  });

  test("every template parses as YAML, and every document is an object", () => {
    // GIVEN the plain rendering
    for (const file of renderConfigFilesPlain(VALUES)) {
      // WHEN each file is parsed
      const docs = parseAllDocuments(file.content);

      // THEN there are no parse errors or warnings and no empty document
      expect(docs.length).toBeGreaterThan(0);
      for (const d of docs) {
        expect({ file: file.path, errors: d.errors.map(String), warnings: d.warnings.map(String) }).toEqual({
          file: file.path,
          errors: [],
          warnings: [],
        });
        expect(typeof d.toJS()).toBe("object");
        expect(d.toJS()).not.toBeNull();
      }
    }
  });

  test("default directory is config_files at the repository root", () => {
    // GIVEN / WHEN / THEN the default templates directory holds the root kustomization
    expect(path.basename(CONFIG_FILES_DIR)).toBe("config_files");
    expect(fs.existsSync(path.join(CONFIG_FILES_DIR, "kustomization.yaml"))).toBe(true);
  });

  test("values from settings: numbers as text, cluster path clusters/<name>", () => {
    // GIVEN validated settings
    const settings = testSettings({ app: { replicas: 3, containerPort: 9090 } });

    // WHEN the values are derived
    const values = templateValuesFor(settings.clusters[0], settings.gitlab, ECR_URL);

    // THEN every placeholder has a value and the derived ones are right
    expect(Object.keys(values).sort()).toEqual([...PLACEHOLDER_NAMES].sort());
    expect(values).toMatchObject({ CLUSTER_PATH: "clusters/test-cluster", REPLICAS: "3", CONTAINER_PORT: "9090", GIT_BRANCH: "main" });
    expect(renderConfigFilesPlain(values)).toHaveLength(EXPECTED_FILES.length);
  });

  test("values YAML 1.1 would read as booleans or numbers stay strings", () => {
    // GIVEN names that YAML 1.1 parsers (Go's yaml.v2) read as booleans / numbers when unquoted
    const values = { ...VALUES, APP_NAME: "on", APP_NAMESPACE: "no", GIT_BRANCH: "1.0" };

    // WHEN the files are parsed with the YAML 1.1 schema
    const docs = renderConfigFilesPlain(values).flatMap((f) =>
      parseAllDocuments(f.content, { version: "1.1" }).map((d) => d.toJS() as Doc),
    );

    // THEN names, namespaces and branches are still strings
    for (const doc of docs) {
      if (doc.metadata) expect(typeof doc.metadata.name).toBe("string");
      if (doc.metadata?.namespace) expect(typeof doc.metadata.namespace).toBe("string");
    }
    const iua = docs.find((d) => d.kind === "ImageUpdateAutomation")!;
    expect(iua.spec.git.push.branch).toBe("1.0");
    expect(iua.spec.git.checkout.ref.branch).toBe("1.0");
  });
});

describe("renderConfigFiles errors", () => {
  test("an unknown placeholder names the file and the placeholder", () => {
    // GIVEN a template with a placeholder that is not in the list
    withTemplates({ "app/deployment.yaml": "name: __APP_NAME__\nimage: __FOO__\n" }, (dir) => {
      // WHEN rendering / THEN the error names both
      expect(() => renderConfigFiles(VALUES, dir)).toThrow(
        /^config_files\/app\/deployment\.yaml: unknown placeholder __FOO__ \(known: __CLUSTER_NAME__, .*__CLUSTER_PATH__\)$/,
      );
    });
  });

  test("a known placeholder without a value names the file and the placeholder", () => {
    // GIVEN a template using APP_NAME, and values where it is empty, blank or absent
    withTemplates({ "kustomization.yaml": "namePrefix: __APP_NAME__-\n" }, (dir) => {
      for (const bad of ["", "  ", undefined]) {
        const values = { ...VALUES, APP_NAME: bad } as unknown as TemplateValues;
        // WHEN rendering / THEN it throws
        expect(() => renderConfigFiles(values, dir)).toThrow(/^config_files\/kustomization\.yaml: placeholder __APP_NAME__ has no value/);
      }
    });
  });

  test("a missing value only matters where the placeholder is used", () => {
    // GIVEN a template that does not use REGION, and no REGION value
    withTemplates({ "a.yaml": "name: __APP_NAME__\n" }, (dir) => {
      const values = { ...VALUES, REGION: "" };
      // WHEN rendering / THEN it renders
      expect(renderConfigFiles(values, dir)).toEqual([{ path: "a.yaml", content: "name: nginx\n", fluxOwned: false }]);
    });
  });

  test("a malformed placeholder is rejected instead of left in the output", () => {
    // GIVEN a lower-case look-alike of a placeholder
    withTemplates({ "a.yaml": "name: __app_name__\n" }, (dir) => {
      // WHEN rendering / THEN it throws and names the file
      expect(() => renderConfigFiles(VALUES, dir)).toThrow(/^config_files\/a\.yaml: malformed placeholder __app_name__/);
    });
  });

  test("only *.yaml and *.yml files are templates, found recursively", () => {
    // GIVEN yaml, yml and other files at several depths
    withTemplates({ "b/c/d.yml": "a: 1\n", "a.yaml": "a: 2\n", "README.md": "__NOPE__", "b/x.json": "{}" }, (dir) => {
      // WHEN rendering / THEN only the YAML files are read, sorted by path
      expect(renderConfigFiles(VALUES, dir).map((f) => f.path)).toEqual(["a.yaml", "b/c/d.yml"]);
    });
  });
});

describe("Terraform escaping", () => {
  const TEMPLATE = 'lit: "${x} %{if y} $${z} {{ .Changed }}"\nurl: __ECR_REPOSITORY_URL__\nname: __APP_NAME__\n';

  test("literal ${ and %{ are escaped, token values are inserted unescaped", () => {
    // GIVEN a template with Terraform-looking literals, a token value and a plain value with ${
    const token = Lazy.stringValue({ produce: () => ECR_URL });
    expect(Token.isUnresolved(token)).toBe(true);
    const values = { ...VALUES, ECR_REPOSITORY_URL: token, APP_NAME: "a${b}%{c}" };

    // WHEN rendering for Terraform
    const out = renderTemplate(TEMPLATE, values, { file: "t.yaml" });

    // THEN literals and plain values are escaped, the token is inserted verbatim
    expect(out).toBe(`lit: "$\${x} %%{if y} $$\${z} {{ .Changed }}"\nurl: ${token}\nname: a$\${b}%%{c}\n`);
  });

  test("the plain rendering is not escaped", () => {
    // GIVEN the same template with plain values
    // WHEN rendering without escaping
    const out = renderTemplate(TEMPLATE, { ...VALUES, APP_NAME: "a${b}" }, { escape: "none" });

    // THEN the text is exactly the template with values
    expect(out).toBe(`lit: "\${x} %{if y} $\${z} {{ .Changed }}"\nurl: ${ECR_URL}\nname: a\${b}\n`);
  });

  test("escaping spans the join of literal text and a plain value", () => {
    // GIVEN a '$' at the end of literal text and a value that starts with '{'
    // WHEN rendering for Terraform
    const out = renderTemplate("x: $__APP_NAME__\n", { ...VALUES, APP_NAME: "{y}" });

    // THEN the '${' formed across the boundary is escaped
    expect(out).toBe("x: $${y}\n");
    expect(escapeTerraformTemplate("$${a}%{b}")).toBe("$$${a}%%{b}");
  });

  test("a token right after '$' is rejected (Terraform would read it as an escape)", () => {
    // GIVEN a token placed right after a literal '$'
    const values = { ...VALUES, ECR_REPOSITORY_URL: Lazy.stringValue({ produce: () => ECR_URL }) };
    // WHEN rendering for Terraform / THEN it throws
    expect(() => renderTemplate("x: $__ECR_REPOSITORY_URL__\n", values, { file: "t.yaml" })).toThrow(/^t\.yaml: placeholder __ECR_REPOSITORY_URL__ holds a Terraform reference/);
  });

  test("through a real stack: Terraform evaluates the content to the plain rendering", () => {
    // GIVEN a stack whose ECR URL is a Terraform reference, and templates with Terraform-looking text
    withTemplates({ "a.yaml": TEMPLATE, "b/c.yaml": fs.readFileSync(path.join(CONFIG_FILES_DIR, "app", "deployment.yaml"), "utf8") }, (dir) => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "test");
      const url = new TerraformVariable(stack, "ecr_url", { type: "string" });
      const values = { ...VALUES, ECR_REPOSITORY_URL: url.stringValue };

      // WHEN the rendered files become Terraform string attributes and are synthesized
      const files = renderConfigFiles(values, dir);
      files.forEach((f, i) => new TerraformOutput(stack, `file${i}`, { value: f.content }));
      const synth = JSON.parse(Testing.synth(stack)) as { output: Record<string, { value: string }> };

      // THEN the URL is a live reference, and evaluating the strings as Terraform does gives the plain text
      const plain = renderConfigFilesPlain({ ...VALUES, ECR_REPOSITORY_URL: ECR_URL }, dir);
      files.forEach((f, i) => {
        const tf = synth.output[`file${i}`].value;
        expect(plain[i].path).toBe(f.path);
        expect(tf).toContain("${var.ecr_url}");
        expect(evaluateTerraformTemplate(tf, { "var.ecr_url": ECR_URL })).toBe(plain[i].content);
      });
    });
  });
});

describe("Flux ownership", () => {
  test("exactly one file is Flux-owned: app/image-tag/kustomization.yaml, and it is tiny", () => {
    // GIVEN / WHEN the repository's templates are rendered
    const files = renderConfigFiles(VALUES);
    const owned = files.filter((f) => f.fluxOwned);

    // THEN only the image-tag component carries a setter marker, in at most 10 lines of YAML
    expect(owned.map((f) => f.path)).toEqual(["app/image-tag/kustomization.yaml"]);
    expect(files.filter((f) => f.content.includes('"$imagepolicy"')).map((f) => f.path)).toEqual(["app/image-tag/kustomization.yaml"]);
    const yamlLines = owned[0].content.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
    expect(yamlLines.length).toBeLessThanOrEqual(10);
  });

  test("the Flux-owned file is alone in its directory (Flux may rewrite anything under update.path)", () => {
    // GIVEN the Flux-owned file's directory
    const owned = renderConfigFiles(VALUES).find((f) => f.fluxOwned)!;
    const dir = path.posix.dirname(owned.path);

    // WHEN listing what else is there / THEN nothing
    expect(renderConfigFiles(VALUES).filter((f) => f.path.startsWith(`${dir}/`)).map((f) => f.path)).toEqual([owned.path]);
    expect(fs.readdirSync(path.join(CONFIG_FILES_DIR, ...dir.split("/")))).toEqual([path.posix.basename(owned.path)]);
  });

  test("fluxOwned is detected from the setter marker", () => {
    // GIVEN one template with a marker and one without
    withTemplates({ "a.yaml": 'tag: 1 # {"$imagepolicy": "ns:p:tag"}\n', "b.yaml": "tag: 1\n" }, (dir) => {
      // WHEN rendering / THEN only the marked one is Flux-owned
      expect(renderConfigFiles(VALUES, dir).map((f) => [f.path, f.fluxOwned])).toEqual([
        ["a.yaml", true],
        ["b.yaml", false],
      ]);
    });
  });

  test("ImageUpdateAutomation writes only to the Flux-owned file's directory, on the configured branch", () => {
    // GIVEN the rendered automation and the Flux-owned file
    const iua = only("ImageUpdateAutomation", "image.toolkit.fluxcd.io/");
    const owned = renderConfigFiles(VALUES).find((f) => f.fluxOwned)!;

    // THEN update.path is exactly clusters/<cluster>/<dir of that file>
    expect(iua.spec.update).toEqual({ path: `./${VALUES.CLUSTER_PATH}/${path.posix.dirname(owned.path)}`, strategy: "Setters" });
    expect(iua.spec.sourceRef).toEqual({ kind: "GitRepository", name: "flux-system" });
    expect(iua.spec.git.checkout.ref.branch).toBe(VALUES.GIT_BRANCH);
    expect(iua.spec.git.push.branch).toBe(VALUES.GIT_BRANCH);
    expect(iua.spec.git.commit.messageTemplate).toContain(".Changed");
    expect(iua.spec.git.commit.messageTemplate).not.toContain(".Updated");
  });

  test("the setter marker names the ImagePolicy that exists, which follows the app's ECR repository", () => {
    // GIVEN the marker in the Flux-owned file
    const content = fileContent("app/image-tag/kustomization.yaml");
    const markers = [...content.matchAll(/\{"\$imagepolicy": "([^":]+):([^":]+):tag"\}/g)];
    expect(markers).toHaveLength(1);
    const [, namespace, name] = markers[0];

    // WHEN looking up the policy and its repository
    const policy = only("ImagePolicy", "image.toolkit.fluxcd.io/");
    const repo = only("ImageRepository", "image.toolkit.fluxcd.io/");

    // THEN they exist and chain to the ECR URL, with the semver range and provider aws
    expect(policy.metadata).toEqual({ name, namespace });
    expect(policy.spec.imageRepositoryRef.name).toBe(repo.metadata.name);
    expect(repo.metadata.namespace).toBe(namespace);
    expect(repo.spec).toEqual({ image: ECR_URL, interval: VALUES.IMAGE_SCAN_INTERVAL, provider: "aws" });
    expect(policy.spec.policy).toEqual({ semver: { range: VALUES.SEMVER_RANGE } });
  });

  test("the marked field is the newTag of the image the Deployment runs", () => {
    // GIVEN the component and the Deployment
    const component = docsOf(renderConfigFilesPlain(VALUES).find((f) => f.fluxOwned)!)[0];
    const deployment = only("Deployment", "apps/");

    // THEN the component retags exactly the Deployment's image, starting from the initial tag
    const line = fileContent("app/image-tag/kustomization.yaml").split("\n").find((l) => l.includes("$imagepolicy"))!;
    expect(line.trim()).toMatch(/^newTag: 0\.0\.1 # /);
    expect(component).toMatchObject({ apiVersion: "kustomize.config.k8s.io/v1alpha1", kind: "Component" });
    expect(component.images).toEqual([{ name: ECR_URL, newTag: VALUES.INITIAL_TAG }]);
    expect(deployment.spec.template.spec.containers[0].image).toBe(`${ECR_URL}:${VALUES.INITIAL_TAG}`);
  });
});

describe("kustomize layering", () => {
  test("the root kustomization keeps flux-system and leaves app/ to its own Kustomization", () => {
    // GIVEN the root kustomization
    const root = docsOf(renderConfigFilesPlain(VALUES).find((f) => f.path === "kustomization.yaml")!)[0];

    // THEN it lists flux-system (or Flux would prune itself), the automation and the app Kustomization
    expect(root.resources).toEqual(["flux-system", "image-automation.yaml", "app.yaml"]);
    expect(root.resources).not.toContain("app");
  });

  test("the app Kustomization applies ./clusters/<cluster>/app from the bootstrap's GitRepository", () => {
    // GIVEN the Flux Kustomization
    const ks = only("Kustomization", "kustomize.toolkit.fluxcd.io/");

    // THEN its path is the rendered app directory, which has a kustomization.yaml
    expect(ks.metadata).toEqual({ name: VALUES.APP_NAME, namespace: "flux-system" });
    expect(ks.spec).toMatchObject({ path: `./${VALUES.CLUSTER_PATH}/app`, prune: true, wait: true, interval: VALUES.FLUX_INTERVAL });
    expect(ks.spec.sourceRef).toEqual({ kind: "GitRepository", name: "flux-system" });
    expect(typeof ks.spec.timeout).toBe("string");
    expect(renderConfigFiles(VALUES).map((f) => f.path)).toContain("app/kustomization.yaml");
  });

  test("the app kustomization includes the manifests and the image-tag component", () => {
    // GIVEN the app kustomization
    const app = docsOf(renderConfigFilesPlain(VALUES).find((f) => f.path === "app/kustomization.yaml")!)[0];

    // THEN resources and components point at rendered files / directories
    expect(app.resources).toEqual(["namespace.yaml", "deployment.yaml", "service.yaml"]);
    expect(app.components).toEqual(["image-tag"]);
  });
});

describe("the app's manifests", () => {
  test("Deployment, Service and Namespace agree on names, labels, namespace and ports", () => {
    // GIVEN the rendered app objects
    const deployment = only("Deployment", "apps/");
    const service = only("Service", "v1");
    const namespace = only("Namespace", "v1");
    const podLabels = deployment.spec.template.metadata.labels;
    const container = deployment.spec.template.spec.containers[0];

    // THEN selectors match the pod labels, the Service targets the named port, all in one namespace
    expect(namespace.metadata.name).toBe(VALUES.APP_NAMESPACE);
    expect(deployment.metadata.namespace).toBe(VALUES.APP_NAMESPACE);
    expect(service.metadata.namespace).toBe(VALUES.APP_NAMESPACE);
    expect(deployment.metadata.name).toBe(VALUES.APP_NAME);
    expect(service.metadata.name).toBe(VALUES.APP_NAME);
    expect(podLabels["app.kubernetes.io/name"]).toBe(VALUES.APP_NAME);
    expect(podLabels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.replicas).toBe(Number(VALUES.REPLICAS));
    expect(container.ports).toEqual([{ name: "http", containerPort: Number(VALUES.CONTAINER_PORT), protocol: "TCP" }]);
    expect(service.spec).toMatchObject({ type: "ClusterIP", ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] });
    expect(container.readinessProbe.httpGet.port).toBe("http");
    expect(container.livenessProbe.httpGet.port).toBe("http");
  });

  test("the pod is hardened and nginx-unprivileged can still write /tmp", () => {
    // GIVEN the pod spec
    const pod = only("Deployment", "apps/").spec.template.spec;
    const container = pod.containers[0];
    const uid = Number(VALUES.RUN_AS_USER);

    // THEN it runs as non-root with a read-only root filesystem, no capabilities and an emptyDir /tmp
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    const tmp = container.volumeMounts.find((m: Doc) => m.mountPath === "/tmp");
    expect(pod.volumes.find((v: Doc) => v.name === tmp.name).emptyDir).toBeDefined();
    expect(Object.keys(container.resources).sort()).toEqual(["limits", "requests"]);
    expect(container.resources.limits.memory).toBeDefined();
  });
});
