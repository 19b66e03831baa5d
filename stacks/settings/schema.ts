import { z } from "zod";
import { CLUSTER_AUTOSCALER_IMAGE_TAGS } from "../infrastructure-versions";
import { accountWideRoleNames, nodeGroupName, nodeRoleName, teamCiRoleName, teamImageReaderRoleName } from "../naming";
import { ACCEPTABLE_RULE_IDS } from "../policy/rule-ids";
import { cidrContains, cidrsOverlap, parseCidr } from "./cidr";
import { AWS_REGIONS } from "./aws-regions";
import { isFluxSemverRange } from "./semver-range";

/*
 * The one description of every setting the app accepts. Each field's `.describe()` text is, word for word,
 * the meaning column of the README's settings table (test/readme.test.ts); the error messages say what is allowed.
 *
 * Secrets have no place here: tokens and keys come from the providers' environment
 * (AWS credentials, GITLAB_TOKEN) or live only in Terraform state.
 */

/** Oldest minor version Flux 2.9 supports (`flux check` requires >= 1.33); EKS still creates 1.32. */
export const MIN_KUBERNETES_MINOR = 33;
/** Newest version verified in standard support (until 2027-03-27) when this default was chosen. */
export const DEFAULT_KUBERNETES_VERSION = "1.35";

/** Namespaces the app must not take: Flux would prune them with the app. */
export const RESERVED_NAMESPACES: readonly string[] = ["default", "flux-system", "kube-system", "kube-public", "kube-node-lease"];

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/**
 * Diversified Spot pools of one size, as AWS recommends: 2 vCPU and 8 GiB in six families (Intel
 * and AMD, burstable and general purpose), so the group keeps finding capacity when one pool is
 * reclaimed. All x86_64, for the default AMI type.
 */
export const DEFAULT_INSTANCE_TYPES = ["t3.large", "t3a.large", "m5.large", "m5a.large", "m6i.large", "m6a.large"] as const;

/** AL2 AMIs stopped on 2025-11-26, so only AL2023 and Bottlerocket families are offered. */
export const AMI_TYPES = ["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"] as const;

const dnsLabel = (what: string, max: number) => {
  const allowed = `${what}: lowercase letters, digits and '-', starting with a letter, at most ${max} characters`;
  return z.string(allowed).regex(new RegExp(`^[a-z]([a-z0-9-]{0,${max - 2}}[a-z0-9])?$`), allowed);
};

/**
 * IAM role names are limited to 64 characters; the node role is "<cluster>-<node group>-node", a
 * team's CI role "<cluster>-team-<team>-ci".
 */
const IAM_ROLE_NAME_MAX = 64;

const cidr = z.string().refine((v) => parseCidr(v) !== undefined, "an IPv4 network in CIDR form, e.g. 10.0.0.0/16, with no host bits set");
/** VPCs and subnets: AWS allows /16 to /28. */
const awsCidr = (what: string, example: string) =>
  cidr.refine((v) => {
    const prefix = Number(v.split("/")[1]);
    return prefix >= 16 && prefix <= 28;
  }, `${what} from /16 to /28 (what AWS allows), e.g. ${example}`);

/** A branch name Git accepts (git check-ref-format): no "..", "//", "@{", no leading or trailing "/" or ".", no ".lock" end. */
const gitBranch = z
  .string()
  .regex(/^[A-Za-z0-9._/-]+$/, "a Git branch name such as main")
  .refine(
    (v) => !/\.\.|\/\/|@\{|^[/.]|[/.]$|\.lock$|\/\./.test(v),
    "a Git branch name such as main or release/1.2 (no '..', '//', leading or trailing '/' or '.', no '.lock' end)",
  );

const duration = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+s)?$/, "a Go duration such as 1m0s, 5m or 1h")
  .refine((v) => v.length > 0, "a Go duration such as 1m0s, 5m or 1h");

const principalArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/,
    "an IAM role or user ARN, e.g. arn:aws:iam::111122223333:role/Admin (SSO roles with their full path)",
  );

