import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ADDON_PHASES } from "../../stacks/addons/addon";
import { type Addon, ADDONS, type EksAddonUnit, EKS_ADDON_NAMES, eksAddons, fluxAddons, supportedKubernetesVersions } from "../../stacks/addons";
import { INDEX_FILE, INFRASTRUCTURE_LAYER } from "../../stacks/layout";
import { CONFIG_FILES_DIR, renderLayer } from "../../stacks/manifests/render";
import { infrastructureTemplateValues } from "../../stacks/manifests/values";
import { IAM_ROLE_NAME_MAX } from "../../stacks/settings/schema/common";
import { eksSchema } from "../../stacks/settings/schema/eks";
import { settingsSchema } from "../../stacks/settings/schema";
import { MINIMAL_SETTINGS, testCluster } from "../support";

/*
 * What every add-on unit of stacks/addons/ must be, so that adding one is its file and a line of
 * the registry: these hold for any registry, and today's is checked against them.
 */

/** The problems of a registry, one line each (empty when it keeps every invariant). */
function registryProblems(addons: readonly Addon[], longestClusterName: string): string[] {
  const problems: string[] = [];
  const repeated = (what: string, values: string[]) =>
    values.filter((v, i) => values.indexOf(v) !== i).forEach((v) => problems.push(`${what} ${v} is declared twice`));
  repeated(
    "add-on",
    addons.map((a) => a.name),
  );
  const identities = addons.flatMap((a) => (a.identity ? [a.identity] : []));
  repeated(
    "identity id",
    identities.map((i) => i.id),
  );
  repeated(
    "role name",
    identities.map((i) => i.roleName(longestClusterName).toLowerCase()),
  );
  repeated(
    "service account",
    identities.map((i) => `${i.namespace}/${i.serviceAccount}`),
  );
  for (const addon of addons) {
    const expected = addon.installedBy === "eks" ? ["before-nodes", "after-nodes"] : ["infrastructure-layer"];
    if (!ADDON_PHASES.includes(addon.phase) || !expected.includes(addon.phase))
      problems.push(`${addon.name}: phase ${addon.phase} is not one of ${expected.join(", ")}`);
    const role = addon.identity?.roleName(longestClusterName);
    if (role !== undefined && role.length > IAM_ROLE_NAME_MAX) problems.push(`${addon.name}: role ${role} is longer than ${IAM_ROLE_NAME_MAX} characters`);
    if (role !== undefined && !role.startsWith(`${longestClusterName}-`))
      problems.push(`${addon.name}: role ${role} does not start with the cluster's name (IAM names are account-wide)`);
    if (addon.installedBy === "eks" && addon.providesPodIdentity && addon.phase !== "before-nodes")
      problems.push(`${addon.name}: hands out Pod Identity credentials after the nodes`);
  }
  const early = eksAddons(addons).filter((a) => a.phase === "before-nodes");
  if (early.some((a) => a.identity) && !early.some((a) => a.providesPodIdentity))
    problems.push("a before-nodes add-on has an identity, but none hands out Pod Identity credentials");
  return problems;
}

/** The longest cluster name the settings accept, found by validation. */
function longestClusterName(): string {
  let longest = "";
  for (let n = 1; n <= 80; n++) {
    const name = "c".repeat(n);
    if (settingsSchema.safeParse({ ...MINIMAL_SETTINGS, clusters: [{ name }] }).success) longest = name;
  }
  return longest;
}

