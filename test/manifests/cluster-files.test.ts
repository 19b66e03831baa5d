import * as fs from "fs";
import * as path from "path";
import { fileWithRole } from "../../stacks/layout";
import { renderClusterFiles } from "../../stacks/manifests/cluster-files";
import { CONFIG_FILES_DIR } from "../../stacks/manifests/render";
import { infrastructureTemplateValues } from "../../stacks/manifests/values";
import { parseSettings } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { MINIMAL_SETTINGS } from "../support";
import { documentsOf } from "./fixtures";

/*
 * The commit order of one cluster's files, pinned path by path. The commit-chain replays
 * (test/gitops/commit-chain.replay.test.ts) prove with kustomize that this order keeps every Flux path
 * buildable after each commit; this test runs without kustomize and says which order that is.
 */

type ClusterInput = SettingsInput["clusters"][number];

const TEAMS: ClusterInput["teams"] = [
  { name: "search", gitlabProject: "teams/search", namespaces: ["search", "search-jobs"] },
  { name: "pay", gitlabProject: "teams/pay" },
];
const APPS: ClusterInput["apps"] = [
  { name: "web", namespace: "shop" },
  { name: "api", namespace: "shop", autoscaling: {} },
];
const URLS = { web: "111122223333.dkr.ecr.us-west-2.amazonaws.com/web", api: "111122223333.dkr.ecr.us-west-2.amazonaws.com/api" };
const OPTIONS = { escape: "none" as const, gitlabProjectAddress: "https://gitlab.com/12345678", awsAccountId: "111122223333" };

function filesOf(cluster: Partial<ClusterInput>, urls: Record<string, string> = URLS, options: Parameters<typeof renderClusterFiles>[3] = OPTIONS) {
  const settings = parseSettings({ ...MINIMAL_SETTINGS, clusters: [{ name: "prod", apps: APPS, ...cluster }] });
  return renderClusterFiles(settings.clusters[0], settings.gitlab, urls, options);
}
const pathsOf = (cluster: Partial<ClusterInput>) => filesOf(cluster).map((f) => f.path);

describe("renderClusterFiles: commit order", () => {
  test("GIVEN apps, teams and commit statuses THEN infrastructure, teams, namespaces, apps, then the cluster's Flux objects, notifications last", () => {
    expect(pathsOf({ teams: TEAMS, flux: { commitStatuses: true } })).toEqual([
      "infrastructure/prod/image-repository-identity.yaml",
      "infrastructure/prod/team-guardrails.yaml",
      "infrastructure/prod/cluster-autoscaler.yaml",
      "infrastructure/prod/kustomization.yaml",
      // each team: its namespaces, its own files, its kustomization.yaml last
      "tenants/prod/search/namespaces/search.yaml",
      "tenants/prod/search/namespaces/search-jobs.yaml",
      "tenants/prod/search/service-account.yaml",
      "tenants/prod/search/cluster-vars.yaml",
      "tenants/prod/search/sync.yaml",
      "tenants/prod/search/kustomization.yaml",
      "tenants/prod/pay/namespaces/pay.yaml",
      "tenants/prod/pay/service-account.yaml",
      "tenants/prod/pay/cluster-vars.yaml",
      "tenants/prod/pay/sync.yaml",
      "tenants/prod/pay/kustomization.yaml",
      "tenants/prod/kustomization.yaml",
      // the namespace two apps share, once and before both apps
      "apps/prod/namespaces/shop.yaml",
      "apps/prod/web/service.yaml",
      "apps/prod/web/deployment.yaml",
      "apps/prod/web/pdb.yaml",
      "apps/prod/web/image/kustomization.yaml",
      "apps/prod/web/kustomization.yaml",
      "apps/prod/api/service.yaml",
      "apps/prod/api/deployment.yaml",
      "apps/prod/api/pdb.yaml",
      "apps/prod/api/image/kustomization.yaml",
      // the autoscaling component before the app's kustomization.yaml that lists it
      "apps/prod/api/autoscaling/hpa.yaml",
      "apps/prod/api/autoscaling/kustomization.yaml",
      "apps/prod/api/kustomization.yaml",
      "apps/prod/kustomization.yaml",
      "clusters/prod/infrastructure.yaml",
      "clusters/prod/apps.yaml",
      "clusters/prod/tenants.yaml",
      "clusters/prod/images/web.yaml",
      "clusters/prod/images/api.yaml",
      "clusters/prod/image-automation.yaml",
      "clusters/prod/notifications.yaml",
    ]);
  });

  test("GIVEN no teams and no commit statuses THEN no teams layer, no teams Kustomization and no notifications", () => {
    const paths = pathsOf({ flux: { commitStatuses: false } });
    expect(paths.filter((p) => p.startsWith("tenants/"))).toEqual([]);
    expect(paths).not.toContain("clusters/prod/tenants.yaml");
    expect(paths).not.toContain("clusters/prod/notifications.yaml");
    expect(paths.at(-1)).toBe("clusters/prod/image-automation.yaml");
  });

  test("GIVEN apps in their own namespaces THEN each namespace file comes before every app folder", () => {
    const paths = pathsOf({
      apps: [
        { name: "web", namespace: "web" },
        { name: "api", namespace: "api" },
      ],
    });
    const firstApp = paths.indexOf("apps/prod/web/service.yaml");
    expect(paths.indexOf("apps/prod/namespaces/web.yaml")).toBeLessThan(firstApp);
    expect(paths.indexOf("apps/prod/namespaces/api.yaml")).toBeLessThan(firstApp);
    expect(paths.filter((p) => p.includes("/autoscaling/"))).toEqual([]);
  });

  test("GIVEN each file THEN its content belongs to it: the image objects of each app follow that app's ECR repository", () => {
    const files = filesOf({});
    const images = (app: string) => documentsOf(files.filter((f) => f.path === `clusters/prod/images/${app}.yaml`)).map(({ doc }) => doc);
    expect(images("web").find((d) => d.kind === "ImageRepository")?.spec.image).toBe(URLS.web);
    expect(images("api").find((d) => d.kind === "ImageRepository")?.spec.image).toBe(URLS.api);
    expect(files.find((f) => f.path === "apps/prod/kustomization.yaml")?.content).toMatch(/^resources: \["namespaces\/shop.yaml","web","api"\]$/m);
  });
});

