import { stringify } from "yaml";
import { fluxSystemKustomization, OBJECT_LEVEL_WORKLOAD_IDENTITY_GATE } from "../../stacks/constructs/gitops/flux-bootstrap";
import { repositoryPaths } from "../../stacks/repository-paths";
import { documentsOf, exampleSettings, renderedFiles } from "../manifests/fixtures";
import { buildLikeFlux, findKustomize, writeTree } from "./kustomize-controller";
import * as fs from "fs";
import type { Json } from "../support";

/*
 * The multi-tenancy lock-down Flux documents, applied through the bootstrap's kustomization
 * override: built with kustomize over stand-ins of the five controllers and the sync objects, and
 * checked against what the platform's own objects need to keep working under it.
 */

const kustomize = findKustomize();
const CONTROLLERS = [
  "source-controller",
  "kustomize-controller",
  "helm-controller",
  "notification-controller",
  "image-reflector-controller",
  "image-automation-controller",
];

/** Stand-ins of gotk-components.yaml (one Deployment per controller, args as Flux ships them) and gotk-sync.yaml. */
function bootstrapTree(): Map<string, string> {
  const dir = repositoryPaths.fluxSystem("test-cluster");
  const deployments = CONTROLLERS.map((name) =>
    stringify({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: "flux-system" },
      spec: {
        template: { spec: { containers: [{ name: "manager", args: ["--events-addr=http://notification-controller.flux-system.svc.cluster.local./"] }] } },
      },
    }),
  );
  const sync = stringify({
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name: "flux-system", namespace: "flux-system" },
    spec: { interval: "10m0s", path: "./clusters/test-cluster", prune: true, sourceRef: { kind: "GitRepository", name: "flux-system" } },
  });
  return new Map([
    [`${dir}/kustomization.yaml`, fluxSystemKustomization("SHA256:exampleFingerprintOnlyForTests")],
    [`${dir}/gotk-components.yaml`, deployments.join("---\n")],
    [`${dir}/gotk-sync.yaml`, sync],
  ]);
}

if (!kustomize) {
  const reason = "no kustomize with Components support on PATH or in .cache/bin; .ci/run installs one";
  console.warn(`lock-down tests SKIPPED: ${reason}`);
  test.skip(`the multi-tenancy lock-down — skipped: ${reason}`, () => undefined);
} else {
  describe(`the multi-tenancy lock-down, built with ${kustomize.description}`, () => {
    let objects: Json[];

    beforeAll(() => {
      // WHEN flux-system/ is built as kustomize-controller builds it
      const root = writeTree(bootstrapTree());
      try {
        const built = buildLikeFlux(kustomize, root, repositoryPaths.fluxSystem("test-cluster"));
        if (!built.ok) throw new Error(built.error);
        objects = built.objects;
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });

    const argsOf = (name: string): string[] => objects.find((o) => o.kind === "Deployment" && o.metadata.name === name)!.spec.template.spec.containers[0].args;

    test("THEN every controller that follows references refuses other namespaces, and source-controller is left alone", () => {
      for (const name of CONTROLLERS.filter((c) => c !== "source-controller"))
        expect({ name, args: argsOf(name) }).toEqual({ name, args: expect.arrayContaining(["--no-cross-namespace-refs=true"]) });
      expect(argsOf("source-controller")).toEqual(["--events-addr=http://notification-controller.flux-system.svc.cluster.local./"]);
    });

    test("THEN kustomize-controller and helm-controller impersonate `default` when nothing is named, and remote bases are refused", () => {
      expect(argsOf("kustomize-controller")).toEqual(expect.arrayContaining(["--default-service-account=default", "--no-remote-bases=true"]));
      expect(argsOf("helm-controller")).toEqual(expect.arrayContaining(["--default-service-account=default"]));
      expect(argsOf("notification-controller")).not.toContain("--default-service-account=default");
    });

    test("THEN image-reflector-controller, and only it, has object-level workload identity on, and no default service account", () => {
      expect(argsOf("image-reflector-controller")).toEqual([
        "--events-addr=http://notification-controller.flux-system.svc.cluster.local./",
        "--no-cross-namespace-refs=true",
        "--feature-gates=ObjectLevelWorkloadIdentity=true",
      ]);
      expect(OBJECT_LEVEL_WORKLOAD_IDENTITY_GATE).toBe("--feature-gates=ObjectLevelWorkloadIdentity=true");
      for (const name of CONTROLLERS.filter((c) => c !== "image-reflector-controller")) {
        expect({ name, gates: argsOf(name).filter((a) => a.startsWith("--feature-gates")) }).toEqual({ name, gates: [] });
      }
      // With a default service account every ImageRepository naming none, flux-system's too, would
      // leave the controller's Pod Identity (fluxcd/pkg auth/access_token.go).
      expect(argsOf("image-reflector-controller").filter((a) => a.startsWith("--default-"))).toEqual([]);
    });

    test("THEN the flux-system Kustomization keeps working: it names kustomize-controller", () => {
      expect(objects.find((o) => o.kind === "Kustomization")!.spec.serviceAccountName).toBe("kustomize-controller");
    });

    test("GIVEN the platform's own objects THEN each Kustomization and HelmRelease names a service account and no reference leaves its namespace", () => {
      const docs = documentsOf(renderedFiles(exampleSettings())).map(({ path, doc }) => ({ path, doc }));
      const reconcilers = docs.filter(
        ({ doc }) => /^(kustomize|helm)\.toolkit\.fluxcd\.io\//.test(doc.apiVersion) && ["Kustomization", "HelmRelease"].includes(doc.kind),
      );
      expect(reconcilers.length).toBeGreaterThanOrEqual(3);
      for (const { path, doc } of reconcilers)
        expect({ path, sa: doc.spec.serviceAccountName }).toEqual({ path, sa: expect.stringMatching(/^(kustomize|helm)-controller$|^[a-z]/) });
      const crossing: string[] = [];
      const walk = (node: unknown, at: string, namespace: string) => {
        if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}/${i}`, namespace));
        else if (node && typeof node === "object") {
          for (const [k, v] of Object.entries(node)) {
            if (/Ref$|^sourceRef$/.test(k) && v && typeof v === "object" && "namespace" in v && (v as { namespace: string }).namespace !== namespace)
              crossing.push(`${at}/${k}`);
            walk(v, `${at}/${k}`, namespace);
          }
        }
      };
      for (const { path, doc } of docs) if (/\.fluxcd\.io\//.test(doc.apiVersion)) walk(doc.spec, path, doc.metadata.namespace);
      expect(crossing).toEqual([]);
    });
  });
}
