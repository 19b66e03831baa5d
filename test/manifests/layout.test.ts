import * as fs from "fs";
import * as path from "path";
import { ALL_LAYERS, declaredFile, fileWithRole, type FileRole, pathOf, type TemplateLayer } from "../../stacks/layout";
import { relativePath } from "../../stacks/repository-paths";
import { renderClusterFiles } from "../../stacks/manifests/cluster-files";
import { CONFIG_FILES_DIR } from "../../stacks/manifests/render";
import { parseSettings } from "../../stacks/settings/load";
import { MINIMAL_SETTINGS } from "../support";
import { documentsOf } from "./fixtures";

/*
 * The layout's invariants: every file declared once by role, every template declared and every
 * declaration backed by a template, and a commit order in which each kustomization.yaml comes
 * after everything it lists. Asserted for a cluster with every kind of file, not by listing them.
 */

const LAYERS: readonly TemplateLayer[] = ALL_LAYERS;
const DECLARED = LAYERS.flatMap((layer) => layer.files.map((file) => ({ layer, file })));

/** Every *.yaml / *.yml below config_files/, relative to it, POSIX separators. */
function templatesOnDisk(): string[] {
  return fs
    .readdirSync(CONFIG_FILES_DIR, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.split(path.sep).join("/"))
    .sort();
}

/** A cluster with every kind of file: apps with and without autoscaling, one exposed (dns), teams with one and several namespaces, an ECR reader, commit statuses. */
function richClusterFiles() {
  const settings = parseSettings({
    ...MINIMAL_SETTINGS,
    clusters: [
      {
        name: "prod",
        flux: { commitStatuses: true },
        dns: { zoneName: "apps.example.com" },
        apps: [
          { name: "web", namespace: "shop", expose: { host: "web.apps.example.com" } },
          { name: "api", namespace: "api", autoscaling: {} },
        ],
        teams: [
          { name: "search", gitlabProject: "teams/search", namespaces: ["search", "search-jobs"] },
          { name: "pay", gitlabProject: "teams/pay", ecrRepositories: ["pay/api"] },
        ],
      },
    ],
  });
  return renderClusterFiles(
    settings.clusters[0],
    settings.gitlab,
    { web: "111122223333.dkr.ecr.us-west-2.amazonaws.com/web", api: "111122223333.dkr.ecr.us-west-2.amazonaws.com/api" },
    {
      escape: "none",
      gitlabProjectAddress: "https://gitlab.com/12345678",
      awsAccountId: "111122223333",
      teamImageReaderRoleArns: { pay: "arn:aws:iam::111122223333:role/prod-team-pay-ro" },
    },
  );
}

describe("the layout declares every file once, by role", () => {
  test("GIVEN every layer THEN no role is declared twice", () => {
    const roles = DECLARED.map(({ file }) => file.role);
    expect(roles.filter((role, i) => roles.indexOf(role) !== i)).toEqual([]);
  });

  test("GIVEN config_files/ THEN every template on disk is declared, and every declared template is on disk", () => {
    const declared = DECLARED.map(({ layer, file }) => `${layer.templateDir}/${file.template}`).sort();
    expect(declared).toEqual(templatesOnDisk());
  });

  test("GIVEN a cluster with every kind of file THEN each file has the owner its role declares, every role is used, and no two files share a path", () => {
    const files = richClusterFiles();
    for (const f of files) expect({ path: f.path, owner: f.owner }).toEqual({ path: f.path, owner: declaredFile(f.role).file.owner });
    const paths = files.map((f) => f.path);
    expect(paths.filter((p, i) => paths.indexOf(p) !== i)).toEqual([]);
    // Every role of the layout is used by this cluster: the assertions above covered each declaration.
    expect([...new Set(files.map((f) => f.role))].sort()).toEqual(DECLARED.map(({ file }) => file.role).sort());
    expect(fileWithRole(files, "cluster.notifications").path).toBe(pathOf("cluster.notifications", { cluster: "prod" }));
  });

  test("GIVEN a role the layout does not declare THEN looking it up fails, naming the role", () => {
    expect(() => declaredFile("app.sidecar" as FileRole)).toThrow('stacks/layout.ts declares no file with the role "app.sidecar"');
    expect(() => pathOf("app.sidecar" as FileRole, { cluster: "prod" })).toThrow('declares no file with the role "app.sidecar"');
    expect(() => fileWithRole([{ role: "app.index" }, { role: "app.pdb" }], "app.service")).toThrow(
      'expected one file with the role "app.service", found 0 among app.index, app.pdb',
    );
  });

  test("GIVEN a per-app file and a place without the app THEN its path fails, naming what is missing", () => {
    expect(() => pathOf("app.image-kustomization", { cluster: "prod" })).toThrow("a file of cluster prod needs the app it belongs to");
  });

  test("GIVEN two repository paths THEN relativePath names the second from the folder of the first", () => {
    expect(relativePath("apps/prod/kustomization.yaml", "apps/prod/namespaces/shop.yaml")).toBe("namespaces/shop.yaml");
    expect(relativePath("apps/prod/kustomization.yaml", "apps/prod/web")).toBe("web");
    expect(relativePath("tenants/prod/pay/kustomization.yaml", "tenants/prod/pay/ecr-reader.yaml")).toBe("ecr-reader.yaml");
  });
});

describe("the commit order", () => {
  test("GIVEN a cluster with every kind of file THEN each kustomization.yaml comes after every file and folder it lists", () => {
    const files = richClusterFiles();
    const order = files.map((f) => f.path);
    const indexes = files.filter((f) => path.posix.basename(f.path) === "kustomization.yaml");
    expect(indexes.length).toBeGreaterThan(5);
    for (const index of indexes) {
      const [{ doc }] = documentsOf([index]);
      const listed: string[] = [...(doc.resources ?? []), ...(doc.components ?? [])];
      for (const entry of listed) {
        const target = path.posix.join(path.posix.dirname(index.path), entry);
        // A folder is complete once its own kustomization.yaml is committed.
        const committedAs = order.includes(target) ? target : `${target}/kustomization.yaml`;
        const at = order.indexOf(committedAs);
        expect({ index: index.path, entry, committedBefore: at >= 0 && at < order.indexOf(index.path) }).toEqual({
          index: index.path,
          entry,
          committedBefore: true,
        });
      }
    }
  });
});