describe("renderClusterFiles: a team's sync", () => {
  const syncOf = (team: string) => {
    const files = filesOf({ teams: TEAMS });
    const kustomization = documentsOf(files.filter((f) => f.path === `tenants/prod/${team}/sync.yaml`)).find(({ doc }) => doc.kind === "Kustomization");
    return { doc: kustomization!.doc, content: files.find((f) => f.path === `tenants/prod/${team}/sync.yaml`)!.content };
  };

  test("GIVEN a team with one namespace THEN its Kustomization targets that namespace", () => {
    expect(syncOf("pay").doc.spec.targetNamespace).toBe("pay");
  });

  test("GIVEN a team with several namespaces THEN no targetNamespace, and the comment about it goes too", () => {
    const { doc, content } = syncOf("search");
    expect(doc.spec).not.toHaveProperty("targetNamespace");
    expect(doc.spec.serviceAccountName).toBe("search");
    expect(content).not.toMatch(/targetNamespace/);
    expect(content).toMatch(/^ {2}serviceAccountName: "search"\n {2}interval: /m);
  });
});

describe("renderClusterFiles: a caller's missing value stops it, naming what is missing", () => {
  test("GIVEN no ECR URL for an app THEN it names the app", () => {
    expect(() => filesOf({}, { web: URLS.web })).toThrow("no ECR repository URL for app api");
  });

  test("GIVEN commit statuses without the GitLab project address THEN it names the cluster", () => {
    expect(() => filesOf({ flux: { commitStatuses: true } }, URLS, { escape: "none" })).toThrow(
      "cluster prod: commit statuses need the GitLab project address",
    );
  });

  test("GIVEN teams without the AWS account id THEN it names the cluster", () => {
    expect(() => filesOf({ teams: TEAMS }, URLS, { escape: "none", gitlabProjectAddress: OPTIONS.gitlabProjectAddress })).toThrow(
      "cluster prod: teams need the AWS account id",
    );
  });

  test("GIVEN neither value and neither feature THEN nothing is missing", () => {
    expect(filesOf({ flux: { commitStatuses: false } }, URLS, { escape: "none" }).length).toBeGreaterThan(0);
  });
});

