import type { PipelineStack } from "./stack-graph";

/**
 * The stages stacks are planned and deployed in: the AWS and GitLab stacks, then the GitOps stacks.
 * A plan on the default branch waits for the deploys of the stacks it reads, so that it plans
 * against what was applied.
 */
export const STACK_STAGES = ["infrastructure", "gitops"] as const;
export const DESTROY_STAGE = "destroy";

type Need = string | { job: string; optional?: boolean; artifacts?: boolean };

export const jobNames = {
  plan: (stack: string) => `plan:${stack}`,
  rotate: (stack: string) => `rotate:${stack}`,
  deploy: (stack: string) => `deploy:${stack}`,
  destroy: (stack: string) => `destroy:${stack}`,
};

/**
 * The stage of each stack: its kind's (AWS and GitLab stacks, then GitOps stacks). Within a stage,
 * `needs` orders a stack after the stacks it reads (a cluster stack may read the OIDC provider of
 * another); a stack may not read one of a later stage, nor stacks read each other in a cycle.
 */
function stagesOf(stacks: readonly PipelineStack[]): Map<string, (typeof STACK_STAGES)[number]> {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const visit = (stack: PipelineStack, path: string[]): void => {
    if (path.includes(stack.name)) throw new Error(`stacks read each other in a cycle: ${[...path, stack.name].join(" -> ")}`);
    for (const read of stack.reads) {
      const upstream = byName.get(read);
      if (!upstream) throw new Error(`stack ${stack.name} reads ${read}, which is not synthesized`);
      if (STACK_STAGES.indexOf(upstream.stage) > STACK_STAGES.indexOf(stack.stage)) {
        throw new Error(`stack ${stack.name} (${stack.stage}) reads ${read} of the later stage ${upstream.stage}`);
      }
      visit(upstream, [...path, stack.name]);
    }
  };
  for (const stack of stacks) visit(stack, []);
  return new Map(stacks.map((s) => [s.name, s.stage]));
}

/**
 * The jobs of every stack, extending the templates `.plan`, `.plan-credentials`, `.deploy`,
 * `.rotate` and `.destroy` of .gitlab-ci.yml:
 * - `plan:<stack>` after synth; on the default branch also after the deploys of the stacks it
 *   reads (optional needs: merge-request pipelines have no deploy jobs, and their plans read what
 *   is applied today). A stack whose state holds credentials extends `.plan-credentials`: planned
 *   on the default branch only (a merge request runs its branch's scripts, which must never see
 *   that state), its plan file no one's download; merge requests show its synthesized diff instead;
 * - `rotate:<stack>` (scheduled pipelines) applies only its token rotation;
 * - `deploy:<stack>` (manual) applies exactly that plan;
 * - `destroy:<stack>` (manual) only after the destroys of every stack that reads it.
 */
export function stackJobs(stacks: readonly PipelineStack[]): Record<string, Record<string, unknown>> {
  const stages = stagesOf(stacks);
  const jobs: Record<string, Record<string, unknown>> = {};
  const ordered = [...stacks].sort((a, b) => STACK_STAGES.indexOf(stages.get(a.name)!) - STACK_STAGES.indexOf(stages.get(b.name)!));
  for (const stack of ordered) {
    const variables = { STACK: stack.name };
    const stage = stages.get(stack.name);
    const planNeeds: Need[] = ["synth", ...stack.reads.map((read) => ({ job: jobNames.deploy(read), optional: true }))];
    jobs[jobNames.plan(stack.name)] = {
      extends: stack.holdsCredentials ? ".plan-credentials" : ".plan",
      stage,
      variables: { ...variables },
      ...(stack.reads.length > 0 ? { needs: planNeeds } : {}),
    };
    jobs[jobNames.deploy(stack.name)] = {
      extends: ".deploy",
      stage,
      variables: { ...variables },
      needs: [{ job: "test", artifacts: false }, jobNames.plan(stack.name)],
      resource_group: stack.resourceGroup,
      environment: { name: stack.environment, action: "start" },
    };
    if (stack.rotates.length > 0) {
      jobs[jobNames.rotate(stack.name)] = {
        extends: ".rotate",
        stage,
        variables: { ...variables, ROTATE_TARGETS: stack.rotates.join(" ") },
        resource_group: stack.resourceGroup,
        environment: { name: stack.environment, action: "start" },
      };
    }
  }
  // Listed in the order they can run: readers first.
  for (const stack of [...ordered].reverse()) {
    const readers = stacks.filter((s) => s.reads.includes(stack.name)).map((s) => s.name);
    jobs[jobNames.destroy(stack.name)] = {
      extends: ".destroy",
      variables: { STACK: stack.name },
      ...(readers.length > 0 ? { needs: ["synth", ...readers.map((reader) => ({ job: jobNames.destroy(reader) }))] } : {}),
      resource_group: stack.resourceGroup,
      environment: { name: stack.environment, action: "stop" },
    };
  }
  return jobs;
}