export const networkSchema = z
  .object({
    vpcCidr: awsCidr("a VPC CIDR", "10.0.0.0/16").default("10.0.0.0/16").describe("IPv4 CIDR of the VPC, /16 to /28 (what AWS allows)."),
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, "an availability zone name such as us-west-2a"))
      .min(2, "at least 2 availability zones (EKS requires subnets in two)")
      .max(6, "at most 6 availability zones")
      .optional()
      .describe("Zones the subnets are spread over (2 to 6 distinct zones, in the cluster's region)."),
    publicSubnets: z
      .array(awsCidr("a subnet", "10.0.1.0/24"))
      .min(1, "at least one public subnet (the NAT gateway and internet-facing load balancers live there)")
      .default(["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"])
      .describe("Public subnets, round-robin over the zones; tagged `kubernetes.io/role/elb=1`."),
    privateSubnets: z
      .array(awsCidr("a subnet", "10.0.1.0/24"))
      .min(2, "at least two private subnets (EKS needs two zones)")
      .default(["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24", "10.0.6.0/24"])
      .describe(
        "Private subnets (nodes, control-plane ENIs), round-robin over the zones; tagged `kubernetes.io/role/internal-elb=1`. Must lie in the VPC and not overlap.",
      ),
    flowLogs: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            "VPC flow logs (accepted and rejected traffic) to the CloudWatch Logs group `/aws/vpc/<cluster>/flow-logs`, delivered with the role `<cluster>-vpc-flow-logs`. Off needs `policy.acceptedRisks` `CKV2_AWS_11` (see [Policy at synth](#policy-at-synth)).",
          ),
        retentionDays: z
          .number()
          .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), `one of ${LOG_RETENTION_DAYS.join(", ")}`)
          .default(30)
          .describe("Retention of the flow log group, in days (a value CloudWatch Logs accepts)."),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const eksSchema = z
  .object({
    kubernetesVersion: z
      .string(`a Kubernetes minor version as a string, such as "${DEFAULT_KUBERNETES_VERSION}"`)
      .regex(/^1\.\d+$/, `a Kubernetes minor version such as ${DEFAULT_KUBERNETES_VERSION}`)
      .refine((v) => Number(v.split(".")[1]) >= MIN_KUBERNETES_MINOR, `1.${MIN_KUBERNETES_MINOR} or newer (Flux 2.9 needs 1.${MIN_KUBERNETES_MINOR})`)
      .refine(
        (v) => v in CLUSTER_AUTOSCALER_IMAGE_TAGS,
        `one of ${Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(", ")} (the versions stacks/infrastructure-versions.ts pins a Cluster Autoscaler for)`,
      )
      .default(DEFAULT_KUBERNETES_VERSION)
      .describe(
        "Kubernetes minor version; add-on versions and the Cluster Autoscaler image follow it. 1.33 (Flux 2.9's minimum) to 1.35 (the newest the project pins a Cluster Autoscaler for).",
      ),
    supportType: z
      .enum(["STANDARD", "EXTENDED"], "STANDARD or EXTENDED")
      .default("STANDARD")
      .describe("Upgrade policy when standard support ends: `STANDARD` auto-upgrades, `EXTENDED` costs six times more per hour."),
    endpointPublicAccess: z.boolean().default(true).describe("Public API endpoint besides the private one; a laptop or a shared runner needs it."),
    publicAccessCidrs: z
      .array(cidr)
      .min(1, "at least one CIDR")
      .default(["0.0.0.0/0"])
      .describe("CIDRs allowed to reach the public endpoint. Narrow it to your office/VPN/runner egress."),
    logTypes: z
      .array(z.enum(CONTROL_PLANE_LOG_TYPES, `one of ${CONTROL_PLANE_LOG_TYPES.join(", ")}`))
      .refine((v) => v.includes("api") && v.includes("audit"), "a list that includes at least api and audit")
      .default(["api", "audit", "authenticator"])
      .describe("Control-plane log types; must include `api` and `audit`."),
    logRetentionDays: z
      .number()
      .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), `one of ${LOG_RETENTION_DAYS.join(", ")}`)
      .default(7)
      .describe("Retention of the control-plane log group (class `INFREQUENT_ACCESS`)."),
    adminPrincipalArns: z
      .array(principalArn)
      .default([])
      .describe(
        "IAM roles/users given `AmazonEKSClusterAdminPolicy` (cluster scope). SSO roles with their full path. Add your administrators here (see [Who can reach the cluster](#who-can-reach-the-cluster)).",
      ),
    viewerPrincipalArns: z
      .array(principalArn)
      .default([])
      .describe(
        "IAM roles/users given `AmazonEKSViewPolicy` (read-only without Secrets, cluster scope), e.g. people who look at the cluster; the pipeline's plan role needs no entry. A principal may be listed once, as admin or viewer.",
      ),
    addonVersions: z
      .partialRecord(
        // An unknown add-on is reported by zod as an unrecognized key (load.ts lists the allowed ones), never with an enum message.
        z.enum(["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver", "metrics-server"]),
        z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, "an EKS add-on version such as v1.20.4-eksbuild.2"),
      )
      .default({})
      .describe(
        'Explicit add-on versions by name (`vpc-cni`, `kube-proxy`, `eks-pod-identity-agent`, `coredns`, `aws-ebs-csi-driver`, `metrics-server`), e.g. `{"vpc-cni": "v1.20.4-eksbuild.2"}` (see [Operating the cluster](#operating-the-cluster)).',
      ),
    deletionProtection: z.boolean().default(false).describe("EKS refuses to delete the cluster while on: turn it on in production (off for trials)."),
    grantDeployerAdmin: z
      .boolean()
      .default(true)
      .describe("Give the identity that runs `cdktf deploy` an admin access entry (see [Who can reach the cluster](#who-can-reach-the-cluster))."),
  })
  .strict()
  .superRefine((e, ctx) => {
    // EKS keeps one access entry per principal.
    const seen = new Map<string, string>();
    for (const list of ["adminPrincipalArns", "viewerPrincipalArns"] as const) {
      e[list].forEach((arn, i) => {
        const earlier = seen.get(arn);
        if (earlier)
          ctx.addIssue({
            code: "custom",
            path: [list, i],
            input: arn,
            message: `a principal not already listed (it is ${earlier}; EKS keeps one access entry per principal)`,
          });
        else seen.set(arn, `eks.${list}[${i}]`);
      });
    }
  });

