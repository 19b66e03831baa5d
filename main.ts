import * as path from "path";
import { App, type TerraformStack } from "cdktf";
import { ClusterStack } from "./stacks/cluster-stack";
import { UserInputError } from "./stacks/errors";
import { GitOpsStack } from "./stacks/gitops-stack";
import { applyPolicy, policyErrorLines } from "./stacks/policy/aspect";
import { RepositoryStack } from "./stacks/repository-stack";
import { removeSynthOutput } from "./stacks/synth-output";
import { LOCAL_STATE, resolveStateBackend, type StateBackend } from "./stacks/state/resolve";
import { parseSettings, readRawSettings } from "./stacks/settings/load";
import { stackSet } from "./stacks/stack-set";
import { skipTokenCreationStacks } from "./stacks/tooling/token-creation-stacks";
import type { Settings } from "./stacks/settings/schema";

/**
 * Builds every stack of stacks/stack-set.ts: `gitops-repository` (deploy keys and branch
 * protection, shared by every cluster) and, per cluster, `<name>-eks` (AWS) and `<name>-gitops`
 * (Flux), which reads the other two through cross-stack references.
 *
 * The GitOps stacks all commit to one branch, and GitLab rejects a commit whose branch moved
 * under it: each one therefore depends on the previous one, so `cdktf deploy '*'` runs them one
 * after another while the AWS stacks still run in parallel.
 *
 * An account holds one IAM OIDC provider per GitLab instance: with `gitlab.awsOidcProvider`
 * "create" the first cluster stack whose teams push to ECR creates it and the later ones take its
 * ARN (a cross-stack reference, so they deploy after it); with "existing" each reads it itself.
 *
 * `state` is where every stack keeps its state (see stacks/state/resolve.ts). Every stack is
 * checked against the policy at synth (stacks/policy/): a violation stops the synth.
 */
export function buildApp(app: App, settings: Settings, state: StateBackend = LOCAL_STATE): App {
  const stacks: TerraformStack[] = [];
  let repository: RepositoryStack | undefined;
  const clusterStacks = new Map<string, ClusterStack>();
  let previousGitOps: GitOpsStack | undefined;
  let gitlabOidcProviderArn: string | undefined;
  // stackSet lists a stack after the stacks it reads, so each one finds them built.
  for (const declared of stackSet(settings)) {
    switch (declared.kind) {
      case "repository":
        repository = new RepositoryStack(app, declared.name, { gitlab: settings.gitlab, clusters: settings.clusters, state });
        stacks.push(repository);
        break;
      case "cluster": {
        const { cluster } = declared;
        const clusterStack = new ClusterStack(app, declared.name, { cluster, gitlab: settings.gitlab, gitlabOidcProviderArn, state });
        if (settings.gitlab.awsOidcProvider === "create") gitlabOidcProviderArn ??= clusterStack.gitlabOidcProviderArn;
        clusterStacks.set(cluster.name, clusterStack);
        stacks.push(clusterStack);
        break;
      }
      case "gitops": {
        const { cluster } = declared;
        const [gitRepository, clusterStack] = [repository, clusterStacks.get(cluster.name)];
        if (!gitRepository || !clusterStack) throw new Error(`buildApp: ${declared.name} is declared before the stacks it reads (stacks/stack-set.ts)`);
        const gitops = new GitOpsStack(app, declared.name, {
          cluster,
          gitlab: settings.gitlab,
          clusterOutputs: clusterStack,
          gitAccess: gitRepository.gitAccess(cluster.name),
          teamGitAccess: Object.fromEntries(cluster.teams.map((t) => [t.name, gitRepository.teamGitAccess(cluster.name, t.name)])),
          state,
        });
        if (previousGitOps) gitops.addDependency(previousGitOps);
        previousGitOps = gitops;
        stacks.push(gitops);
        break;
      }
    }
  }
  // Every stack is checked against the policy when it is synthesized (stacks/policy/).
  applyPolicy(stacks, settings.policy.acceptedRisks);
  return app;
}

/** The first frame of a stack trace that points into this project (not node_modules). */
function whereInProject(err: Error): string {
  const frame = (err.stack ?? "").split("\n").find((line) => /^\s+at /.test(line) && !line.includes("node_modules") && !line.includes("node:"));
  const location = frame?.match(/\(?([^()\s]+:\d+:\d+)\)?$/)?.[1];
  return location ? ` (at ${path.relative(process.cwd(), location)})` : "";
}

function main(): void {
  skipTokenCreationStacks();
  const app = new App();
  try {
    const settings = parseSettings(readRawSettings(app.node.getAllContext() as Record<string, unknown>));
    buildApp(app, settings, resolveStateBackend(settings, process.env)).synth();
  } catch (err) {
    removeSynthOutput(app.outdir);
    const policyErrors = policyErrorLines(err);
    if (policyErrors) {
      // Policy violations (error annotations): one line each, naming the rule, where, and the fix.
      for (const line of policyErrors) console.error(line);
    } else if (err instanceof UserInputError) {
      // Settings, templates, cdktf.json: the message names the file or setting; one line per problem.
      console.error(err.message);
    } else if (process.env.SYNTH_STACK_TRACE) {
      console.error(err);
    } else {
      const error = err instanceof Error ? err : new Error(String(err));
      console.error(`synth failed: ${error.message.split("\n")[0]}${whereInProject(error)}; set SYNTH_STACK_TRACE=1 for the stack trace`);
    }
    process.exit(1);
  }
}

if (require.main === module) main();
