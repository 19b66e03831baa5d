import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { repositoryPaths } from "../../stacks/repository-paths";
import { exampleSettings, renderedFiles } from "../manifests/fixtures";
import { type Json, synthApp, twoClusters } from "../support";
import { buildLikeFlux, findKustomize, writeTree } from "../gitops/kustomize-controller";
import { ACCEPTED_CHECKS } from "./accepted-checks";

/*
 * checkov (pinned in .ci/checkov-requirements.txt, installed by .ci/run) over every synthesized
 * stack, for the committed settings and a fleet of two clusters, and over the Kubernetes objects
 * Flux applies (the app as kustomize-controller builds it, and the cluster's Flux objects), offline
 * (--skip-download). Every failed check must be accepted in ./accepted-checks.ts (and so in the
 * README), and every accepted check must still fail somewhere.
 *
 * checkov's terraform_json parser stops at the `terraform` block cdktf writes ("this method
 * receives only dicts") and at `moved` and `import` blocks (lists), so those (required_providers,
 * backend, required_version, state moves and adoptions: nothing a check reads) are left out of the
 * scanned copy.
 */

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const REQUIREMENTS = path.join(REPO_ROOT, ".ci", "checkov-requirements.txt");
const PINNED = /checkov==(\S+)/.exec(fs.readFileSync(REQUIREMENTS, "utf8"))?.[1];

function findCheckov(): { command: string; version: string } | { missing: string } {
  for (const command of [path.join(REPO_ROOT, ".cache", "checkov-venv", "bin", "checkov"), "checkov"]) {
    const run = spawnSync(command, ["--version"], { encoding: "utf8", timeout: 120_000 });
    if (run.error || run.status !== 0) continue;
    const version = run.stdout.trim();
    if (version === PINNED) return { command, version };
    return { missing: `checkov ${version} found (${command}), but the accepted checks are for checkov ${PINNED}` };
  }
  return { missing: `checkov ${PINNED} not installed (.ci/run installs it into .cache/checkov-venv from PyPI)` };
}

interface Failed {
  check_id: string;
  resource: string;
  file_path: string;
}

const checkov = findCheckov();
const kustomize = findKustomize();