/** Nodes per EKS managed node group (an EKS service quota). */
const MAX_NODES = 450;
const NODE_COUNT = `an integer from 0 to ${MAX_NODES} (EKS's limit per managed node group)`;
const MAX_NODE_COUNT = `an integer from 1 to ${MAX_NODES} (EKS's limit per managed node group)`;

export const nodeGroupSchema = z
  .object({
    name: dnsLabel("node group name", 38)
      .default("default")
      .describe(
        "Node group name, prefixed with the cluster name: at most 38 characters, lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit; and the cluster name and the node group name together at most 58 characters, since the node IAM role `<cluster>-<node group>-node` is limited to 64 (a 32-character cluster name leaves 26).",
      ),
    amiType: z
      .enum(AMI_TYPES, `one of ${AMI_TYPES.join(", ")} (AL2 AMIs are no longer published)`)
      .default("AL2023_x86_64_STANDARD")
      .describe("AL2023 or Bottlerocket AMI family (AL2 is no longer published)."),
    capacityType: z.enum(["SPOT", "ON_DEMAND"], "SPOT or ON_DEMAND").default("SPOT").describe("`SPOT` or `ON_DEMAND`."),
    instanceTypes: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "an EC2 instance type such as t3.large"))
      .min(1, "at least one instance type")
      .default([...DEFAULT_INSTANCE_TYPES])
      .describe(
        "Instance types of one size (2 vCPU, 8 GiB) from six families: SPOT draws from every pool, so one type being reclaimed does not stop the group.",
      ),
    // Bounds before int(): an absurd value is reported with EKS's limit, not the safe-integer one.
    minSize: z.number().min(0, NODE_COUNT).max(MAX_NODES, NODE_COUNT).int().default(1).describe("Minimum nodes."),
    desiredSize: z
      .number()
      .min(0, NODE_COUNT)
      .max(MAX_NODES, NODE_COUNT)
      .int()
      .default(1)
      .describe("Nodes at creation; afterwards owned by the Cluster Autoscaler (each plan keeps the running count, moved into `minSize`..`maxSize`)."),
    maxSize: z
      .number()
      .min(1, MAX_NODE_COUNT)
      .max(MAX_NODES, MAX_NODE_COUNT)
      .int()
      .default(4)
      .describe(
        "Maximum nodes (EKS allows at most 450 per managed node group), and at most what the private subnets hold: their addresses less AWS's 5 per subnet, 12 per node (a node's VPC CNI addresses; the defaults hold 125).",
      ),
    diskSizeGiB: z
      .number()
      .int()
      .min(20, "an integer from 20 to 16384")
      .max(16384, "an integer from 20 to 16384")
      .default(50)
      .describe(
        "Volume for containers and images (gp3, encrypted), set in the launch template: the root volume on AL2023, the data volume `/dev/xvdb` on Bottlerocket.",
      ),
    amiReleaseVersion: z
      .string()
      .regex(/^(latest|\d+\.\d+\.\d+-[0-9a-z]+)$/, "latest, or an AMI release such as 1.35.0-20261104 (AL2023) or 1.50.0-1d3a8a5f (Bottlerocket)")
      .optional()
      .describe(
        "AMI release of the nodes: `latest` follows the newest EKS publishes in SSM for `kubernetesVersion` (read at each plan), a release such as `1.35.0-20261104` pins it. A change rolls the nodes (see [Operating the cluster](#operating-the-cluster)).",
      ),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (g.minSize > g.maxSize) {
      ctx.addIssue({ code: "custom", path: ["minSize"], input: g.minSize, message: `at most maxSize (${g.maxSize})` });
    } else if (!(g.minSize <= g.desiredSize && g.desiredSize <= g.maxSize)) {
      ctx.addIssue({
        code: "custom",
        path: ["desiredSize"],
        input: g.desiredSize,
        message: `a number from minSize (${g.minSize}) to maxSize (${g.maxSize})`,
      });
    }
  });

const ecrRepositoryName = z
  .string()
  .min(2, "2 to 256 characters")
  .max(256, "2 to 256 characters")
  .regex(
    /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    "an ECR repository name: lowercase letters, digits, '.', '_', '-' and '/' separated paths",
  );

export const ecrSchema = z
  .object({
    repositoryName: ecrRepositoryName
      .optional()
      .describe(
        "ECR repository of the app image; unique per account and region; 2 to 256 characters. Renaming it is safe for the running app (see [Image name and tag](#image-name-and-tag)).",
      ),
    keepImages: z
      .number()
      .int()
      .min(1, "an integer from 1 to 1000")
      .max(1000, "an integer from 1 to 1000")
      .default(30)
      .describe("Lifecycle policy: keep this many most recent images."),
    untaggedExpiryDays: z.number().int().min(1, "an integer >= 1").default(7).describe("Lifecycle policy: expire untagged images after this many days."),
    forceDelete: z.boolean().default(false).describe("Let `cdktf destroy` delete the repository while it still holds images."),
  })
  .strict();

