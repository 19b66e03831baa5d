import { parseSettings } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { MINIMAL_SETTINGS } from "../support";
import { settingsErrorLines as problems, refusalLine as line } from "./settings-errors";

/*
 * The settings that expose apps: the cluster's DNS zone and an app's `expose`, value by value, and
 * the rules across them (a host in its cluster's zone, served once in the fleet).
 */

type ClusterInput = SettingsInput["clusters"][number];
const ZONE = { zoneName: "apps.example.com" };
const withCluster = (cluster: Partial<ClusterInput>): SettingsInput => ({ ...MINIMAL_SETTINGS, clusters: [{ ...MINIMAL_SETTINGS.clusters[0], ...cluster }] });

describe("GIVEN a cluster with a DNS zone and an exposed app", () => {
  test("WHEN parsed THEN the defaults fill in: path /, internet-facing; and a cluster without dns exposes nothing", () => {
    const settings = parseSettings(withCluster({ dns: ZONE, apps: [{ expose: { host: "shop.apps.example.com" } }] }));
    expect(settings.clusters[0].dns).toEqual({ zoneName: "apps.example.com" });
    expect(settings.clusters[0].apps[0].expose).toEqual({ host: "shop.apps.example.com", path: "/", internal: false });
    const plain = parseSettings(withCluster({}));
    expect(plain.clusters[0].dns).toBeUndefined();
    expect(plain.clusters[0].apps[0].expose).toBeUndefined();
  });

  test("WHEN the host is the zone's own name, or a zone id is given THEN it is accepted", () => {
    expect(() =>
      parseSettings(withCluster({ dns: { ...ZONE, zoneId: "Z0123456789ABCDEFGHIJ" }, apps: [{ expose: { host: "apps.example.com" } }] })),
    ).not.toThrow();
  });

  test.each<[string, Partial<ClusterInput>, string]>([
    [
      "an expose on a cluster without dns",
      { apps: [{ expose: { host: "shop.apps.example.com" } }] },
      line(
        "clusters[0].apps[0].expose",
        { host: "shop.apps.example.com", path: "/", internal: false },
        "an expose only on a cluster with dns.zoneName (the zone its host is a name of)",
      ),
    ],
    [
      "a host outside the zone",
      { dns: ZONE, apps: [{ expose: { host: "shop.example.com" } }] },
      line("clusters[0].apps[0].expose.host", "shop.example.com", "a name in the cluster's zone apps.example.com, such as nginx.apps.example.com"),
    ],
    [
      "a host that only ends like the zone",
      { dns: ZONE, apps: [{ expose: { host: "badapps.example.com" } }] },
      line("clusters[0].apps[0].expose.host", "badapps.example.com", "a name in the cluster's zone apps.example.com, such as nginx.apps.example.com"),
    ],
    [
      "a host with capitals",
      { dns: ZONE, apps: [{ expose: { host: "Shop.apps.example.com" } }] },
      line(
        "clusters[0].apps[0].expose.host",
        "Shop.apps.example.com",
        "a host name: lowercase DNS labels (letters, digits, '-') joined by '.', such as apps.example.com, at most 253 characters",
      ),
    ],
    [
      "a zone with a trailing dot",
      { dns: { zoneName: "apps.example.com." } },
      line(
        "clusters[0].dns.zoneName",
        "apps.example.com.",
        "a hosted zone name: lowercase DNS labels (letters, digits, '-') joined by '.', such as apps.example.com, at most 253 characters",
      ),
    ],
    [
      "a path without its leading /",
      { dns: ZONE, apps: [{ expose: { host: "shop.apps.example.com", path: "api" } }] },
      line("clusters[0].apps[0].expose.path", "api", "a URL path starting with '/', such as / or /api"),
    ],
    [
      "a zone id that is not one",
      { dns: { ...ZONE, zoneId: "apps" } },
      line("clusters[0].dns.zoneId", "apps", "a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ"),
    ],
  ])("WHEN it has %s THEN synth stops with one line naming it", (_what, cluster, expected) => {
    expect(problems(withCluster(cluster))).toEqual([expected]);
  });

  test("WHEN two apps serve one host, in one cluster or in two THEN the second is refused naming the first", () => {
    const [first] = MINIMAL_SETTINGS.clusters;
    const host = { expose: { host: "shop.apps.example.com" } };
    expect(
      problems(
        withCluster({
          dns: ZONE,
          apps: [
            { name: "a", ...host },
            { name: "b", ecr: { repositoryName: "b-repo" }, ...host },
          ],
        }),
      ),
    ).toEqual([line("clusters[0].apps[1].expose.host", "shop.apps.example.com", "a host no other app serves (clusters[0].apps[0] does)")]);
    const fleet: SettingsInput = {
      ...MINIMAL_SETTINGS,
      clusters: [
        { ...first, dns: ZONE, apps: [host] },
        { ...first, name: "second", dns: ZONE, apps: [{ ecr: { repositoryName: "second-repo" }, ...host }] },
      ],
    };
    expect(problems(fleet)).toEqual([
      line("clusters[1].apps[0].expose.host", "shop.apps.example.com", "a host no other app serves (clusters[0].apps[0] does)"),
    ]);
  });
});