if ("missing" in checkov) {
  console.warn(`checkov tests SKIPPED: ${checkov.missing}`);
  test.skip(`checkov over the stacks and manifests — skipped: ${checkov.missing}`, () => undefined);
} else {
  describe(`checkov ${checkov.version} (offline)`, () => {
    let scratch: string;
    let failed: Failed[];
    /** Scanned file (relative, as checkov reports it) -> a resource id or kind -> its type. */
    const types = new Map<string, Map<string, string>>();

    const addStack = (file: string, json: Json) => {
      const { terraform: _settings, moved: _moves, import: _imports, ...scanned } = json;
      const target = path.join(scratch, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, JSON.stringify(scanned, null, 2));
      const ids = new Map<string, string>();
      for (const [type, instances] of Object.entries((json.resource ?? {}) as Record<string, object>)) {
        for (const id of Object.keys(instances)) ids.set(`resource.${id}`, type).set(`${type}.${id}`, type);
      }
      types.set(`/${file}`, ids);
    };
    const addManifests = (file: string, objects: Json[]) => {
      const target = path.join(scratch, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, objects.map((o) => stringify(o)).join("---\n"));
    };
    const typeOf = (f: Failed) => types.get(f.file_path)?.get(f.resource) ?? f.resource.split(".")[0];

    beforeAll(() => {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), "checkov-"));
      for (const [label, settings] of [
        ["committed", exampleSettings()],
        ["fleet", twoClusters()],
        // Exposed apps: the zone, the certificate, the controllers' roles.
        [
          "exposed",
          exampleSettings({
            dns: { zoneName: "apps.example.com" },
            apps: [
              { expose: { host: "nginx.apps.example.com" } },
              { name: "admin", ecr: { repositoryName: "admin-repo" }, expose: { host: "admin.apps.example.com", internal: true } },
            ],
          }),
        ],
      ] as const) {
        for (const [name, json] of Object.entries(synthApp(settings))) addStack(`terraform/${label}/${name}/main.tf.json`, json);
      }
      // A planted mistake checkov must report: a repository whose tags can be overwritten.
      const planted = structuredClone(synthApp(exampleSettings())["flux-cluster-eks"]) as Json;
      for (const repo of Object.values<Record<string, unknown>>(planted.resource.aws_ecr_repository)) repo.image_tag_mutability = "MUTABLE";
      addStack("planted/terraform/main.tf.json", planted);

      if (kustomize) {
        const settings = exampleSettings();
        const cluster = settings.clusters[0];
        const files = renderedFiles(settings);
        const tree = writeTree(new Map(files.map((f) => [f.path, f.content])));
        try {
          const app = buildLikeFlux(kustomize, tree, repositoryPaths.appsLayer(cluster.name));
          if (!app.ok) throw new Error(app.error);
          addManifests("kubernetes/app.yaml", app.objects);
          const fluxObjects = buildLikeFlux(kustomize, tree, repositoryPaths.cluster(cluster.name));
          if (!fluxObjects.ok) throw new Error(fluxObjects.error);
          addManifests("kubernetes/flux.yaml", fluxObjects.objects);
          const privileged = structuredClone(app.objects.find((o) => o.kind === "Deployment")!);
          privileged.spec.template.spec.containers[0].securityContext.privileged = true;
          addManifests("planted/kubernetes/deployment.yaml", [privileged]);
        } finally {
          fs.rmSync(tree, { recursive: true, force: true });
        }
      }

      const run = spawnSync(checkov.command, ["-d", scratch, "--framework", "terraform_json", "kubernetes", "--skip-download", "-o", "json", "--quiet"], {
        encoding: "utf8",
        timeout: 300_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, BC_SKIP_MAPPING: "TRUE" },
      });
      // One report per framework (a single object when only one framework found files).
      type Report = { check_type: string; summary: { parsing_errors: number }; results: { failed_checks: Failed[] } };
      const reports = JSON.parse(run.stdout) as Report | Report[];
      const list = Array.isArray(reports) ? reports : [reports];
      expect(list.map((r) => r.check_type).sort()).toEqual(kustomize ? ["kubernetes", "terraform_json"] : ["terraform_json"]);
      for (const report of list)
        expect({ type: report.check_type, parsingErrors: report.summary.parsing_errors }).toEqual({ type: report.check_type, parsingErrors: 0 });
      failed = list.flatMap((r) => r.results.failed_checks);
    }, 300_000);

    afterAll(() => {
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    const ours = () => failed.filter((f) => !f.file_path.startsWith("/planted/"));

    test("GIVEN every stack of the committed settings and of two clusters THEN checkov fails no check that is not accepted", () => {
      const unaccepted = ours()
        .filter((f) => !ACCEPTED_CHECKS.some((a) => a.id === f.check_id && a.on.includes(typeOf(f))))
        .map((f) => `${f.check_id} ${typeOf(f)} ${f.resource} (${f.file_path})`);
      expect(unaccepted).toEqual([]);
    });

    test("GIVEN the accepted checks THEN each still fails somewhere (no stale exception)", () => {
      const stillFailing = new Set(ours().map((f) => f.check_id));
      const kubernetesChecks = ACCEPTED_CHECKS.filter((a) => /^CKV2?_K8S_/.test(a.id)).map((a) => a.id);
      const expected = ACCEPTED_CHECKS.map((a) => a.id).filter((id) => kustomize || !kubernetesChecks.includes(id));
      expect(expected.filter((id) => !stillFailing.has(id))).toEqual([]);
    });

    test("GIVEN planted mistakes (mutable ECR tags, a privileged container) THEN checkov reports them", () => {
      const planted = failed.filter((f) => f.file_path.startsWith("/planted/")).map((f) => f.check_id);
      expect(planted).toContain("CKV_AWS_51");
      if (kustomize) expect(planted).toContain("CKV_K8S_16");
    });

    if (!kustomize) {
      test.skip("checkov over the Kubernetes objects Flux applies — skipped: no kustomize to build them (.ci/run installs one)", () => undefined);
    } else {
      test("GIVEN the Kubernetes objects Flux applies THEN they were scanned", () => {
        expect(ours().some((f) => f.file_path.startsWith("/kubernetes/"))).toBe(true);
      });
    }
  });
}