const cpuQuantity = z
  .string()
  .regex(/^(\d+m|\d+(\.\d+)?)$/, "a CPU quantity such as 50m, 500m or 1")
  .refine((v) => v !== "0" && v !== "0m", "a CPU quantity above zero");
const memoryQuantity = z.string().regex(/^\d+(Ki|Mi|Gi)$/, "a memory quantity such as 64Mi or 1Gi");

/** CPU quantity in millicores, for comparisons. */
export function milliCpu(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}
/** Memory quantity in KiB, for comparisons. */
export function kibibytes(quantity: string): number {
  const unit = { Ki: 1, Mi: 1024, Gi: 1024 * 1024 }[quantity.slice(-2) as "Ki" | "Mi" | "Gi"];
  return Number(quantity.slice(0, -2)) * unit;
}

const resourcesSchema = z
  .object({
    cpuRequest: cpuQuantity.default("50m").describe("CPU request (what the scheduler reserves and the autoscaler's utilization counts against)."),
    memoryRequest: memoryQuantity.default("64Mi").describe("Memory request."),
    cpuLimit: cpuQuantity.default("500m").describe("CPU limit (at least the request)."),
    memoryLimit: memoryQuantity.default("128Mi").describe("Memory limit (at least the request; exceeding it kills the container)."),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (milliCpu(r.cpuLimit) < milliCpu(r.cpuRequest)) {
      ctx.addIssue({ code: "custom", path: ["cpuLimit"], input: r.cpuLimit, message: `at least cpuRequest (${r.cpuRequest})` });
    }
    if (kibibytes(r.memoryLimit) < kibibytes(r.memoryRequest)) {
      ctx.addIssue({ code: "custom", path: ["memoryLimit"], input: r.memoryLimit, message: `at least memoryRequest (${r.memoryRequest})` });
    }
  });

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
  .superRefine((a, ctx) => {
    if (a.maxReplicas < a.minReplicas) {
      ctx.addIssue({ code: "custom", path: ["maxReplicas"], input: a.maxReplicas, message: `at least minReplicas (${a.minReplicas})` });
    }
  });

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
    autoscaling: autoscalingSchema
      .optional()
      .describe("A HorizontalPodAutoscaler on CPU; the Deployment then has no replica count of its own, so Flux never resets what the autoscaler chose."),
  })
  .strict()
  .transform((a) => ({ ...a, ecr: { ...a.ecr, repositoryName: a.ecr.repositoryName ?? `${a.name}-repo` } }));

const PROJECT_PATH = "a project path with its namespace, such as my-group/my-project or group/subgroup/project";
/** A GitLab project path with its namespace (group/project, subgroups allowed). */
const gitlabProjectPath = z.string(PROJECT_PATH).regex(/^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+$/, PROJECT_PATH);

export const tenantSchema = z
  .object({
    name: dnsLabel("team name", 30).describe(
      "Team name: its ServiceAccount, Flux objects and folder `tenants/<cluster>/<name>`, its default namespace. At most 30 characters, lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit; for a team with `ecrRepositories`, the cluster name and the team name together at most 55 characters, since its CI role `<cluster>-team-<team>-ci` is limited to 64.",
    ),
    gitlabProject: gitlabProjectPath.describe("The team's own project, `group/project`, on the instance of `gitlab.baseUrl`. One team per project."),
    branch: gitBranch.default("main").describe("Branch of the team's project Flux reconciles."),
    path: z
      .string()
      .regex(/^\.(\/[A-Za-z0-9._-]+)*$/, "a path in the team's repository starting with '.', such as . or ./deploy/production")
      .default(".")
      .describe("Path in the team's repository Flux applies, e.g. `./deploy/production`."),
    namespaces: z
      .array(dnsLabel("namespace", 63))
      .min(1, "at least one namespace")
      .optional()
      .describe(
        "The team's namespaces: admin there, nothing elsewhere. The first is `targetNamespace` when it is the only one; not an app's, a system or another team's namespace. Each at most 63 characters (a DNS label).",
      ),
    ecrRepositories: z
      .array(ecrRepositoryName)
      .default([])
      .describe("ECR repositories of the team (same policies as the apps'), each 2 to 256 characters; its CI may push to them and only to them."),
    imageAutomation: z
      .boolean()
      .default(false)
      .describe("The team runs Flux image automation in its own repository, so its deploy key may push. Default: read-only."),
    ciBranches: z
      .array(z.string().regex(/^([A-Za-z0-9._/-]+|\*)$/, "a branch name, or * for any ref"))
      .min(1, "at least one branch")
      .default(["main"])
      .describe(
        'Branches of the team\'s project whose CI may assume its push role (AWS checks the OIDC `sub` claim: list the protected branches); `["*"]` for any ref.',
      ),
  })
  .strict()
  .transform((t) => ({ ...t, namespaces: t.namespaces ?? [t.name] }));

