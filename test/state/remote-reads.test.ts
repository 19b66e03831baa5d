import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { buildApp } from "../../main";
import { readStackGraph } from "../../stacks/pipeline/stack-graph";
import { parseSettings } from "../../stacks/settings/load";
import { LOCAL_STATE } from "../../stacks/state/resolve";
import { backendOf, producerOf, remoteReads, remoteStateBlock, type StackWithState } from "../../stacks/state/remote-reads";
import { MINIMAL_SETTINGS, synthApp, twoClusters } from "../support";
import { removeTempDirsAfterAll, tempDir } from "../temp-dirs";

/*
 * Which stack a terraform_remote_state block reads, by backend and config as Terraform reads it
 * (stacks/state/remote-reads.ts), and the pipeline's stack graph built on it.
 */

removeTempDirsAfterAll();

const local = (file: string): StackWithState => ({ terraform: { backend: { local: { path: file } } } });
const backends = (stacks: Record<string, StackWithState>) => new Map(Object.entries(stacks).map(([name, stack]) => [name, backendOf(name, stack)] as const));

describe("GIVEN stacks and the remote-state blocks that read them", () => {
  const stacks = {
    up: local("../../terraform.up.tfstate"),
    s3up: { terraform: { backend: { s3: { bucket: "states", key: "p/s3up.tfstate", region: "us-west-2", use_lockfile: true } } } },
    http: { terraform: { backend: { http: { address: "https://gitlab.example.com/api/v4/projects/1/terraform/state/http" } } } },
  };

  test("WHEN a block names a stack's backend THEN that stack is the producer, whatever the block is called", () => {
    const all = backends(stacks);
    expect(producerOf("down", "anything", { backend: "local", config: { path: "../../terraform.up.tfstate" } }, all)).toBe("up");
    // A read adds S3's workspace, a write S3's lock file: the settings both name decide.
    expect(
      producerOf("down", "b", { backend: "s3", config: { bucket: "states", key: "p/s3up.tfstate", region: "us-west-2", workspace: "default" } }, all),
    ).toBe("s3up");
    expect(producerOf("down", "c", { backend: "http", config: { address: stacks.http.terraform.backend.http.address } }, all)).toBe("http");
  });

  test("WHEN a block names no stack's state, or a backend of another type THEN the refusal names the reader, the block and its config", () => {
    const all = backends(stacks);
    expect(() => producerOf("down", "gone", { backend: "local", config: { path: "../../terraform.gone.tfstate" } }, all)).toThrow(
      'down: terraform_remote_state.gone (local {"path":"../../terraform.gone.tfstate"}) reads no stack\'s state',
    );
    expect(() => producerOf("down", "typed", { backend: "http", config: { path: "../../terraform.up.tfstate" } }, all)).toThrow("reads no stack's state");
    expect(() => producerOf("down", "empty", { backend: "local" }, all)).toThrow("terraform_remote_state.empty (local {}) reads no stack's state");
  });

  test("WHEN two stacks keep their state in the same place THEN the block is refused as reading several", () => {
    const all = backends({ a: local("same.tfstate"), b: local("same.tfstate") });
    expect(() => producerOf("down", "x", { backend: "local", config: { path: "same.tfstate" } }, all)).toThrow(
      'down: terraform_remote_state.x (local {"path":"same.tfstate"}) reads the state of several stacks: a, b',
    );
  });

  test("WHEN a stack has no backend, or several THEN it has no one state to read", () => {
    expect(() => backendOf("bare", {})).toThrow("stack bare has no backend: no one state the others can read");
    expect(() => backendOf("two", { terraform: { backend: { local: {}, s3: {} } } })).toThrow("stack two has several backends");
  });

  test("WHEN the blocks are renamed THEN each is still matched to its producer (nothing relies on cdktf's block names)", () => {
    const down: StackWithState = {
      ...local("../../terraform.down.tfstate"),
      data: { terraform_remote_state: { "whatever-name": { backend: "local", config: { path: "../../terraform.up.tfstate" } } } },
    };
    const reads = remoteReads({ up: stacks.up, down });
    expect(reads.get("down")).toEqual(new Map([["whatever-name", "up"]]));
    expect(reads.get("up")).toEqual(new Map());
    expect(remoteStateBlock({ up: stacks.up, down }, "down", "up")).toBe("whatever-name");
    expect(() => remoteStateBlock({ up: stacks.up, down }, "up", "down")).toThrow("stack up reads no state of down (it reads: none)");
    expect(() => remoteStateBlock({ up: stacks.up, down }, "side", "up")).toThrow("no stack side (stacks: up, down)");
  });
});

describe("GIVEN two clusters sharing a created OIDC provider, synthesized", () => {
  const settings = parseSettings({
    ...twoClusters(),
    gitlab: { ...MINIMAL_SETTINGS.gitlab, awsOidcProvider: "create" },
    clusters: twoClusters().clusters.map((c) => ({
      ...c,
      teams: [{ name: "payments", gitlabProject: `teams/${c.name}-payments`, ecrRepositories: [`${c.name}-pay`] }],
    })),
  });
  const stacks = synthApp(settings);

  test("THEN each GitOps stack reads its cluster stack and the repository stack, and the second cluster stack the first", () => {
    const reads = remoteReads(stacks);
    const readers = Object.fromEntries([...reads].map(([name, blocks]) => [name, [...new Set(blocks.values())].sort()]));
    expect(readers).toEqual({
      "gitops-repository": [],
      "test-cluster-eks": [],
      "test-cluster-gitops": ["gitops-repository", "test-cluster-eks"],
      "second-eks": ["test-cluster-eks"],
      "second-gitops": ["gitops-repository", "second-eks"],
    });
  });

  test("WHEN the synthesized app is read as the pipeline reads it THEN its graph has the same reads, and an unknown or missing stack is refused", () => {
    const outdir = tempDir("stack-graph-");
    buildApp(new App({ outdir }), settings, LOCAL_STATE).synth();
    const graph = readStackGraph(outdir, settings);
    expect(Object.fromEntries(graph.map((s) => [s.name, s.reads]))).toMatchObject({
      "second-eks": ["test-cluster-eks"],
      "second-gitops": ["gitops-repository", "second-eks"],
    });

    const manifestPath = path.join(outdir, "manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as { stacks: Record<string, unknown> };
    const withStacks = (stacksOf: Record<string, unknown>) => fs.writeFileSync(manifestPath, JSON.stringify({ ...manifest, stacks: stacksOf }));
    withStacks({ ...manifest.stacks, stray: manifest.stacks["gitops-repository"] });
    expect(() => readStackGraph(outdir, settings)).toThrow(
      "stacks the pipeline does not know: stray (known: gitops-repository, test-cluster-eks, test-cluster-gitops, second-eks, second-gitops)",
    );
    const { "second-gitops": _dropped, ...fewer } = manifest.stacks;
    withStacks(fewer);
    expect(() => readStackGraph(outdir, settings)).toThrow("stack second-gitops was not synthesized");
  });
});
