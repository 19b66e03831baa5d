import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { parse, parseAllDocuments } from "yaml";
import { ADDONS, fluxAddons } from "../../stacks/addons";
import { INFRASTRUCTURE_CONFIGS_LAYER, INFRASTRUCTURE_LAYER, APP_EXPOSE_LAYER } from "../../stacks/layout";
import { appExposeTemplateValues, infrastructureConfigsTemplateValues } from "../../stacks/manifests/expose-values";
import { renderLayer } from "../../stacks/manifests/render";
import { appTemplateValues, infrastructureTemplateValues } from "../../stacks/manifests/values";
import { type Json, testCluster } from "../support";

/*
 * What serves exposed apps, replayed against what its upstreams publish for the pinned versions
 * (test/addons/upstream/, copied byte for byte from the tags named in their file names):
 * - each controller's HelmRelease values name keys its chart's values.yaml has (Helm ignores an
 *   unknown key silently: a misspelt one would be a setting that does nothing);
 * - every annotation of the Ingress is one the controller documents for v3.5.0;
 * - the IngressClassParams are valid against the CRD the chart installs (the API server would refuse them).
 */

const UPSTREAM = path.join(__dirname, "upstream");
const upstream = (file: string) => fs.readFileSync(path.join(UPSTREAM, file), "utf8");
const CLUSTER = testCluster({ dns: { zoneName: "apps.example.com" }, apps: [{ name: "shop", expose: { host: "shop.apps.example.com" } }] });

/** The chart's values.yaml of each Flux add-on for exposed apps, by add-on name. */
const CHART_VALUES: Record<string, string> = {
  "aws-load-balancer-controller": "aws-load-balancer-controller-3.5.0.values.upstream.yaml",
  "external-dns": "external-dns-1.21.1.values.upstream.yaml",
};

/**
 * The key paths of `values` that `defaults` (a chart's values.yaml) does not have. Below a list, an
 * empty map or a null default the chart takes anything (env, extraArgs, annotations): not descended into.
 */
function unknownKeys(values: unknown, defaults: unknown, at = ""): string[] {
  if (typeof values !== "object" || values === null || Array.isArray(values)) return [];
  if (typeof defaults !== "object" || defaults === null || Array.isArray(defaults) || Object.keys(defaults).length === 0) return [];
  return Object.entries(values as Record<string, unknown>).flatMap(([key, value]) => {
    const where = at ? `${at}.${key}` : key;
    return key in defaults ? unknownKeys(value, (defaults as Record<string, unknown>)[key], where) : [where];
  });
}

describe("the controllers' HelmRelease values against their charts' values.yaml", () => {
  const rendered = renderLayer(INFRASTRUCTURE_LAYER, infrastructureTemplateValues(CLUSTER), { escape: "none" });
  const releaseOf = (addon: string): Json => {
    const file = rendered.find((f) => f.role === `infrastructure.${addon}`)!;
    return parseAllDocuments(file.content)
      .map((d) => d.toJS() as Json)
      .find((d) => d.kind === "HelmRelease")!;
  };

  test("GIVEN every Flux add-on of a cluster with dns whose chart is vendored here THEN each key it sets is one its chart has", () => {
    const checked = fluxAddons(ADDONS).filter((a) => a.name in CHART_VALUES);
    expect(checked.map((a) => a.name).sort()).toEqual(Object.keys(CHART_VALUES).sort());
    for (const addon of checked) {
      const release = releaseOf(addon.name);
      expect(release.spec.chart.spec.version).toBe(addon.chart.version);
      expect([addon.name, unknownKeys(release.spec.values, parse(upstream(CHART_VALUES[addon.name])))]).toEqual([addon.name, []]);
    }
  });

  test("GIVEN a misspelt key THEN the check names it", () => {
    const values = { ...releaseOf("aws-load-balancer-controller").spec.values, clusterNmae: "x", serviceAccount: { nmae: "y" } };
    expect(unknownKeys(values, parse(upstream(CHART_VALUES["aws-load-balancer-controller"])))).toEqual(["serviceAccount.nmae", "clusterNmae"]);
  });
});

describe("the Ingress and the IngressClassParams against the controller v3.5.0", () => {
  const app = CLUSTER.apps[0];
  const [ingress] = parseAllDocuments(
    renderLayer(APP_EXPOSE_LAYER, { ...appTemplateValues(CLUSTER, app, "ecr"), ...appExposeTemplateValues(CLUSTER, app) }, { escape: "none" }).find(
      (f) => f.role === "app.expose.ingress",
    )!.content,
  ).map((d) => d.toJS() as Json);
  const documented = new Set(upstream("aws-load-balancer-controller-v3.5.0.annotations.upstream.md").match(/alb\.ingress\.kubernetes\.io\/[a-z0-9.-]+/g));

  test("GIVEN the Ingress of an exposed app THEN each of its controller annotations is documented for the pinned version", () => {
    const ours = Object.keys(ingress.metadata.annotations as Record<string, string>).filter((a) => a.startsWith("alb.ingress.kubernetes.io/"));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.filter((a) => !documented.has(a))).toEqual([]);
    expect(documented.has("alb.ingress.kubernetes.io/listen-port")).toBe(false);
  });

  const crd = parse(upstream("aws-load-balancer-controller-v3.5.0.ingressclassparams-crd.upstream.yaml")) as Json;
  const version = (crd.spec.versions as Json[]).find((v) => v.name === "v1beta1")!;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(version.schema.openAPIV3Schema as object);
  const classes = parseAllDocuments(
    renderLayer(INFRASTRUCTURE_CONFIGS_LAYER, infrastructureConfigsTemplateValues(CLUSTER), { escape: "none" }).find(
      (f) => f.role === "infrastructure-configs.ingress-classes",
    )!.content,
  ).map((d) => d.toJS() as Json);

  test("GIVEN the IngressClassParams THEN each is valid against the CRD the chart installs, at the version it names", () => {
    const params = classes.filter((d) => d.kind === "IngressClassParams");
    expect(params.map((p) => p.apiVersion)).toEqual(["elbv2.k8s.aws/v1beta1", "elbv2.k8s.aws/v1beta1"]);
    for (const p of params) expect([p.metadata.name, validate(p), validate.errors]).toEqual([p.metadata.name, true, null]);
    // The CRD's schema does not refuse unknown fields (the API server prunes them silently): each field must be one it has.
    const known = (version.schema.openAPIV3Schema as Json).properties.spec.properties as Record<string, unknown>;
    for (const p of params) expect([p.metadata.name, Object.keys(p.spec as object).filter((k) => !(k in known))]).toEqual([p.metadata.name, []]);
  });

  test("GIVEN a scheme the CRD does not know THEN it is refused", () => {
    const wrong = { ...classes[0], spec: { ...classes[0].spec, scheme: "public" } };
    expect(validate(wrong)).toBe(false);
  });
});