export const fluxSchema = z
  .object({
    interval: duration.default("1m0s").describe("How often Flux fetches the GitOps repository (Flux's own default)."),
    layerInterval: duration
      .default("10m0s")
      .describe("How often the `infrastructure` and `apps` Kustomizations are re-applied to undo drift; a new commit applies at once."),
    layerTimeout: duration.default("5m0s").describe("How long the `apps` Kustomization waits for its objects to be ready before it reports a failure."),
    infrastructureTimeout: duration
      .default("10m0s")
      .describe("How long the `infrastructure` Kustomization waits for its HelmReleases to be installed and ready."),
    imageScanInterval: duration.default("5m0s").describe("How often ECR is scanned for new tags."),
    imageUpdateInterval: duration.default("30m0s").describe("How often image automation re-checks its policies; a newly found tag is written to Git at once."),
    deployKeyVersion: z
      .number()
      .int()
      .min(1, "an integer >= 1")
      .default(1)
      .describe(
        "Generation of the cluster's Flux deploy key: raise it by one and deploy to rotate the key (see [Rotating a deploy key](#rotating-a-deploy-key)).",
      ),
    commitStatuses: z
      .boolean()
      .default(true)
      .describe(
        "Post each reconciliation of the `infrastructure` and `apps` Kustomizations as a GitLab commit status, with a project access token (see [Commit statuses in GitLab](#commit-statuses-in-gitlab)). GitLab.com Free has no project access tokens: set `false` there (also for an instance served under a path).",
      ),
    commitStatusTokenDays: z
      .number()
      .int()
      .min(30, "an integer from 30 to 365")
      .max(365, "an integer from 30 to 365 (GitLab's longest token lifetime)")
      .default(365)
      .describe("Lifetime in days of the commit status token, 30 to 365 (each rotation issues a new one)."),
    commitStatusTokenRotateDays: z
      .number()
      .int()
      .min(1, "an integer >= 1")
      .default(30)
      .describe("The first deploy this many days or fewer before the token expires rotates it; less than `commitStatusTokenDays`."),
  })
  .strict()
  .superRefine((f, ctx) => {
    // Otherwise every deploy would find the token due and rotate it again.
    if (f.commitStatusTokenRotateDays >= f.commitStatusTokenDays) {
      ctx.addIssue({
        code: "custom",
        path: ["commitStatusTokenRotateDays"],
        input: f.commitStatusTokenRotateDays,
        message: `less than commitStatusTokenDays (${f.commitStatusTokenDays})`,
      });
    }
  });

const isRegion = (v: string) => (AWS_REGIONS as readonly string[]).includes(v);
const awsRegion = z.string("an AWS region such as us-west-2").refine(isRegion, "an AWS region such as us-west-2 (the list is stacks/settings/aws-regions.ts)");

/**
 * The VPC CNI gives each node a primary ENI full of secondary addresses as soon as it joins (and keeps
 * one more ENI warm): for the default 2-vCPU types that is 12 to 24 addresses. 12 is the floor used to
 * check that the private subnets can hold maxSize nodes.
 */
export const ADDRESSES_PER_NODE = 12;
/** AWS keeps 5 addresses of every subnet. */
const AWS_RESERVED_PER_SUBNET = 5;

const clusterName = dnsLabel("cluster name", 32);

