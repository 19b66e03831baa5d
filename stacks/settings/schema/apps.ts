/*
 * The settings of one app of a cluster (`clusters[].apps[]`): name, namespace, image, port, user,
 * replicas, resources and autoscaling; and the rules that limits cover requests and replica bounds are in order.
 */
import { z } from "zod";
import { exposeSchema } from "./dns";
import { isFluxSemverRange } from "../semver-range";
import { dnsLabel, RESERVED_NAMESPACES } from "./common";
import { ecrSchema } from "./ecr";
import { refuse, type RuleContext } from "./rules";

/** A CPU quantity as Kubernetes writes it, above zero. */
export const cpuQuantity = z
  .string()
  .regex(/^(\d+m|\d+(\.\d+)?)$/, "a CPU quantity such as 50m, 500m or 1")
  .refine((v) => v !== "0" && v !== "0m", "a CPU quantity above zero");
/** A memory quantity in Ki, Mi or Gi. */
export const memoryQuantity = z.string().regex(/^\d+(Ki|Mi|Gi)$/, "a memory quantity such as 64Mi or 1Gi");

/** CPU quantity in millicores, for comparisons. */
export function milliCpu(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}
/** Memory quantity in KiB, for comparisons. */
export function kibibytes(quantity: string): number {
  const unit = { Ki: 1, Mi: 1024, Gi: 1024 * 1024 }[quantity.slice(-2) as "Ki" | "Mi" | "Gi"];
  return Number(quantity.slice(0, -2)) * unit;
}

/**
 * Refuses a CPU or memory limit below its request: Kubernetes refuses such a container, so the
 * app would fail in the cluster rather than at synth.
 */
export function limitsCoverRequests(
  r: { readonly cpuRequest: string; readonly cpuLimit: string; readonly memoryRequest: string; readonly memoryLimit: string },
  ctx: RuleContext,
): void {
  if (milliCpu(r.cpuLimit) < milliCpu(r.cpuRequest)) refuse(ctx, ["cpuLimit"], r.cpuLimit, `at least cpuRequest (${r.cpuRequest})`);
  if (kibibytes(r.memoryLimit) < kibibytes(r.memoryRequest)) refuse(ctx, ["memoryLimit"], r.memoryLimit, `at least memoryRequest (${r.memoryRequest})`);
}

const resourcesSchema = z
  .object({
    cpuRequest: cpuQuantity.default("50m").describe("CPU request (what the scheduler reserves and the autoscaler's utilization counts against)."),
    memoryRequest: memoryQuantity.default("64Mi").describe("Memory request."),
    cpuLimit: cpuQuantity.default("500m").describe("CPU limit (at least the request)."),
    memoryLimit: memoryQuantity.default("128Mi").describe("Memory limit (at least the request; exceeding it kills the container)."),
  })
  .strict()
  .superRefine(limitsCoverRequests);

/** Refuses maxReplicas below minReplicas: the HorizontalPodAutoscaler would be invalid. */
export function replicaBoundsInOrder(a: { readonly minReplicas: number; readonly maxReplicas: number }, ctx: RuleContext): void {
  if (a.maxReplicas < a.minReplicas) refuse(ctx, ["maxReplicas"], a.maxReplicas, `at least minReplicas (${a.minReplicas})`);
}

const autoscalingSchema = z
  .object({
    minReplicas: z.number().int().min(1, "an integer from 1 to 100").max(100, "an integer from 1 to 100").default(2).describe("Fewest replicas."),
    maxReplicas: z
      .number()
      .int()
      .min(1, "an integer from 1 to 100")
      .max(100, "an integer from 1 to 100")
      .default(6)
      .describe("Most replicas (nodes are added by the Cluster Autoscaler up to `nodeGroup.maxSize`)."),
    targetCpuUtilization: z
      .number()
      .int()
      .min(10, "a percentage from 10 to 100")
      .max(100, "a percentage from 10 to 100")
      .default(70)
      .describe("Average CPU use, in percent of `cpuRequest`, the autoscaler aims for."),
  })
  .strict()
  .superRefine(replicaBoundsInOrder);

export const appSchema = z
  .object({
    name: dnsLabel("app name", 40)
      .default("nginx")
      .describe(
        "Name of the app: its folder `apps/<cluster>/<name>`, the Deployment, Service, ImageRepository and ImagePolicy. Unique per cluster; at most 40 characters, lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit.",
      ),
    namespace: dnsLabel("namespace", 63)
      .refine((v) => !RESERVED_NAMESPACES.includes(v), `a namespace of its own, not ${RESERVED_NAMESPACES.join(", ")}`)
      .default("apps")
      .describe("Namespace of the app, created and pruned by Flux (not a system namespace); apps may share one. At most 63 characters (a DNS label)."),
    ecr: ecrSchema.prefault({}),
    semverRange: z
      .string()
      .refine(isFluxSemverRange, "a semver range Flux accepts (Masterminds/semver), such as 0.0.x, ^1.2.0 or >=1.0.0 <2.0.0")
      .default("0.0.x")
      .describe(
        "ImagePolicy semver range: the newest tag in it is rolled out. Checked with the grammar Flux parses it with (Masterminds/semver v3: `^1.2`, `~1.2.3`, `>=1.0.0 <2.0.0`, `1.2 - 1.4`, `||` alternatives), so a range Flux would refuse in the cluster stops synth.",
      ),
    initialTag: z
      .string()
      .regex(/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, "a semver tag such as 0.0.1")
      .default("0.0.1")
      .describe("Tag written to Git at creation; Flux replaces it with the newest tag in range."),
    containerPort: z
      .number()
      .int()
      .min(1024, "an unprivileged port 1024-65535")
      .max(65535, "an unprivileged port 1024-65535")
      .default(8080)
      .describe(
        "Port the image in ECR listens on. It is **not passed to the image**: `nginxinc/nginx-unprivileged` always listens on 8080, so change it only for an image that listens elsewhere.",
      ),
    runAsUser: z.number().int().min(1, "a non-root uid (>= 1)").default(101).describe("Non-root uid/gid of the container (`nginx-unprivileged`: 101)."),
    replicas: z
      .number()
      .int()
      .min(1, "an integer from 1 to 100")
      .max(100, "an integer from 1 to 100")
      .default(2)
      .describe("Replicas of the app when it has no `autoscaling`."),
    resources: resourcesSchema.prefault({}),
    expose: exposeSchema
      .optional()
      .meta({ defaultInWords: "none: reachable inside the cluster only" })
      .describe(
        "Serve the app at a hostname over HTTPS (see [Exposing an app](#exposing-an-app)): an Ingress on the cluster's load balancer, its DNS record and certificate. Needs `dns` on the cluster.",
      ),
    autoscaling: autoscalingSchema
      .optional()
      .meta({ defaultInWords: "none: `replicas` fixed" })
      .describe("A HorizontalPodAutoscaler on CPU; the Deployment then has no replica count of its own, so Flux never resets what the autoscaler chose."),
  })
  .strict()
  .transform((a) => ({ ...a, ecr: { ...a.ecr, repositoryName: a.ecr.repositoryName ?? `${a.name}-repo` } }));
