import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { buildApp } from "../../main";
import { twoClusters } from "../support";

/*
 * Replays how `cdktf deploy '*'` and `cdktf destroy '*'` schedule the stacks, with the cdktf CLI's
 * own scheduling functions (@cdktf/cli-core, the version cdktf-cli 0.21 bundles) over the
 * dependencies the synth writes to manifest.json: a stack starts as soon as every stack it depends
 * on is done (destroy: every stack depending on it), with no limit on parallel runs by default.
 */

// `any`: cli-core ships no types for its internal helpers; the replay uses three functions of it.
// require(), not import: an import would be hoisted above the line that sets CHECKPOINT_DISABLE,
// which cdktf reads when its modules load.
process.env.CHECKPOINT_DISABLE = "1";
// eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports -- untyped internals, loaded after the line above (see the comments)
const helpers: any = require("@cdktf/cli-core/src/lib/helpers/stack-helpers");

interface ManifestStack {
  name: string;
  dependencies: string[];
}

/** A stand-in for the CLI's stack executor: the fields the scheduler reads, and a short run. */
class FakeExecutor {
  currentState: "idle" | "running" | "done" = "idle";
  currentWorkPromise: Promise<void> | undefined;
  constructor(readonly stack: ManifestStack) {}
  get isPending(): boolean {
    return this.currentState === "idle";
  }
  run(log: Schedule, all: FakeExecutor[]): Promise<void> {
    this.currentState = "running";
    log.started.push(this.stack.name);
    log.running.push(
      all
        .filter((e) => e.currentState === "running")
        .map((e) => e.stack.name)
        .sort(),
    );
    this.currentWorkPromise = new Promise<void>((resolve) => setTimeout(resolve, 5)).then(() => {
      this.currentState = "done";
      this.currentWorkPromise = undefined;
    });
    return this.currentWorkPromise;
  }
}

/** The order stacks started in, and which stacks were running at each start. */
interface Schedule {
  started: string[];
  running: string[][];
}

/** Runs the CLI's loop (cdktf-project.js execute) with the real scheduling functions. */
async function schedule(stacks: ManifestStack[], direction: "deploy" | "destroy"): Promise<Schedule> {
  const executors = stacks.map((s) => new FakeExecutor(s));
  const log: Schedule = { started: [], running: [] };
  const runs: Promise<void>[] = [];
  const next = () => (direction === "deploy" ? helpers.getStackWithNoUnmetDependencies(executors) : helpers.getStackWithNoUnmetDependants(executors));
  while (executors.some((e) => e.isPending)) {
    const executor: FakeExecutor | undefined = await next();
    if (!executor) break;
    runs.push(executor.run(log, executors));
  }
  await Promise.all(runs);
  return log;
}

describe("deploy order of a two-cluster app, replayed with the cdktf CLI's scheduler", () => {
  let stacks: ManifestStack[];

  beforeAll(() => {
    const app = buildApp(Testing.app(), twoClusters());
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8")) as { stacks: Record<string, ManifestStack> };
    stacks = Object.values(manifest.stacks).map(({ name, dependencies }) => ({ name, dependencies }));
  });

  test("GIVEN the manifest THEN each GitOps stack waits for its cluster, the repository stack and the GitOps stack before it", () => {
    const deps = Object.fromEntries(stacks.map((s) => [s.name, [...s.dependencies].sort()]));
    expect(deps).toEqual({
      "gitops-repository": [],
      "test-cluster-eks": [],
      "second-eks": [],
      "test-cluster-gitops": ["gitops-repository", "test-cluster-eks"],
      "second-gitops": ["gitops-repository", "second-eks", "test-cluster-gitops"],
    });
  });

  test("GIVEN `cdktf deploy '*'` THEN the AWS stacks and the repository run in parallel, and no two GitOps stacks ever run at once", async () => {
    const { started, running } = await schedule(stacks, "deploy");
    expect(started.slice(0, 3).sort()).toEqual(["gitops-repository", "second-eks", "test-cluster-eks"]);
    expect(started.slice(3)).toEqual(["test-cluster-gitops", "second-gitops"]);
    expect(running[2]).toEqual(["gitops-repository", "second-eks", "test-cluster-eks"]);
    expect(Math.max(...running.map((r) => r.filter((n) => n.endsWith("-gitops")).length))).toBe(1);
  });

  test("GIVEN `cdktf destroy '*'` THEN the GitOps stacks go first, one at a time, the AWS stacks and the repository after them", async () => {
    const { started, running } = await schedule(stacks, "destroy");
    expect(Math.max(...running.map((r) => r.filter((n) => n.endsWith("-gitops")).length))).toBe(1);
    expect(started[0]).toBe("second-gitops");
    expect(started.indexOf("test-cluster-gitops")).toBeGreaterThan(0);
    expect(started.indexOf("second-eks")).toBeGreaterThan(0);
    expect(started.indexOf("test-cluster-eks")).toBeGreaterThan(started.indexOf("test-cluster-gitops"));
    expect(started.indexOf("gitops-repository")).toBeGreaterThan(started.indexOf("test-cluster-gitops"));
  });

  test("GIVEN only the second GitOps stack named on the command line THEN the CLI asks for its dependencies or --ignore-missing-stack-dependencies", () => {
    const second = stacks.filter((s) => s.name === "second-gitops");
    expect(() => helpers.checkIfAllDependenciesAreIncluded(second)).toThrow(/--ignore-missing-stack-dependencies/);
  });
});
