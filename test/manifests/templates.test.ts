import * as path from "path";
import { pathOf } from "../../stacks/layout";
import { fluxPath, repositoryPaths } from "../../stacks/repository-paths";
import { IMAGE_POLICY_MARKER } from "../../stacks/manifests/render";
import { logicalImageName } from "../../stacks/naming";
import { documentsOf, EXAMPLE_ECR_URL, exampleSettings, onlyDocument, renderedFiles, type Doc } from "./fixtures";

/*
 * What the repository's templates say, rendered for the committed settings with distinct
 * intervals (so a swapped field fails), as the files will read in Git.
 */
const SETTINGS = exampleSettings({
  flux: {
    interval: "1m0s",
    layerInterval: "11m0s",
    layerTimeout: "4m0s",
    infrastructureTimeout: "12m0s",
    imageScanInterval: "6m0s",
    imageUpdateInterval: "31m0s",
  },
});
const CLUSTER = SETTINGS.clusters[0];
const FILES = renderedFiles(SETTINGS);
const only = (kind: string, apiGroup: string): Doc => onlyDocument(FILES, kind, apiGroup);
const file = (p: string) => {
  const found = FILES.find((f) => f.path === p);
  if (!found) throw new Error(`${p} not rendered`);
  return found;
};
const APP = CLUSTER.apps[0];
const APP_DIR = repositoryPaths.app(CLUSTER.name, APP.name);
const layer = (name: string): Doc => {
  const found = documentsOf(FILES).filter(({ doc }) => doc.kind === "Kustomization" && doc.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one Flux Kustomization ${name}, found ${found.length}`);
  return found[0].doc;
};
const IMAGE_COMPONENT = pathOf("app.image-kustomization", { cluster: CLUSTER.name, app: APP.name });

describe("the repository layout", () => {
  test("GIVEN one cluster WHEN rendered THEN the app lives under apps/<cluster>/<app>/ and clusters/<cluster>/ holds Flux objects only", () => {
    expect(FILES.map((f) => f.path)).toEqual([
      "infrastructure/flux-cluster/image-repository-identity.yaml",
      "infrastructure/flux-cluster/team-guardrails.yaml",
      "infrastructure/flux-cluster/cluster-autoscaler.yaml",
      "infrastructure/flux-cluster/kustomization.yaml",
      "apps/flux-cluster/namespaces/apps.yaml",
      "apps/flux-cluster/nginx/service.yaml",
      "apps/flux-cluster/nginx/deployment.yaml",
      "apps/flux-cluster/nginx/pdb.yaml",
      "apps/flux-cluster/nginx/image/kustomization.yaml",
      "apps/flux-cluster/nginx/kustomization.yaml",
      "apps/flux-cluster/kustomization.yaml",
      "clusters/flux-cluster/infrastructure.yaml",
      "clusters/flux-cluster/apps.yaml",
      "clusters/flux-cluster/images/nginx.yaml",
      "clusters/flux-cluster/image-automation.yaml",
      "clusters/flux-cluster/notifications.yaml",
    ]);
    const underCluster = documentsOf(FILES.filter((f) => f.path.startsWith(`${repositoryPaths.cluster(CLUSTER.name)}/`)));
    expect(underCluster.map(({ doc }) => `${doc.apiVersion.split("/")[0]} ${doc.metadata.namespace}`)).toEqual(
      underCluster.map(() => expect.stringMatching(/\.toolkit\.fluxcd\.io flux-system$/)),
    );
  });

  test("GIVEN clusters/<cluster>/ THEN it has no kustomization.yaml: kustomize-controller generates one, so flux-system can never be left out", () => {
    expect(
      FILES.filter((f) => path.posix.dirname(f.path) === repositoryPaths.cluster(CLUSTER.name) && /^kustomization\.ya?ml$/.test(path.posix.basename(f.path))),
    ).toEqual([]);
  });
});

describe("the layers", () => {
  test("GIVEN the infrastructure Kustomization THEN it applies ./infrastructure/<cluster>, pruning, waiting for its HelmReleases, with its own timeout", () => {
    const ks = layer("infrastructure");
    expect(ks.metadata).toEqual({ name: "infrastructure", namespace: "flux-system" });
    expect(ks.spec).toEqual({
      interval: "11m0s",
      retryInterval: "2m0s",
      timeout: "12m0s",
      path: fluxPath(repositoryPaths.infrastructureLayer(CLUSTER.name)),
      sourceRef: { kind: "GitRepository", name: "flux-system" },
      serviceAccountName: "kustomize-controller",
      prune: true,
      wait: true,
    });
  });

  test("GIVEN the apps Kustomization THEN it applies ./apps/<cluster> after infrastructure is Ready, pruning, waiting, with the settings' intervals", () => {
    const ks = layer("apps");
    expect(ks.metadata).toEqual({ name: "apps", namespace: "flux-system" });
    expect(ks.spec).toEqual({
      dependsOn: [{ name: "infrastructure" }],
      interval: "11m0s",
      retryInterval: "2m0s",
      timeout: "4m0s",
      path: fluxPath(repositoryPaths.appsLayer(CLUSTER.name)),
      sourceRef: { kind: "GitRepository", name: "flux-system" },
      serviceAccountName: "kustomize-controller",
      prune: true,
      wait: true,
    });
  });

  test("GIVEN the app kustomization THEN it lists the app's manifests and the image component", () => {
    const app = documentsOf([file(`${APP_DIR}/kustomization.yaml`)])[0].doc;
    expect(app.resources).toEqual(["deployment.yaml", "service.yaml", "pdb.yaml"]);
    expect(app.components).toEqual(["image"]);
  });

  test("GIVEN the apps layer's kustomization THEN it lists the namespaces first, then each app folder", () => {
    const index = documentsOf([file(`${repositoryPaths.appsLayer(CLUSTER.name)}/kustomization.yaml`)])[0].doc;
    expect(index.resources).toEqual(["namespaces/apps.yaml", "nginx"]);
  });
});

describe("image automation", () => {
  test("GIVEN the rendered files THEN exactly one file per app is Flux-owned, the image component, and it is tiny", () => {
    const owned = FILES.filter((f) => f.owner === "flux");
    expect(owned.map((f) => f.path)).toEqual([IMAGE_COMPONENT]);
    const yamlLines = owned[0].content.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
    expect(yamlLines.length).toBeLessThanOrEqual(10);
  });

  test("GIVEN the automation's update.path THEN the files carrying setter markers below it are exactly the Flux-owned ones", () => {
    const iua = only("ImageUpdateAutomation", "image.toolkit.fluxcd.io/");
    const updatePath = iua.spec.update.path.replace(/^\.\//, "");
    const marked = FILES.filter((f) => f.path.startsWith(`${updatePath}/`) && IMAGE_POLICY_MARKER.test(f.content)).map((f) => f.path);
    expect(marked).toEqual(FILES.filter((f) => f.owner === "flux").map((f) => f.path));
    expect(FILES.filter((f) => IMAGE_POLICY_MARKER.test(f.content) && !f.path.startsWith(`${updatePath}/`))).toEqual([]);
  });

  test("GIVEN the ImageUpdateAutomation THEN it pushes through flux-system to the branch, as the configured author, with a v1 message template", () => {
    const iua = only("ImageUpdateAutomation", "image.toolkit.fluxcd.io/");
    expect(iua.metadata).toEqual({ name: "apps", namespace: "flux-system" });
    expect(iua.spec.interval).toBe("31m0s");
    expect(iua.spec.update).toEqual({ path: fluxPath(repositoryPaths.imageUpdates(CLUSTER.name)), strategy: "Setters" });
    expect(iua.spec.sourceRef).toEqual({ kind: "GitRepository", name: "flux-system" });
    expect(iua.spec.git.checkout.ref.branch).toBe("main");
    expect(iua.spec.git.push.branch).toBe("main");
    expect(iua.spec.git.commit.author).toEqual({ name: "Flux", email: "flux@noreply.gitlab.com" });
    expect(iua.spec.git.commit.messageTemplate).toContain(".Changed");
    expect(iua.spec.git.commit.messageTemplate).not.toContain(".Updated");
  });

  test("GIVEN another commit author in the settings THEN the automation uses it", () => {
    const settings = exampleSettings();
    const custom = { ...settings, gitlab: { ...settings.gitlab, commitAuthor: { name: "Platform Bot", email: "platform-bot@example.com" } } };
    const iua = onlyDocument(renderedFiles(custom), "ImageUpdateAutomation", "image.toolkit.fluxcd.io/");
    expect(iua.spec.git.commit.author).toEqual({ name: "Platform Bot", email: "platform-bot@example.com" });
  });

  test("GIVEN the markers THEN they set the image name and the tag from the ImagePolicy that exists, which follows the app's ECR repository", () => {
    const content = file(IMAGE_COMPONENT).content;
    const markers = [...content.matchAll(/^\s*(\w+): (\S+) # \{"\$imagepolicy": "([^":]+):([^":]+):(\w+)"\}$/gm)].map((m) => m.slice(1));
    expect(markers).toEqual([
      ["newName", EXAMPLE_ECR_URL, "flux-system", APP.name, "name"],
      ["newTag", APP.initialTag, "flux-system", APP.name, "tag"],
    ]);
    const policy = only("ImagePolicy", "image.toolkit.fluxcd.io/");
    const repo = only("ImageRepository", "image.toolkit.fluxcd.io/");
    expect(policy.metadata).toEqual({ name: APP.name, namespace: "flux-system" });
    expect(policy.spec.imageRepositoryRef.name).toBe(repo.metadata.name);
    expect(repo.metadata.namespace).toBe("flux-system");
    expect(repo.spec).toEqual({ image: EXAMPLE_ECR_URL, interval: "6m0s", provider: "aws" });
    expect(policy.spec.policy).toEqual({ semver: { range: APP.semverRange } });
  });

  test("GIVEN the component and the Deployment THEN the Deployment names a logical image that the component maps to ECR", () => {
    const component = documentsOf([file(IMAGE_COMPONENT)])[0].doc;
    const deployment = only("Deployment", "apps/");
    expect(component).toMatchObject({ apiVersion: "kustomize.config.k8s.io/v1alpha1", kind: "Component" });
    expect(component.images).toEqual([{ name: logicalImageName(APP.name), newName: EXAMPLE_ECR_URL, newTag: APP.initialTag }]);
    expect(deployment.spec.template.spec.containers[0].image).toBe(logicalImageName(APP.name));
    // The logical name is in a reserved domain: without the component, the pull fails instead of running a public image.
    expect(logicalImageName("nginx")).toMatch(/^image\.invalid\//);
  });
});

describe("the app's manifests", () => {
  test("GIVEN the app objects THEN Deployment, Service and Namespace agree on names, labels, namespace and ports", () => {
    const deployment = only("Deployment", "apps/");
    const service = only("Service", "v1");
    const namespace = only("Namespace", "v1");
    const podLabels = deployment.spec.template.metadata.labels;
    const container = deployment.spec.template.spec.containers[0];
    const app = APP;

    expect(namespace.metadata.name).toBe(app.namespace);
    expect(deployment.metadata.namespace).toBe(app.namespace);
    expect(service.metadata.namespace).toBe(app.namespace);
    expect(deployment.metadata.name).toBe(app.name);
    expect(service.metadata.name).toBe(app.name);
    expect(container.name).toBe(app.name);
    expect(podLabels["app.kubernetes.io/name"]).toBe(app.name);
    expect(podLabels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.replicas).toBe(app.replicas);
    expect(container.ports).toEqual([{ name: "http", containerPort: app.containerPort, protocol: "TCP" }]);
    expect(service.spec).toMatchObject({ type: "ClusterIP", ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] });
    expect(container.readinessProbe.httpGet.port).toBe("http");
    expect(container.livenessProbe.httpGet.port).toBe("http");
  });

  test("GIVEN the pod spec THEN it is hardened and nginx-unprivileged can still write /tmp", () => {
    const pod = only("Deployment", "apps/").spec.template.spec;
    const container = pod.containers[0];
    const uid = APP.runAsUser;
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
  });
});
