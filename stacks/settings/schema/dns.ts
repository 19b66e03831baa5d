/*
 * The settings that make apps reachable at a hostname: the cluster's DNS zone (`clusters[].dns`)
 * and an app's `expose`. That a host lies in its cluster's zone and is served once is a rule of
 * the cluster and of the settings (cluster-rules.ts, settings-rules.ts).
 */
import { z } from "zod";

/** A DNS name as Route53 and ACM take it: lowercase labels of at most 63 characters, at most 253 in all, no trailing dot. */
export const dnsName = (what: string) => {
  const allowed = `${what}: lowercase DNS labels (letters, digits, '-') joined by '.', such as apps.example.com, at most 253 characters`;
  return z
    .string(allowed)
    .max(253, allowed)
    .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, allowed);
};

export const dnsSchema = z
  .object({
    zoneName: dnsName("a hosted zone name").describe(
      "A Route53 public hosted zone of the account, such as `apps.example.com`, that already exists: the exposed apps' hosts are names in it, ExternalDNS writes their records there and the certificate is validated there. At most 253 characters.",
    ),
    zoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{1,31}$/, "a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ")
      .optional()
      .meta({ defaultInWords: "looked up by `zoneName` (the public zone of that name)" })
      .describe(
        "The zone's id (`Z` and at most 31 more characters, at most 32 characters), for an account with several public zones of that name; otherwise it is looked up.",
      ),
  })
  .strict();

export const exposeSchema = z
  .object({
    host: dnsName("a host name").describe(
      "The name the app is served at over HTTPS: a name in the cluster's `dns.zoneName` (or the zone's own name), served by one app only. At most 253 characters.",
    ),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*$/, "a URL path starting with '/', such as / or /api")
      .default("/")
      .describe("The path under the host routed to the app (a prefix: `/api` serves `/api/...` too)."),
    internal: z
      .boolean()
      .default(false)
      .describe("Serve it on an internal load balancer, reachable from the VPC and what is peered with it, instead of an internet-facing one."),
  })
  .strict();