export const clusterSchema = z
  .object({
    name: clusterName.describe(
      "EKS cluster name; also the Git paths `apps/<name>`, `clusters/<name>` and the stack names. At most 32 characters, lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit; it is part of IAM role names, so it also limits `nodeGroup.name` and `tenants[].name`.",
    ),
    environment: dnsLabel("environment", 32)
      .default("dev")
      .describe(
        "Value of the `Environment` tag on every AWS resource; at most 32 characters, lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit.",
      ),
    region: awsRegion
      .default("us-west-2")
      .describe(
        "AWS region of the cluster: one of the regions in `stacks/settings/aws-regions.ts` (the AWS provider's list; a region AWS opens later is one line there).",
      ),
    tags: z.record(z.string(), z.string()).default({}).describe("Extra tags on every AWS resource (`Terraform`, `Environment`, `Cluster` always win)."),
    network: networkSchema.prefault({}),
    eks: eksSchema.prefault({}),
    nodeGroup: nodeGroupSchema.prefault({}),
    apps: z
      .array(appSchema)
      .min(1, "a list with at least one app")
      .prefault([{}])
      .describe("The cluster's apps (see [Adding an app](#adding-an-app)); each gets its folder, ECR repository and image automation."),
    flux: fluxSchema.prefault({}),
    tenants: z
      .array(tenantSchema)
      .default([])
      .describe("Development teams on the cluster, each reconciled from its own GitLab project and confined to its namespaces (see [Teams](#teams))."),
  })
  .strict()
  .superRefine((c, ctx) => {
    const fail = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: "custom", path, input, message });

    // A bad region is reported once, not again for every zone.
    c.network.availabilityZones?.forEach((az, i, all) => {
      const first = all.indexOf(az);
      if (first < i)
        fail(["network", "availabilityZones", i], az, `a zone not listed before (availabilityZones[${first}]): every subnet would land in fewer zones`);
    });
    if (isRegion(c.region)) {
      (c.network.availabilityZones ?? []).forEach((az, i) => {
        if (az.slice(0, -1) !== c.region) fail(["network", "availabilityZones", i], az, `a zone of region ${c.region}`);
      });
    }

    // Limits derived from the cluster name only when the name itself is valid: the first cause, once.
    const validName = clusterName.safeParse(c.name).success;
    if (validName && nodeRoleName(nodeGroupName(c.name, c.nodeGroup.name)).length > IAM_ROLE_NAME_MAX) {
      const max = IAM_ROLE_NAME_MAX - nodeRoleName(nodeGroupName(c.name, "")).length;
      fail(
        ["nodeGroup", "name"],
        c.nodeGroup.name,
        `at most ${max} characters with this cluster name (the node IAM role "<cluster name>-<node group name>-node" is limited to ${IAM_ROLE_NAME_MAX})`,
      );
    }

    const appNames = new Map<string, number>();
    c.apps.forEach((app, i) => {
      const earlier = appNames.get(app.name);
      if (earlier !== undefined) fail(["apps", i, "name"], app.name, `a name no other app of this cluster uses (apps[${earlier}] is "${app.name}")`);
      else appNames.set(app.name, i);
    });

    // Who owns each namespace: an app namespace, a system namespace, or a team.
    const owners = new Map<string, string>(RESERVED_NAMESPACES.map((ns) => [ns, "a system namespace"]));
    c.apps.forEach((app, i) => owners.has(app.namespace) || owners.set(app.namespace, `the namespace of apps[${i}] (${app.name})`));
    const teams = new Map<string, number>();
    const projects = new Map<string, number>();
    c.tenants.forEach((t, i) => {
      const team = teams.get(t.name);
      if (team !== undefined) fail(["tenants", i, "name"], t.name, `a name no other team uses (tenants[${team}] is "${t.name}")`);
      else teams.set(t.name, i);
      const project = projects.get(t.gitlabProject.toLowerCase());
      if (project !== undefined) fail(["tenants", i, "gitlabProject"], t.gitlabProject, `a project no other team uses (tenants[${project}] has it)`);
      else projects.set(t.gitlabProject.toLowerCase(), i);
      // Only a team with ECR repositories gets a CI role (without one it has nothing to push) and
      // an image reader role, whose name is no longer than the CI role's.
      const longestTeamRole = Math.max(teamCiRoleName(c.name, t.name).length, teamImageReaderRoleName(c.name, t.name).length);
      if (validName && t.ecrRepositories.length > 0 && longestTeamRole > IAM_ROLE_NAME_MAX) {
        const max = IAM_ROLE_NAME_MAX - teamCiRoleName(c.name, "").length;
        fail(
          ["tenants", i, "name"],
          t.name,
          `at most ${max} characters with this cluster name (the CI IAM role of a team with ECR repositories, "<cluster name>-team-<team name>-ci", is limited to ${IAM_ROLE_NAME_MAX})`,
        );
      }
      // Raw when the team has a bad value elsewhere (its transform has not run): the default then.
      (t.namespaces ?? [t.name]).forEach((ns, j) => {
        const owner = owners.get(ns);
        if (owner) fail(["tenants", i, "namespaces", j], ns, `a namespace of its own, not ${owner}`);
        else owners.set(ns, `a namespace of tenants[${i}] (${t.name})`);
      });
    });

    const vpc = parseCidr(c.network.vpcCidr);
    if (!vpc) return;
    const subnets = [...c.network.publicSubnets, ...c.network.privateSubnets].map(parseCidr);
    if (subnets.every((block) => block && !cidrContains(vpc, block))) {
      // A new vpcCidr alone (the subnets left at their defaults): one cause, not one line per subnet.
      fail(["network", "vpcCidr"], c.network.vpcCidr, "a CIDR containing publicSubnets and privateSubnets (none is inside it: change them with it)");
      return;
    }
    const seen: { where: string; value: string }[] = [];
    for (const kind of ["publicSubnets", "privateSubnets"] as const) {
      c.network[kind].forEach((subnet, i) => {
        const block = parseCidr(subnet);
        if (!block) return;
        if (!cidrContains(vpc, block)) fail(["network", kind, i], subnet, `a subnet inside vpcCidr ${c.network.vpcCidr}`);
        const clash = seen.find((s) => cidrsOverlap(parseCidr(s.value)!, block));
        if (clash) fail(["network", kind, i], subnet, `a subnet that does not overlap network.${clash.where} (${clash.value})`);
        seen.push({ where: `${kind}[${i}]`, value: subnet });
      });
    }

    const privateBlocks = c.network.privateSubnets.map(parseCidr);
    if (privateBlocks.every((b) => b !== undefined)) {
      const usable = privateBlocks.reduce((sum, b) => sum + 2 ** (32 - b.prefix) - AWS_RESERVED_PER_SUBNET, 0);
      const most = Math.floor(usable / ADDRESSES_PER_NODE);
      if (c.nodeGroup.maxSize > most) {
        fail(
          ["nodeGroup", "maxSize"],
          c.nodeGroup.maxSize,
          `at most ${most} with these private subnets (${usable} usable addresses; each node takes at least ${ADDRESSES_PER_NODE} for itself and its pods' VPC CNI addresses)`,
        );
      }
    }
  })
  .transform((c) => ({
    ...c,
    network: { ...c.network, availabilityZones: c.network.availabilityZones ?? ["a", "b", "c"].map((z) => `${c.region}${z}`) },
  }));

