/*
 * Validates Kubernetes API objects against the models of `kubernetes-models` 5.x (core, apps, ...)
 * and `@kubernetes-models/flux-cd` 4.x (Flux toolkit APIs), and reports fields those schemas
 * do not know.
 *
 * Why a child process: both packages are ESM-only while jest runs the tests as CommonJS, and
 * jest's module system cannot load ESM without --experimental-vm-modules. Running this file
 * with plain `node` uses the packages exactly as published, through their public entry points
 * (no copied or regenerated schemas), and costs one process start per test file.
 *
 * Protocol: stdin  {"documents": [{"id": string, "doc": object}, ...]}
 *           stdout {"results":   [{"id": string, "model": string | null, "errors": string[]}, ...]}
 *
 * Unknown fields: the models' validators are compiled from the OpenAPI / CRD schemas, which
 * never set additionalProperties: false, so an unknown or misspelt field passes them. To catch
 * it, each document is validated through a Proxy that records which properties the validator
 * looked at: the compiled code checks every property its schema defines (`data.spec`,
 * `data.spec.policy`, ...), so an own property it never looked at is not in the schema. Maps
 * (labels, resources.limits, ...) are enumerated by the validator; their keys are all accepted.
 * An object the validator did not look into at all (a free-form field) is reported as well,
 * so nothing slips through unchecked.
 */

const KIND = /^[A-Z][A-Za-z0-9]*$/;

/*
 * The models package also carries Flux APIs that Flux 2.9 no longer serves (e.g.
 * image.toolkit.fluxcd.io/v1beta2): only these Flux apiVersions are accepted. The CRDs of
 * image-reflector-controller v1.2 / image-automation-controller v1.2 and kustomize-controller
 * v1.9 (Flux 2.9) define v1 only.
 */
const FLUX_SERVED = new Set([
  "image.toolkit.fluxcd.io/v1",
  "kustomize.toolkit.fluxcd.io/v1",
  "source.toolkit.fluxcd.io/v1",
  "helm.toolkit.fluxcd.io/v2",
  // notification-controller v1.9 serves Provider and Alert as v1beta3 only (Receiver is v1).
  "notification.toolkit.fluxcd.io/v1beta3",
]);

/**
 * Fields that are free-form by design, per model: a HelmRelease's values belong to its chart
 * (the CRD preserves unknown fields there); the templates test checks them against the chart.
 */
const FREE_FORM = { "helm.toolkit.fluxcd.io/v2 HelmRelease": new Set(["/spec/values"]) };

/** The module that holds the model of an apiVersion/kind, or undefined when there is none. */
function modelModule(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !KIND.test(kind)) return undefined;
  if (/\.fluxcd\.io\//.test(apiVersion)) {
    return FLUX_SERVED.has(apiVersion) ? `@kubernetes-models/flux-cd/${apiVersion}/${kind}` : undefined;
  }
  if (/^v1$/.test(apiVersion)) return `kubernetes-models/v1/${kind}`;
  if (/^[a-z0-9.-]+\/v[0-9a-z]+$/.test(apiVersion)) return `kubernetes-models/${apiVersion}/${kind}`;
  return undefined;
}

async function loadModel(apiVersion, kind) {
  const specifier = modelModule(apiVersion, kind);
  if (!specifier) return undefined;
  let mod;
  try {
    mod = await import(specifier);
  } catch {
    return undefined;
  }
  const model = mod[kind];
  // Only top-level API objects: the class must declare exactly this apiVersion and kind.
  if (typeof model !== "function" || model.apiVersion !== apiVersion || model.kind !== kind) return undefined;
  return model;
}

const pointer = (base, key) => `${base}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;

/** A proxy of `doc` and the record of what was looked at, by JSON pointer. */
function tracked(doc) {
  const visits = new Map();
  const visit = (ptr) => {
    let v = visits.get(ptr);
    if (!v) visits.set(ptr, (v = { read: new Set(), enumerated: false }));
    return v;
  };
  const wrap = (value, ptr) => {
    if (value === null || typeof value !== "object") return value;
    return new Proxy(value, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof key !== "string") return v;
        visit(ptr).read.add(key);
        return Object.hasOwn(target, key) ? wrap(v, pointer(ptr, key)) : v;
      },
      has(target, key) {
        if (typeof key === "string") visit(ptr).read.add(key);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        if (typeof key === "string") visit(ptr).read.add(key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
      ownKeys(target) {
        visit(ptr).enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  };
  return { proxy: wrap(doc, ""), visits };
}

function unknownFields(node, ptr, visits, out, freeForm = new Set()) {
  if (freeForm.has(ptr)) return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => unknownFields(item, pointer(ptr, i), visits, out, freeForm));
    return;
  }
  if (node === null || typeof node !== "object") return;
  const keys = Object.keys(node);
  const seen = visits.get(ptr);
  if (keys.length > 0 && !seen) {
    out.push(`${ptr || "/"}: object not described by the schema (free-form), keys: ${keys.join(", ")}`);
    return;
  }
  if (seen && !seen.enumerated) {
    for (const key of keys) if (!seen.read.has(key)) out.push(`${pointer(ptr, key)}: unknown field`);
  }
  for (const key of keys) {
    if (!seen || seen.enumerated || seen.read.has(key)) unknownFields(node[key], pointer(ptr, key), visits, out, freeForm);
  }
}

async function validate({ id, doc }) {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    return { id, model: null, errors: ["document is not an object"] };
  }
  const model = await loadModel(doc.apiVersion, doc.kind);
  if (!model) {
    const why = `no model for apiVersion ${JSON.stringify(doc.apiVersion)} kind ${JSON.stringify(doc.kind)}`;
    const flux = typeof doc.apiVersion === "string" && doc.apiVersion.includes(".fluxcd.io");
    return { id, model: null, errors: [flux ? `${why} (Flux 2.9 serves only ${[...FLUX_SERVED].join(", ")})` : why] };
  }
  const errors = [];
  const { proxy, visits } = tracked(doc);
  try {
    // The public validate() of the model class; called on the proxy (not on a model instance,
    // whose constructor would copy, and so read, every property).
    model.prototype.validate.call(proxy);
  } catch (err) {
    if (Array.isArray(err?.errors)) {
      for (const e of err.errors) errors.push(`${e.instancePath || "/"}: ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
    } else {
      errors.push(String(err?.message ?? err));
    }
  }
  const name = `${model.apiVersion} ${model.kind}`;
  unknownFields(doc, "", visits, errors, FREE_FORM[name]);
  return { id, model: name, errors };
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const { documents } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const results = [];
  for (const entry of documents) results.push(await validate(entry));
  process.stdout.write(JSON.stringify({ results }));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
