import { policyDocument } from "../constructs/aws/iam";
import { type AddonPolicyContext, chartTemplateValues, type FluxAddonUnit } from "./addon";

/*
 * ExternalDNS, installed by Flux in the infrastructure layer on a cluster with `dns`
 * (config_files/infrastructure/external-dns.yaml): it writes each exposed app's record in the
 * cluster's zone, pointing at its load balancer, and removes it when the app is no longer exposed.
 */

/** The project's chart (github.com/kubernetes-sigs/external-dns, charts/external-dns). */
const CHART = {
  repository: "https://kubernetes-sigs.github.io/external-dns/",
  name: "external-dns",
  /** The newest chart (2026-04-30); it ships ExternalDNS v0.21.0 (no chart carries v0.22.0 yet). */
  version: "1.21.1",
} as const;

const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "external-dns";

/**
 * What ExternalDNS needs on Route53, for one cluster (its AWS tutorial's policy, narrowed as the
 * tutorial suggests from every zone to the cluster's own): change and list records in that zone,
 * and list the zones (a call with no resource-level permission) to find it.
 */
export function externalDnsPolicy(props: AddonPolicyContext): string {
  // The add-on is installed only on a cluster with dns, whose stack passes the zone.
  if (props.zoneArn === undefined) throw new Error(`ExternalDNS on cluster ${props.clusterName}: no Route53 zone to scope its role to`);
  return policyDocument([
    {
      Sid: "ChangeRecordsOfTheClusterZone",
      Effect: "Allow",
      Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"],
      Resource: props.zoneArn,
    },
    { Sid: "FindTheZone", Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" },
  ]);
}

/** DNS records for the exposed apps, in the cluster's zone only. */
export const externalDns: FluxAddonUnit = {
  name: "external-dns",
  title: "ExternalDNS",
  installedBy: "flux",
  phase: "infrastructure-layer",
  installedOn: (cluster) => cluster.dns !== undefined,
  templateFile: "external-dns.yaml",
  chart: CHART,
  chartImage: "registry.k8s.io/external-dns/external-dns:v0.21.0",
  identity: {
    id: "external-dns-identity",
    namespace: NAMESPACE,
    serviceAccount: SERVICE_ACCOUNT,
    roleName: (cluster) => `${cluster}-external-dns`,
    inlinePolicy: externalDnsPolicy,
  },
  templateValues: (cluster) => {
    if (!cluster.dns) throw new Error(`ExternalDNS on cluster ${cluster.name}, which has no dns`);
    return {
      ...chartTemplateValues("EXTERNAL_DNS", CHART, SERVICE_ACCOUNT),
      /** Only names in this zone are written. */
      EXTERNAL_DNS_ZONE: cluster.dns.zoneName,
      /** Its TXT ownership records name the cluster: two clusters in one zone never touch each other's records. */
      EXTERNAL_DNS_OWNER_ID: cluster.name,
    };
  },
};