const commitAuthorSchema = z
  .object({
    name: z.string().min(1, "a non-empty name").default("Flux").describe("Author name of Flux's commits (image updates and the bootstrap)."),
    email: z
      .email("an e-mail address such as flux@example.com")
      .optional()
      .describe("Author e-mail of Flux's commits; set one your project's push rules accept."),
  })
  .strict();

export const gitlabSchema = z
  .object({
    baseUrl: z
      .url({ protocol: /^https?$/, error: "an http(s) URL such as https://gitlab.com" })
      // The default before the transform: zod's JSON Schema (the README test) drops a transform's default.
      .default("https://gitlab.com")
      .transform((u) => u.replace(/\/+$/, ""))
      .describe("GitLab instance URL (self-managed too); the API is `<baseUrl>/api/v4`."),
    project: gitlabProjectPath.describe("The GitOps project as `group/project` (subgroups allowed). It must exist and have an initialised default branch."),
    branch: gitBranch.default("main").describe("Branch Flux syncs from and commits image updates to."),
    sshHost: z
      .string()
      .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "a host name, optionally with :port, such as gitlab.example.com:2222")
      .optional()
      .describe("SSH `host[:port]` for Git over SSH, for instances that serve SSH elsewhere."),
    protectBranch: z
      .boolean()
      .default(true)
      .describe(
        "Manage the branch's protection: Maintainers push and merge, no force push, and every cluster's Flux deploy key may push (see [What the stacks change in the GitLab project](#what-the-stacks-change-in-the-gitlab-project)). Set `false` on GitLab CE.",
      ),
    commitAuthor: commitAuthorSchema.prefault({}),
    awsOidcProvider: z
      .enum(["create", "existing"], "create or existing")
      .default("existing")
      .describe(
        "The AWS IAM OIDC provider for this GitLab instance, trusted by the teams' CI roles and the pipeline's roles: use the `existing` one of the account (the one [Deploying from GitLab CI](#deploying-from-gitlab-ci) has you create; IAM allows one per URL), or `create` it in the first cluster stack with teams that have ECR repositories (then destroying that stack deletes it, and every role that trusts it stops working).",
      ),
  })
  .strict()
  .transform((g) => ({
    ...g,
    commitAuthor: { ...g.commitAuthor, email: g.commitAuthor.email ?? `flux@noreply.${new URL(g.baseUrl).hostname}` },
  }));

const projectRef = "a project ID such as 12345678, or a path with its namespace such as my-group/infrastructure";
const gitlabProjectRef = z.union(
  [z.number().int().min(1, projectRef), z.string().regex(/^(\d+|[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+)$/, projectRef)],
  projectRef,
);

export const STATE_BACKENDS = ["auto", "local", "gitlab", "s3"] as const;

export const stateSchema = z
  .object({
    backend: z
      .enum(STATE_BACKENDS, `one of ${STATE_BACKENDS.join(", ")}`)
      .default("auto")
      .describe(
        "Where each stack keeps its Terraform state, one state per stack named after it: `gitlab` (GitLab-managed state), `s3`, `local` (a file beside `cdktf.json`), or `auto`: `gitlab` inside a GitLab CI job, `local` elsewhere (see [Where the state lives](#where-the-state-lives)).",
      ),
    gitlab: z
      .object({
        project: gitlabProjectRef
          .optional()
          .describe(
            "Project holding the GitLab-managed state, on the instance of `gitlab.baseUrl`, as `group/project` or its ID. Name it to use the pipeline's state from a laptop.",
          ),
        credentialsProject: gitlabProjectRef
          .optional()
          .describe(
            "Project holding the GitLab-managed state of the stacks whose state holds credentials (`gitops-repository` and every `<cluster>-gitops`: Flux's deploy keys, the commit-status token), as `group/project` or its ID. Required with GitLab-managed state: give only Maintainers a role in it, since every Developer of a project can read its states (see [Security model](docs/security-model.md)).",
          ),
      })
      .strict()
      .prefault({}),
    s3: z
      .object({
        bucket: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-'")
          .optional()
          .describe("S3 bucket of the state (versioning on, created beforehand): 3 to 63 characters, lowercase letters, digits, `.` and `-`."),
        region: awsRegion.default("us-west-2").describe("Region of the state bucket (one of the regions in `stacks/settings/aws-regions.ts`)."),
        keyPrefix: z
          .string()
          .regex(
            /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
            "an S3 key prefix such as eks-flux-gitops or teams/platform, without a leading or trailing '/'",
          )
          .default("eks-flux-gitops")
          .describe("Each stack's state is `<keyPrefix>/<stack>.tfstate`, its lock file beside it."),
        kmsKeyId: z
          .string()
          .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/+=,.@-]+$/, "a KMS key or alias ARN")
          .optional()
          .describe("KMS key (or alias) ARN that encrypts the state objects."),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.backend === "s3" && s.s3.bucket === undefined) {
      ctx.addIssue({ code: "custom", path: ["s3", "bucket"], input: undefined, message: "a bucket name (required when state.backend is s3)" });
    }
  });

