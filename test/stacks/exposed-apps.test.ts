import type { SettingsInput } from "../../stacks/settings/schema";
import { dataRef, findData, ref } from "../constructs/find";
import { MINIMAL_SETTINGS, resourcesOf, synthApp, testSettings } from "../support";
import { parseSettings } from "../../stacks/settings/load";

/*
 * A cluster with a DNS zone and exposed apps (clusters[].dns, apps[].expose): what the cluster stack
 * adds for them, and that a cluster without dns synthesizes as before.
 */

const ZONE = "apps.example.com";
const EXPOSED: SettingsInput = {
  ...MINIMAL_SETTINGS,
  clusters: [
    {
      ...MINIMAL_SETTINGS.clusters[0],
      dns: { zoneName: ZONE },
      apps: [
        { name: "shop", expose: { host: `shop.${ZONE}` } },
        { name: "admin", ecr: { repositoryName: "admin-repo" }, expose: { host: `admin.${ZONE}`, path: "/admin", internal: true } },
        { name: "worker", ecr: { repositoryName: "worker-repo" } },
      ],
    },
  ],
};

describe("GIVEN a cluster with a DNS zone and two exposed apps of three", () => {
  const stacks = synthApp(parseSettings(EXPOSED));
  const eks = stacks["test-cluster-eks"];

  test("THEN the zone is looked up by name among the public zones", () => {
    const [, zone] = findData(eks, "aws_route53_zone");
    expect(zone).toMatchObject({ name: ZONE, private_zone: false });
  });

  test("THEN one certificate names both hosts (not the unexposed app), by DNS, logged in Certificate Transparency, replaced before it goes", () => {
    const [[, certificate], ...more] = resourcesOf(eks, "aws_acm_certificate");
    expect(more).toEqual([]);
    expect(certificate).toMatchObject({
      domain_name: `shop.${ZONE}`,
      subject_alternative_names: [`admin.${ZONE}`],
      validation_method: "DNS",
      options: { certificate_transparency_logging_preference: "ENABLED" },
      lifecycle: { create_before_destroy: true },
    });
  });

  test("THEN each host has its validation record in the zone, keyed by the host, and the validation waits for all of them", () => {
    const [[certificateId]] = resourcesOf(eks, "aws_acm_certificate");
    const [zoneId] = findData(eks, "aws_route53_zone");
    const records = resourcesOf(eks, "aws_route53_record");
    expect(records).toHaveLength(2);
    for (const host of [`shop.${ZONE}`, `admin.${ZONE}`]) {
      const [id, record] = records.find(([, r]) => (r.name as string).includes(`"${host}"`))!;
      expect(record).toMatchObject({ zone_id: dataRef("aws_route53_zone", zoneId, "zone_id"), ttl: 60, allow_overwrite: true });
      // The option of that host, picked from the certificate's set by domain name.
      expect(record.name).toBe(
        `\${one([for o in aws_acm_certificate.${certificateId}.domain_validation_options : o.resource_record_name if o.domain_name == "${host}"])}`,
      );
      expect(record.records).toEqual([
        `\${one([for o in aws_acm_certificate.${certificateId}.domain_validation_options : o.resource_record_value if o.domain_name == "${host}"])}`,
      ]);
      expect(id).toContain("validation");
    }
    const [[, validation]] = resourcesOf(eks, "aws_acm_certificate_validation");
    expect(validation.certificate_arn).toBe(ref("aws_acm_certificate", certificateId, "arn"));
    expect([...(validation.validation_record_fqdns as string[])].sort()).toEqual(records.map(([id]) => ref("aws_route53_record", id, "fqdn")).sort());
  });

  test("WHEN the zone id is given THEN the zone is read by id", () => {
    const withId = { ...EXPOSED, clusters: [{ ...EXPOSED.clusters[0], dns: { zoneName: ZONE, zoneId: "Z0123456789ABCDEFGHIJ" } }] };
    const [, zone] = findData(synthApp(parseSettings(withId))["test-cluster-eks"], "aws_route53_zone");
    expect(zone).toEqual(expect.objectContaining({ zone_id: "Z0123456789ABCDEFGHIJ" }));
    expect(zone.name).toBeUndefined();
  });

  test("WHEN the cluster has a zone and no exposed app THEN there is the zone and no certificate", () => {
    const none = synthApp(testSettings({ dns: { zoneName: ZONE } }))["test-cluster-eks"];
    expect(() => findData(none, "aws_route53_zone")).not.toThrow();
    expect(resourcesOf(none, "aws_acm_certificate")).toEqual([]);
    expect(resourcesOf(none, "aws_route53_record")).toEqual([]);
  });

  test("WHEN the cluster has no dns THEN nothing of it is there", () => {
    const plain = synthApp(testSettings())["test-cluster-eks"];
    expect(plain.data?.aws_route53_zone).toBeUndefined();
    expect(plain.resource?.aws_acm_certificate).toBeUndefined();
  });
});
