import * as path from "path";
import Ajv from "ajv";
import { parseAllDocuments } from "yaml";
import { validateApiObjects, type ValidatorResult } from "./api-validator";
import { exampleSettings, renderedFiles } from "./fixtures";
import type { Json } from "../support";

/*
 * Every rendered document is parsed and validated against real schemas:
 *
 * - Kubernetes API objects (core/apps from kubernetes-models 5.x, Flux 2.9 image.toolkit v1 and
 *   kustomize.toolkit v1 from @kubernetes-models/flux-cd 4.x) by ./k8s-validate.mjs in a child
 *   `node` process. Those packages are ESM-only and jest runs CommonJS; a child process uses them
 *   unmodified through their public entry points, with JSON in and out, where in-process tricks
 *   (--experimental-vm-modules, require(esm) across jest's sandbox) would depend on jest and
 *   Node internals. The validator also reports fields the schemas do not define (see there).
 * - kustomize's own kustomization.yaml files (Kustomization, Component) are not API objects and
 *   have no model in those packages: they are checked with ajv against the strict schema below,
 *   written from the field list of kustomize's api/types/kustomization.go.
 *
 * Deliberately broken documents go through the same validators, to prove each can fail.
 */

// A range with spaces and operators, and a short scan interval, to exercise quoting and patterns.
// A second app in the same namespace with autoscaling, so the HorizontalPodAutoscaler component is validated too.
const SETTINGS = exampleSettings({
  apps: [
    { semverRange: ">=1.0.0 <2.0.0", initialTag: "1.0.0" },
    { name: "api", autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilization: 60 } },
  ],
  flux: { imageScanInterval: "5m" },
});
const FILES = renderedFiles(SETTINGS);
/** The notification objects at the end of the cluster's files (commit statuses are on by default). */
const NOTIFICATION_DOCS = [
  "clusters/flux-cluster/notifications.yaml notification.toolkit.fluxcd.io/v1beta3 Provider",
  "clusters/flux-cluster/notifications.yaml notification.toolkit.fluxcd.io/v1beta3 Alert",
];
/** Every path of the rendered tree, files and the folders above them. */
const TREE = new Set(FILES.flatMap((f) => f.path.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"))));

// Parsed manifests: arbitrary YAML.
type Doc = Json;
interface Rendered {
  id: string;
  file: string;
  doc: Doc;
}

const KUSTOMIZE_API = /^kustomize\.config\.k8s\.io\//;

/*
 * kustomize.config.k8s.io: the top-level fields of kustomize's Kustomization type (shared by
 * Component), strictly; the parts these templates use are typed in detail.
 */
const KUSTOMIZE_TOP_LEVEL = [
  "apiVersion",
  "kind",
  "metadata",
  "openapi",
  "namePrefix",
  "nameSuffix",
  "namespace",
  "commonLabels",
  "labels",
  "commonAnnotations",
  "patchesStrategicMerge",
  "patchesJson6902",
  "patches",
  "images",
  "imageTags",
  "replacements",
  "replicas",
  "vars",
  "sortOptions",
  "resources",
  "components",
  "crds",
  "bases",
  "configMapGenerator",
  "secretGenerator",
  "helmGlobals",
  "helmCharts",
  "helmChartInflationGenerator",
  "generatorOptions",
  "configurations",
  "generators",
  "transformers",
  "validators",
  "buildMetadata",
];
const kustomizeSchema = {
  type: "object",
  required: ["apiVersion", "kind"],
  additionalProperties: false,
  properties: {
    ...Object.fromEntries(KUSTOMIZE_TOP_LEVEL.map((k) => [k, {}])),
    kind: { enum: ["Kustomization", "Component"] },
    resources: { type: "array", items: { type: "string", minLength: 1 } },
    components: { type: "array", items: { type: "string", minLength: 1 } },
    images: {
      type: "array",
      items: {
        type: "object",
        required: ["name"],
        additionalProperties: false,
        properties: {
          name: { type: "string", minLength: 1 },
          newName: { type: "string" },
          newTag: { type: "string", minLength: 1 },
          digest: { type: "string" },
          tagSuffix: { type: "string" },
        },
      },
    },
  },
  // kustomize's EnforceFields: a Component is v1alpha1, a Kustomization v1beta1.
  if: { properties: { kind: { const: "Component" } } },
  then: { properties: { apiVersion: { const: "kustomize.config.k8s.io/v1alpha1" } } },
  else: { properties: { apiVersion: { const: "kustomize.config.k8s.io/v1beta1" } } },
};
const validateKustomize = new Ajv({ allErrors: true, strict: true }).compile(kustomizeSchema);

function kustomizeErrors(doc: unknown): string[] {
  if (validateKustomize(doc)) return [];
  return (validateKustomize.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message} ${JSON.stringify(e.params)}`);
}

/** Duration pattern of the Flux CRDs (kustomize-controller v1.9, image-reflector-controller v1.2). */
const FLUX_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/**
 * Checks the model validators cannot make: the rules of this repository. `tree` holds every path
 * (files and folders) the repository will have, relative to its root.
 */
function policyErrors(doc: Doc, file: string, tree: ReadonlySet<string> = TREE): string[] {
  const errors: string[] = [];
  const apiVersion = String(doc.apiVersion ?? "");
  if (/^image\.toolkit\.fluxcd\.io\/v1(alpha|beta)/.test(apiVersion)) errors.push(`${apiVersion}: Flux 2.9 serves image.toolkit.fluxcd.io/v1 only`);
  if (doc.kind === "Secret") errors.push("a Secret: credentials never go to Git");
  // The one exception: the notification Provider names the token Secret Terraform creates in the cluster.
  const isNotificationProvider = /^notification\.toolkit\.fluxcd\.io\//.test(apiVersion) && doc.kind === "Provider";
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}/${i}`));
    else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        if (/^(secretRef|secretGenerator)$/.test(k) && !(at === "/spec" && isNotificationProvider)) {
          errors.push(`${at}/${k}: no Secret references (Pod Identity, deploy key)`);
        }
        walk(v, `${at}/${k}`);
      }
    }
  };
  walk(doc, "");
  if (KUSTOMIZE_API.test(apiVersion)) {
    const dir = path.posix.dirname(file);
    for (const field of ["resources", "components"] as const) {
      for (const ref of (doc[field] ?? []) as string[]) {
        const target = path.posix.join(dir, ref);
        if (!tree.has(target)) errors.push(`${field}: ${ref} does not exist in ${dir}`);
        else if (field === "components" && !tree.has(`${target}/kustomization.yaml`)) errors.push(`components: ${ref} has no kustomization.yaml`);
      }
    }
  } else if (typeof doc.metadata?.name !== "string" || doc.metadata.name === "") {
    errors.push("metadata.name missing");
  }
  if (/\.fluxcd\.io\//.test(apiVersion)) {
    // The CRDs constrain durations with this pattern; the models do not carry patterns.
    for (const field of ["interval", "timeout", "retryInterval"]) {
      const value = doc.spec?.[field];
      if (value !== undefined && !(typeof value === "string" && FLUX_DURATION.test(value)))
        errors.push(`spec.${field}: ${JSON.stringify(value)} is not a duration`);
    }
  }
  if (doc.kind === "ImageUpdateAutomation") {
    const template = String(doc.spec?.git?.commit?.messageTemplate ?? "");
    if (/\.Updated\b/.test(template)) errors.push("messageTemplate uses .Updated, removed in v1 (the object stalls)");
  }
  return errors;
}

