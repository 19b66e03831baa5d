/*
 * The settings of a cluster's EKS control plane (`clusters[].eks`): version, endpoint, logs, access
 * entries, add-ons; and the rule that a principal gets one access entry.
 */
import { z } from "zod";
import { EKS_ADDON_NAMES, kubernetesVersionPinners, supportedKubernetesVersions } from "../../addons";
import { cidr, LOG_RETENTION_DAYS } from "./common";
import { refuse, type RuleContext } from "./rules";

/** Oldest minor version Flux 2.9 supports (`flux check` requires >= 1.33); EKS still creates 1.32. */
export const MIN_KUBERNETES_MINOR = 33;
/** Newest version verified in standard support (until 2027-03-27) when this default was chosen. */
export const DEFAULT_KUBERNETES_VERSION = "1.35";

/** The Kubernetes versions the add-ons pin images for (stacks/addons/): undefined when none pins any. */
const PINNED_KUBERNETES_VERSIONS = supportedKubernetesVersions();

/** The EKS add-ons' names, as the description lists them. */
const addonList = EKS_ADDON_NAMES.map((name) => `\`${name}\``).join(", ");

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

const principalArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/,
    "an IAM role or user ARN, e.g. arn:aws:iam::111122223333:role/Admin (SSO roles with their full path)",
  );

/**
 * Refuses a principal listed twice, in either list or across both: EKS keeps one access entry per
 * principal, so a second listing could not be created (and admin plus viewer would be ambiguous).
 */
export function principalsListedOnce(
  e: { readonly adminPrincipalArns: readonly string[]; readonly viewerPrincipalArns: readonly string[] },
  ctx: RuleContext,
): void {
  const seen = new Map<string, string>();
  for (const list of ["adminPrincipalArns", "viewerPrincipalArns"] as const) {
    e[list].forEach((arn, i) => {
      const earlier = seen.get(arn);
      if (earlier) refuse(ctx, [list, i], arn, `a principal not already listed (it is ${earlier}; EKS keeps one access entry per principal)`);
      else seen.set(arn, `eks.${list}[${i}]`);
    });
  }
}

export const eksSchema = z
  .object({
    kubernetesVersion: z
      .string(`a Kubernetes minor version as a string, such as "${DEFAULT_KUBERNETES_VERSION}"`)
      .regex(/^1\.\d+$/, `a Kubernetes minor version such as ${DEFAULT_KUBERNETES_VERSION}`)
      .refine((v) => Number(v.split(".")[1]) >= MIN_KUBERNETES_MINOR, `1.${MIN_KUBERNETES_MINOR} or newer (Flux 2.9 needs 1.${MIN_KUBERNETES_MINOR})`)
      .refine(
        (v) => PINNED_KUBERNETES_VERSIONS?.includes(v) ?? true,
        `one of ${PINNED_KUBERNETES_VERSIONS?.join(", ")} (the versions ${kubernetesVersionPinners()} for)`,
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
        z.enum(EKS_ADDON_NAMES),
        z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, "an EKS add-on version such as v1.20.4-eksbuild.2"),
      )
      .default({})
      .meta({ defaultInWords: "EKS's default for `kubernetesVersion`" })
      .describe(
        `Explicit add-on versions by name (${addonList}), e.g. \`{"vpc-cni": "v1.20.4-eksbuild.2"}\` (see [Operating the cluster](#operating-the-cluster)).`,
      ),
    deletionProtection: z.boolean().default(false).describe("EKS refuses to delete the cluster while on: turn it on in production (off for trials)."),
    grantDeployerAdmin: z
      .boolean()
      .default(true)
      .describe("Give the identity that runs `cdktf deploy` an admin access entry (see [Who can reach the cluster](#who-can-reach-the-cluster))."),
  })
  .strict()
  .superRefine(principalsListedOnce);