export const policySchema = z
  .object({
    acceptedRisks: z
      .partialRecord(
        // An unknown rule id is reported by zod as an unrecognized key (load.ts lists the allowed ones), never with an enum message.
        z.enum(ACCEPTABLE_RULE_IDS),
        z.string("a reason, in words, why the risk is accepted").trim().min(10, "a reason, in words, why the risk is accepted (10 characters or more)"),
      )
      .default({})
      .describe(
        "Policy rules whose violation is knowingly accepted, by rule id, each with its reason (10 characters or more): the violation then warns instead of stopping the synth. Only `CKV_AWS_38`, `CKV_AWS_39` and `CKV2_AWS_11` may be accepted (see [Policy at synth](#policy-at-synth)).",
      ),
  })
  .strict();

export const settingsSchema = z
  .object({
    gitlab: gitlabSchema,
    clusters: z.array(clusterSchema).min(1, "a list with at least one cluster"),
    state: stateSchema.prefault({}),
    policy: policySchema.prefault({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Flux's GitLab notifier takes scheme://host of the Provider's address as the instance and the
    // whole path as the project, so an instance served under a path cannot get commit statuses.
    // Refinements run on a baseUrl that failed its own check too: only a valid http(s) URL counts.
    const base = URL.canParse(s.gitlab.baseUrl) ? new URL(s.gitlab.baseUrl) : undefined;
    if (base && ["http:", "https:"].includes(base.protocol) && base.pathname !== "/") {
      s.clusters.forEach((c, i) => {
        if (!c.flux.commitStatuses) return;
        ctx.addIssue({
          code: "custom",
          path: ["clusters", i, "flux", "commitStatuses"],
          input: true,
          message: `false: Flux's GitLab commit statuses cannot reach an instance under a path (gitlab.baseUrl ${s.gitlab.baseUrl})`,
        });
      });
    }
    // IAM takes only https issuers for an OIDC provider, and teams' CI roles trust GitLab through one.
    if (base?.protocol === "http:") {
      const pusher = s.clusters
        .flatMap((c, i) => c.tenants.map((t, j) => ({ where: `clusters[${i}].tenants[${j}]`, pushes: t.ecrRepositories.length > 0 })))
        .find((t) => t.pushes);
      if (pusher) {
        ctx.addIssue({
          code: "custom",
          path: ["gitlab", "baseUrl"],
          input: s.gitlab.baseUrl,
          message: `an https URL: teams with ECR repositories (such as ${pusher.where}) push through an AWS IAM OIDC provider, which needs an https issuer`,
        });
      }
    }
    const names = new Set<string>();
    // IAM role names are unique per account, case-insensitively: "<name>" -> which cluster creates it.
    const roles = new Map<string, number>();
    s.clusters.forEach((c, i) => {
      // A repeated cluster name is reported as such; its roles would only repeat the cause.
      if (s.clusters.findIndex((other) => other.name === c.name) < i) return;
      for (const role of accountWideRoleNames(c)) {
        const key = role.name.toLowerCase();
        const other = roles.get(key);
        if (other !== undefined && other !== i) {
          const value = role.from.reduce<unknown>((v, p) => (v as Record<string | number, unknown>)[p], c);
          ctx.addIssue({
            code: "custom",
            path: ["clusters", i, ...role.from],
            input: value,
            message: `a value whose IAM role ${role.name} no other cluster creates (clusters[${other}] does; IAM names are account-wide)`,
          });
          // One cause per cluster: the first clash.
          break;
        } else roles.set(key, i);
      }
    });
    // ECR repository names are unique per account and region: "<region>/<name>" -> where it is.
    const repos = new Map<string, string>();
    s.clusters.forEach((c, i) => {
      if (names.has(c.name)) {
        ctx.addIssue({ code: "custom", path: ["clusters", i, "name"], input: c.name, message: "a name no other cluster uses" });
      }
      names.add(c.name);
      const claim = (name: string, where: string, path: (string | number)[]) => {
        const key = `${c.region}/${name}`;
        const earlier = repos.get(key);
        if (earlier) {
          ctx.addIssue({
            code: "custom",
            path: ["clusters", i, ...path],
            input: name,
            message: `a repository name not used by ${earlier} (ECR names are unique per region, ${c.region}; the default is <app name>-repo)`,
          });
        } else repos.set(key, where);
      };
      c.apps.forEach((app, j) => claim(app.ecr.repositoryName, `clusters[${i}].apps[${j}]`, ["apps", j, "ecr", "repositoryName"]));
      c.tenants.forEach((t, j) => t.ecrRepositories.forEach((name, k) => claim(name, `clusters[${i}].tenants[${j}]`, ["tenants", j, "ecrRepositories", k])));
    });
  });

/** Settings as written in cdktf.json (defaults may be omitted). */
export type SettingsInput = z.input<typeof settingsSchema>;
/** Settings after validation, with every default filled in. */
export type Settings = z.output<typeof settingsSchema>;
export type ClusterSettings = Settings["clusters"][number];
export type AppSettings = ClusterSettings["apps"][number];
export type TenantSettings = ClusterSettings["tenants"][number];
export type GitLabSettings = Settings["gitlab"];
export type StateSettings = Settings["state"];
export type PolicySettings = Settings["policy"];