function renderAll(): Rendered[] {
  return FILES.flatMap((f) =>
    parseAllDocuments(f.content).map((d, i) => {
      const problems = [...d.errors, ...d.warnings].map(String);
      if (problems.length > 0) throw new Error(`${f.path}#${i}: ${problems.join("; ")}`);
      return { id: `${f.path}#${i}`, file: f.path, doc: d.toJS() as Doc };
    }),
  );
}

/** Deliberately broken documents, each derived from a rendered one. */
function brokenFixtures(docs: Rendered[]): Record<string, Doc> {
  const find = (kind: string) => structuredClone(docs.find((d) => d.doc.kind === kind && !KUSTOMIZE_API.test(d.doc.apiVersion))!.doc);
  const policyUnknownField = find("ImagePolicy");
  policyUnknownField.spec.policy.semver.rnage = "1.x";
  const policyTopUnknown = find("ImagePolicy");
  policyTopUnknown.spec.imageRepository = { name: "typo" };
  const deploymentNoSelector = find("Deployment");
  delete deploymentNoSelector.spec.selector;
  const deploymentBadPort = find("Deployment");
  deploymentBadPort.spec.template.spec.containers[0].ports[0].containerPort = "http";
  const deploymentUnknownNested = find("Deployment");
  deploymentUnknownNested.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
  const repoBadProvider = find("ImageRepository");
  repoBadProvider.spec.provider = "ecr";
  const iuaNoAuthor = find("ImageUpdateAutomation");
  delete iuaNoAuthor.spec.git.commit.author;
  const v1beta2 = find("ImagePolicy");
  v1beta2.apiVersion = "image.toolkit.fluxcd.io/v1beta2";
  const fluxKsNoPrune = find("Kustomization");
  delete fluxKsNoPrune.spec.prune;
  return {
    policyUnknownField,
    policyTopUnknown,
    deploymentNoSelector,
    deploymentBadPort,
    deploymentUnknownNested,
    repoBadProvider,
    iuaNoAuthor,
    v1beta2,
    fluxKsNoPrune,
    unknownKind: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } },
  };
}