describe("the add-on registry", () => {
  const longest = longestClusterName();

  test("GIVEN the settings WHEN the longest cluster name is probed THEN it is a real limit (sanity)", () => {
    expect(longest.length).toBeGreaterThan(20);
    expect(longest.length).toBeLessThan(64);
  });

  test("GIVEN the registry THEN names, identities, role names and service accounts are unique, phases fit the installer, and roles fit IAM's limit", () => {
    expect(ADDONS.length).toBeGreaterThan(5);
    expect(registryProblems(ADDONS, longest)).toEqual([]);
  });

  test("GIVEN registries that break each invariant THEN each is named (the check can fail)", () => {
    const [vpcCni] = eksAddons();
    const withIdentity = eksAddons().find((a) => a.identity)!;
    const longRole: EksAddonUnit = {
      ...withIdentity,
      name: "long",
      identity: { ...withIdentity.identity!, id: "long-identity", roleName: (c) => `${c}-${"x".repeat(40)}` },
    };
    const agentLess = ADDONS.filter((a) => !(a.installedBy === "eks" && a.providesPodIdentity));
    const wrongPhase = { ...vpcCni, name: "wrong", identity: undefined, phase: "infrastructure-layer" } as unknown as Addon; // a unit the type would refuse
    expect(registryProblems([...ADDONS, vpcCni], longest)).toEqual(
      expect.arrayContaining(["add-on vpc-cni is declared twice", "identity id vpc-cni-identity is declared twice"]),
    );
    expect(registryProblems([...ADDONS, longRole], longest)).toEqual([
      expect.stringMatching(/^service account .* is declared twice$/),
      expect.stringMatching(/^long: role c+-x{40} is longer than 64 characters$/),
    ]);
    expect(registryProblems(agentLess, longest)).toEqual(["a before-nodes add-on has an identity, but none hands out Pod Identity credentials"]);
    expect(registryProblems([...ADDONS, wrongPhase], longest)).toEqual(["wrong: phase infrastructure-layer is not one of before-nodes, after-nodes"]);
  });

  test("GIVEN the EKS add-ons THEN each is a key of eks.addonVersions, in the registry's order, and its description names each", () => {
    expect(EKS_ADDON_NAMES).toEqual(eksAddons().map((a) => a.name));
    for (const name of EKS_ADDON_NAMES) expect(eksSchema.safeParse({ addonVersions: { [name]: "v1.2.3-eksbuild.1" } }).success).toBe(true);
    expect(eksSchema.safeParse({ addonVersions: { "cluster-autoscaler": "v1.2.3-eksbuild.1" } }).success).toBe(false);
    const description = eksSchema.shape.addonVersions.description ?? "";
    expect(description).toContain(`(${EKS_ADDON_NAMES.map((n) => `\`${n}\``).join(", ")})`);
  });

  test("GIVEN each unit THEN it is stacks/addons/<name>.ts, and every file of stacks/addons/ but the declaration and the registry is a unit listed", () => {
    const dir = path.resolve(__dirname, "..", "..", "stacks", "addons");
    const units = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "addon.ts" && f !== "index.ts");
    expect(units.sort()).toEqual(ADDONS.map((a) => `${a.name}.ts`).sort());
  });

  test("GIVEN the Flux add-ons THEN each template is in the infrastructure layer, listed by its rendered kustomization.yaml, before it", () => {
    // A cluster with dns gets every Flux add-on.
    const rendered = renderLayer(INFRASTRUCTURE_LAYER, infrastructureTemplateValues(testCluster({ dns: { zoneName: "apps.example.com" } })));
    const kustomization = parse(rendered.find((f) => f.role === "infrastructure.index")!.content) as { resources: string[] };
    const layerFiles = INFRASTRUCTURE_LAYER.files.map((f) => f.template);
    // The index lists every other file of the layer, in commit order: an add-on's template is listed by declaring it.
    expect(kustomization.resources).toEqual(layerFiles.filter((f) => f !== INDEX_FILE));
    for (const addon of fluxAddons()) {
      expect(fs.existsSync(path.join(CONFIG_FILES_DIR, INFRASTRUCTURE_LAYER.templateDir, addon.templateFile))).toBe(true);
      expect(kustomization.resources).toContain(addon.templateFile);
      expect(layerFiles.indexOf(addon.templateFile)).toBeGreaterThanOrEqual(0);
      expect(layerFiles.indexOf(addon.templateFile)).toBeLessThan(layerFiles.indexOf(INDEX_FILE));
    }
  });

  test("GIVEN a Flux add-on's images THEN each tag's minor is its Kubernetes minor, and the settings accept exactly the versions every one pins", () => {
    for (const addon of fluxAddons()) {
      // Pinned per Kubernetes minor, or the chart's own image, said: one of the two.
      expect([addon.name, addon.imageTags === undefined, addon.chartImage === undefined]).toEqual([
        addon.name,
        addon.chartImage !== undefined,
        addon.imageTags !== undefined,
      ]);
      for (const [minor, tag] of Object.entries(addon.imageTags ?? {}))
        expect([addon.name, tag]).toEqual([addon.name, expect.stringMatching(new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+$`))]);
    }
    const supported = supportedKubernetesVersions() ?? [];
    expect(supported.length).toBeGreaterThan(0);
    for (const version of ["1.32", ...supported, "1.99"]) {
      const accepted = eksSchema.safeParse({ kubernetesVersion: version }).success;
      expect([version, accepted]).toEqual([version, supported.includes(version)]);
    }
  });

  test("GIVEN supportedKubernetesVersions THEN it is the versions every Flux add-on pins, and any version without one", () => {
    const [autoscaler] = fluxAddons();
    const other = { ...autoscaler, name: "other", imageTags: { "1.34": "v1.34.0", "1.35": "v1.35.1", "1.36": "v1.36.0" } };
    expect(supportedKubernetesVersions([...ADDONS, other])).toEqual(["1.34", "1.35"]);
    expect(supportedKubernetesVersions(eksAddons())).toBeUndefined();
  });

  test("GIVEN each identity's inline policy THEN it is JSON that grants no wildcard action", () => {
    const context = {
      partition: "aws",
      region: "us-west-2",
      accountId: "111122223333",
      clusterName: "prod",
      zoneArn: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
    };
    for (const identity of ADDONS.flatMap((a) => (a.identity?.inlinePolicy ? [a.identity] : []))) {
      const policy = JSON.parse(identity.inlinePolicy!(context)) as { Statement: { Action: string | string[] }[] };
      const actions = policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
      expect([identity.id, actions.filter((a) => a.includes("*"))]).toEqual([identity.id, []]);
    }
  });
});