describe("renderClusterFiles: what each layer lists", () => {
  const files = filesOf({ teams: TEAMS });
  const content = (p: string) => files.find((f) => f.path === p)!.content;
  const listAfter = (p: string, key: string) => documentsOf(files.filter((f) => f.path === p))[0].doc[key];

  test("GIVEN an autoscaled app and one without THEN each app kustomization lists its own components", () => {
    expect(listAfter("apps/prod/api/kustomization.yaml", "components")).toEqual(["image", "autoscaling"]);
    expect(listAfter("apps/prod/web/kustomization.yaml", "components")).toEqual(["image"]);
  });

  test("GIVEN a team THEN its kustomization lists its namespace files and its own files, relative to its folder, never itself", () => {
    expect(listAfter("tenants/prod/search/kustomization.yaml", "resources")).toEqual([
      "namespaces/search.yaml",
      "namespaces/search-jobs.yaml",
      "service-account.yaml",
      "cluster-vars.yaml",
      "sync.yaml",
    ]);
    expect(listAfter("tenants/prod/pay/kustomization.yaml", "resources")).toEqual([
      "namespaces/pay.yaml",
      "service-account.yaml",
      "cluster-vars.yaml",
      "sync.yaml",
    ]);
  });

  test("GIVEN a team with ECR repositories THEN its ECR reader comes right after its service account, in the commit order and in its kustomization", () => {
    const withImages = filesOf({ teams: [{ ...TEAMS[1], ecrRepositories: ["pay/api"] }] }, URLS, {
      ...OPTIONS,
      teamImageReaderRoleArns: { pay: "arn:aws:iam::111122223333:role/prod-team-pay-ro" },
    });
    expect(withImages.map((f) => f.path).filter((p) => p.startsWith("tenants/prod/pay/"))).toEqual([
      "tenants/prod/pay/namespaces/pay.yaml",
      "tenants/prod/pay/service-account.yaml",
      "tenants/prod/pay/ecr-reader.yaml",
      "tenants/prod/pay/cluster-vars.yaml",
      "tenants/prod/pay/sync.yaml",
      "tenants/prod/pay/kustomization.yaml",
    ]);
    expect(documentsOf(withImages.filter((f) => f.path === "tenants/prod/pay/kustomization.yaml"))[0].doc.resources).toEqual([
      "namespaces/pay.yaml",
      "service-account.yaml",
      "ecr-reader.yaml",
      "cluster-vars.yaml",
      "sync.yaml",
    ]);
    const [{ doc: reader }] = documentsOf(withImages.filter((f) => f.path === "tenants/prod/pay/ecr-reader.yaml"));
    expect(reader.metadata).toMatchObject({
      name: "flux-ecr-reader",
      namespace: "pay",
      annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/prod-team-pay-ro" },
    });
  });

  test("GIVEN a team with ECR repositories but no image reader role passed THEN rendering refuses (the stack always passes one)", () => {
    expect(() => filesOf({ teams: [{ ...TEAMS[1], ecrRepositories: ["pay/api"] }] })).toThrow("cluster prod: no image reader role for team pay");
  });

  test("GIVEN two apps sharing a namespace THEN the namespace file names both, in the settings' order", () => {
    expect(content("apps/prod/namespaces/shop.yaml")).toMatch(/^# Namespace shop of the apps of prod \(web, api\), with the$/m);
  });

  test("GIVEN a Kubernetes version without a pinned Cluster Autoscaler (the settings refuse it) THEN the values refuse it too", () => {
    const settings = parseSettings({ ...MINIMAL_SETTINGS, clusters: [{ name: "prod" }] });
    const cluster = { ...settings.clusters[0], eks: { ...settings.clusters[0].eks, kubernetesVersion: "1.99" } };
    expect(() => infrastructureTemplateValues(cluster)).toThrow("no Cluster Autoscaler image for Kubernetes 1.99");
  });
});

describe("renderClusterFiles: the team sync's two variants, from one template", () => {
  const files = filesOf({ teams: TEAMS });
  const sync = (team: string) =>
    fileWithRole(
      files.filter((f) => f.path.startsWith(`tenants/prod/${team}/`)),
      "team.sync",
    ).content;
  const template = fs.readFileSync(path.join(CONFIG_FILES_DIR, "tenant", "sync.yaml"), "utf8");
  const lines = (text: string) => text.split("\n");

  test("GIVEN both variants THEN each renders, and neither keeps a section marker", () => {
    for (const team of ["pay", "search"]) expect({ team, markers: /# (end )?if __/.test(sync(team)) }).toEqual({ team, markers: false });
    expect(template).toMatch(/^ {2}# if __TEAM_SINGLE_NAMESPACE__$/m);
  });

  test("GIVEN a team with one namespace THEN its sync has targetNamespace with the comment on it; with several, the same text without those three lines", () => {
    const single = lines(sync("pay"));
    const several = lines(sync("search"));
    const at = single.findIndex((l) => l.startsWith("  targetNamespace: "));
    expect(single[at]).toBe('  targetNamespace: "pay"');
    expect(single[at - 2]).toMatch(/^ {2}# Objects of the team's repository land in its first namespace/);
    // Apart from the team's name, the variants differ in exactly those three lines.
    const withoutTarget = [...single.slice(0, at - 2), ...single.slice(at + 1)].join("\n");
    expect(several.join("\n").replace(/search/g, "pay")).toBe(withoutTarget.replace(/search/g, "pay"));
  });
});