describe("rendered manifests against real schemas", () => {
  let docs: Rendered[];
  let broken: Record<string, Doc>;
  let results: Map<string, ValidatorResult>;

  beforeAll(() => {
    // GIVEN every rendered document, and broken variants of some of them
    docs = renderAll();
    broken = brokenFixtures(docs);
    // WHEN the API objects (all at once, one child process) are validated
    results = validateApiObjects([
      ...docs.filter((d) => !KUSTOMIZE_API.test(d.doc.apiVersion)).map(({ id, doc }) => ({ id, doc })),
      ...Object.entries(broken).map(([id, doc]) => ({ id: `broken:${id}`, doc })),
    ]);
  });

  test("the documents are the expected API objects", () => {
    // THEN each file holds what its name says
    expect(docs.map((d) => `${d.file} ${d.doc.apiVersion} ${d.doc.kind}`)).toEqual([
      "infrastructure/flux-cluster/image-repository-identity.yaml admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy",
      "infrastructure/flux-cluster/image-repository-identity.yaml admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding",
      "infrastructure/flux-cluster/team-guardrails.yaml admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy",
      "infrastructure/flux-cluster/team-guardrails.yaml admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding",
      "infrastructure/flux-cluster/cluster-autoscaler.yaml source.toolkit.fluxcd.io/v1 HelmRepository",
      "infrastructure/flux-cluster/cluster-autoscaler.yaml helm.toolkit.fluxcd.io/v2 HelmRelease",
      "infrastructure/flux-cluster/kustomization.yaml kustomize.config.k8s.io/v1beta1 Kustomization",
      "apps/flux-cluster/namespaces/apps.yaml v1 Namespace",
      "apps/flux-cluster/namespaces/apps.yaml networking.k8s.io/v1 NetworkPolicy",
      "apps/flux-cluster/namespaces/apps.yaml networking.k8s.io/v1 NetworkPolicy",
      "apps/flux-cluster/namespaces/apps.yaml networking.k8s.io/v1 NetworkPolicy",
      "apps/flux-cluster/nginx/service.yaml v1 Service",
      "apps/flux-cluster/nginx/deployment.yaml apps/v1 Deployment",
      "apps/flux-cluster/nginx/pdb.yaml policy/v1 PodDisruptionBudget",
      "apps/flux-cluster/nginx/image/kustomization.yaml kustomize.config.k8s.io/v1alpha1 Component",
      "apps/flux-cluster/nginx/kustomization.yaml kustomize.config.k8s.io/v1beta1 Kustomization",
      "apps/flux-cluster/api/service.yaml v1 Service",
      "apps/flux-cluster/api/deployment.yaml apps/v1 Deployment",
      "apps/flux-cluster/api/pdb.yaml policy/v1 PodDisruptionBudget",
      "apps/flux-cluster/api/image/kustomization.yaml kustomize.config.k8s.io/v1alpha1 Component",
      "apps/flux-cluster/api/autoscaling/hpa.yaml autoscaling/v2 HorizontalPodAutoscaler",
      "apps/flux-cluster/api/autoscaling/kustomization.yaml kustomize.config.k8s.io/v1alpha1 Component",
      "apps/flux-cluster/api/kustomization.yaml kustomize.config.k8s.io/v1beta1 Kustomization",
      "apps/flux-cluster/kustomization.yaml kustomize.config.k8s.io/v1beta1 Kustomization",
      "clusters/flux-cluster/infrastructure.yaml kustomize.toolkit.fluxcd.io/v1 Kustomization",
      "clusters/flux-cluster/apps.yaml kustomize.toolkit.fluxcd.io/v1 Kustomization",
      "clusters/flux-cluster/images/nginx.yaml image.toolkit.fluxcd.io/v1 ImageRepository",
      "clusters/flux-cluster/images/nginx.yaml image.toolkit.fluxcd.io/v1 ImagePolicy",
      "clusters/flux-cluster/images/api.yaml image.toolkit.fluxcd.io/v1 ImageRepository",
      "clusters/flux-cluster/images/api.yaml image.toolkit.fluxcd.io/v1 ImagePolicy",
      "clusters/flux-cluster/image-automation.yaml image.toolkit.fluxcd.io/v1 ImageUpdateAutomation",
      ...NOTIFICATION_DOCS,
    ]);
  });

  test("every API object is valid for its model, with no unknown field", () => {
    // THEN the validator found a model for each one and no error
    const apiObjects = docs.filter((d) => !KUSTOMIZE_API.test(d.doc.apiVersion));
    expect(apiObjects.length).toBeGreaterThan(0);
    for (const { id, doc } of apiObjects) {
      expect({ id, ...results.get(id) }).toEqual({ id, model: `${doc.apiVersion} ${doc.kind}`, errors: [] });
    }
  });

  test("every kustomize file is a valid Kustomization or Component, with no unknown field", () => {
    // THEN the strict kustomize schema accepts them
    const kustomizeFiles = docs.filter((d) => KUSTOMIZE_API.test(d.doc.apiVersion));
    expect(kustomizeFiles.map((d) => d.file)).toEqual([
      "infrastructure/flux-cluster/kustomization.yaml",
      "apps/flux-cluster/nginx/image/kustomization.yaml",
      "apps/flux-cluster/nginx/kustomization.yaml",
      "apps/flux-cluster/api/image/kustomization.yaml",
      "apps/flux-cluster/api/autoscaling/kustomization.yaml",
      "apps/flux-cluster/api/kustomization.yaml",
      "apps/flux-cluster/kustomization.yaml",
    ]);
    for (const { id, doc } of kustomizeFiles) expect({ id, errors: kustomizeErrors(doc) }).toEqual({ id, errors: [] });
  });

  test("every document follows the repository's rules (names, APIs, no Secrets, existing resources)", () => {
    // THEN no document breaks one
    for (const { id, file, doc } of docs) expect({ id, errors: policyErrors(doc, file) }).toEqual({ id, errors: [] });
  });

  test.each([
    ["policyUnknownField", /\/spec\/policy\/semver\/rnage: unknown field/],
    ["policyTopUnknown", /\/spec\/imageRepository: unknown field/],
    ["deploymentNoSelector", /\/spec: must have required property selector/],
    ["deploymentBadPort", /containerPort: must be integer/],
    ["deploymentUnknownNested", /securityContext\/readOnlyRootFileSystem: unknown field/],
    ["repoBadProvider", /\/spec\/provider: must be equal to one of the allowed values/],
    ["iuaNoAuthor", /\/spec\/git\/commit: must have required property author/],
    ["v1beta2", /no model for apiVersion "image\.toolkit\.fluxcd\.io\/v1beta2".*Flux 2\.9 serves only/],
    ["fluxKsNoPrune", /\/spec: must have required property prune/],
    ["unknownKind", /no model for apiVersion "example\.com\/v1" kind "Widget"/],
  ])("the API validator rejects a broken document: %s", (name, expected) => {
    // GIVEN a deliberately broken document (validated in beforeAll)
    const result = results.get(`broken:${name}`)!;
    // THEN it has exactly the expected kind of error
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.join("\n")).toMatch(expected);
  });

  test("the kustomize schema rejects unknown fields, bad images and a mismatched apiVersion", () => {
    // GIVEN broken kustomize files
    const root = docs.find((d) => d.file === "apps/flux-cluster/nginx/kustomization.yaml")!.doc;
    const component = docs.find((d) => d.file === "apps/flux-cluster/nginx/image/kustomization.yaml")!.doc;

    // WHEN / THEN each is rejected for its fault
    expect(kustomizeErrors({ ...root, resource: ["typo.yaml"] }).join()).toMatch(/must NOT have additional properties.*resource/);
    expect(kustomizeErrors({ ...component, images: [{ name: "x", newtag: "1" }] }).join()).toMatch(/newtag/);
    expect(kustomizeErrors({ ...component, apiVersion: "kustomize.config.k8s.io/v1beta1" }).join()).toMatch(/\/apiVersion: must be equal to constant/);
    expect(kustomizeErrors({ ...root, kind: "Kustomisation" }).join()).toMatch(/\/kind: must be equal to one of the allowed values/);
  });

  test("the repository rules reject what the schemas allow", () => {
    // GIVEN documents that are schema-valid but break the rules
    const iua = structuredClone(docs.find((d) => d.doc.kind === "ImageUpdateAutomation")!.doc);
    iua.spec.git.commit.messageTemplate = "{{range .Updated.Images}}{{println .}}{{end}}";
    const repo = structuredClone(docs.find((d) => d.doc.kind === "ImageRepository")!.doc);
    repo.spec.secretRef = { name: "ecr-credentials" };
    const oldApi = { ...repo, apiVersion: "image.toolkit.fluxcd.io/v1beta2" };
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "token" }, stringData: { token: "example" } };
    const ks = structuredClone(docs.find((d) => d.doc.kind === "Kustomization" && d.file === "clusters/flux-cluster/apps.yaml")!.doc);
    ks.spec.timeout = "five minutes";
    const unnamed = { apiVersion: "v1", kind: "Namespace", metadata: {} };
    const app = structuredClone(docs.find((d) => d.file === "apps/flux-cluster/nginx/kustomization.yaml")!.doc);
    app.resources = ["deployment.yaml", "missing.yaml"];
    const noComponent = structuredClone(app);
    noComponent.resources = [];
    noComponent.components = ["service.yaml"];

    // WHEN / THEN each is rejected for its fault
    const automation = "clusters/flux-cluster/image-automation.yaml";
    expect(policyErrors(iua, automation).join()).toMatch(/\.Updated/);
    expect(policyErrors(repo, automation).join()).toMatch(/\/spec\/secretRef/);
    expect(policyErrors(oldApi, automation).join()).toMatch(/serves image\.toolkit\.fluxcd\.io\/v1 only/);
    expect(policyErrors(secret, "apps/flux-cluster/nginx/secret.yaml").join()).toMatch(/a Secret/);
    expect(policyErrors(ks, "clusters/flux-cluster/apps.yaml")).toEqual(['spec.timeout: "five minutes" is not a duration']);
    expect(policyErrors(unnamed, "apps/flux-cluster/nginx/namespace.yaml").join()).toMatch(/metadata\.name missing/);
    expect(policyErrors(app, "apps/flux-cluster/nginx/kustomization.yaml")).toEqual(["resources: missing.yaml does not exist in apps/flux-cluster/nginx"]);
    expect(policyErrors(noComponent, "apps/flux-cluster/nginx/kustomization.yaml")).toEqual(["components: service.yaml has no kustomization.yaml"]);
  });
});

describe("GIVEN a cluster with dns and exposed apps: its own documents against the models", () => {
  const exposed = renderedFiles(
    exampleSettings({
      dns: { zoneName: "apps.example.com" },
      apps: [
        { expose: { host: "nginx.apps.example.com" } },
        { name: "admin", ecr: { repositoryName: "admin-repo" }, expose: { host: "admin.apps.example.com", internal: true } },
      ],
    }),
  );
  const plainPaths = new Set(FILES.map((f) => f.path));
  // What only a cluster with dns has (the files the default cluster has are checked above).
  const own = exposed
    .filter((f) => !plainPaths.has(f.path) || /^clusters\/[^/]+\/(infrastructure|apps)\.yaml$/.test(f.path))
    .flatMap((f) => parseAllDocuments(f.content).map((d, i) => ({ id: `${f.path}#${i}`, file: f.path, doc: d.toJS() as Doc })));
  // The IngressClassParams is a CRD of the controller's chart, with no model here: test/addons/exposure-upstream.test.ts checks it against that CRD.
  const apiObjects = own.filter((d) => !KUSTOMIZE_API.test(d.doc.apiVersion) && d.doc.kind !== "IngressClassParams");
  const results = validateApiObjects(apiObjects.map(({ id, doc }) => ({ id, doc })));

  test("THEN the controllers' HelmReleases, the IngressClasses, the Ingresses, their NetworkPolicies and the layer Kustomizations are valid for their models", () => {
    expect(apiObjects.map((d) => `${d.doc.apiVersion} ${d.doc.kind}`).sort()).toEqual(
      expect.arrayContaining([
        "helm.toolkit.fluxcd.io/v2 HelmRelease",
        "networking.k8s.io/v1 IngressClass",
        "networking.k8s.io/v1 Ingress",
        "networking.k8s.io/v1 NetworkPolicy",
        "kustomize.toolkit.fluxcd.io/v1 Kustomization",
      ]),
    );
    for (const { id, doc } of apiObjects) expect({ id, ...results.get(id) }).toEqual({ id, model: `${doc.apiVersion} ${doc.kind}`, errors: [] });
  });

  test("THEN its kustomize files are valid Kustomizations or Components", () => {
    const kustomizeFiles = own.filter((d) => KUSTOMIZE_API.test(d.doc.apiVersion));
    expect(kustomizeFiles.map((d) => d.file)).toEqual(
      expect.arrayContaining(["infrastructure-configs/flux-cluster/kustomization.yaml", "apps/flux-cluster/nginx/expose/kustomization.yaml"]),
    );
    for (const { id, doc } of kustomizeFiles) expect({ id, errors: kustomizeErrors(doc) }).toEqual({ id, errors: [] });
  });
});
