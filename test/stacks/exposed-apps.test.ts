import * as fs from "fs";
import { parseAllDocuments } from "yaml";
import { LOAD_BALANCER_CONTROLLER_POLICY_FILE } from "../../stacks/addons/aws-load-balancer-controller";
import { parseSettings } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { permissionsAllow } from "../constructs/iam-evaluator";
import { dataRef, findData, ref } from "../constructs/find";
import { type Json, MINIMAL_SETTINGS, remoteOutput, resourcesOf, synthApp, testSettings } from "../support";

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

describe("GIVEN a cluster with a DNS zone and two exposed apps: the controllers", () => {
  const stacks = synthApp(parseSettings(EXPOSED));
  const eks = stacks["test-cluster-eks"];
  const roleNamed = (name: string) => resourcesOf(eks, "aws_iam_role").find(([, r]) => r.name === name);
  const inlinePolicyOf = (roleName: string): string => {
    const [roleId] = roleNamed(roleName)!;
    const [, policy] = resourcesOf(eks, "aws_iam_role_policy").find(
      ([, p]) => p.role === ref("aws_iam_role", roleId, "name") || p.role === ref("aws_iam_role", roleId, "id"),
    )!;
    return policy.policy as string;
  };

  test("THEN the load balancer controller and ExternalDNS each have their own Pod Identity role, associated with their service account", () => {
    for (const [role, serviceAccount] of [
      ["test-cluster-aws-lb-controller", "aws-load-balancer-controller"],
      ["test-cluster-external-dns", "external-dns"],
    ]) {
      const [roleId] = roleNamed(role)!;
      const association = resourcesOf(eks, "aws_eks_pod_identity_association").find(([, a]) => a.role_arn === ref("aws_iam_role", roleId, "arn"));
      expect(association?.[1]).toMatchObject({ namespace: "kube-system", service_account: serviceAccount });
    }
  });

  test("THEN the controller's policy is the one its release publishes for v3.5.0, statement for statement, with no wildcard action", () => {
    const published = JSON.parse(fs.readFileSync(LOAD_BALANCER_CONTROLLER_POLICY_FILE, "utf8")) as { Statement: { Action: string | string[] }[] };
    const policy = JSON.parse(
      inlinePolicyOf("test-cluster-aws-lb-controller").replace(/\$\{data\.aws_partition\.[\w-]+\.partition\}/g, "aws"),
    ) as typeof published;
    expect(policy).toEqual(published);
    expect(policy.Statement.flatMap((st) => [st.Action].flat()).filter((a) => a.includes("*"))).toEqual([]);
  });

  test("THEN ExternalDNS may change records in the cluster's zone only, and list the zones", () => {
    const [zoneId] = findData(eks, "aws_route53_zone");
    const zoneArn = "arn:aws:route53:::hostedzone/ZTHISZONE";
    const policy = inlinePolicyOf("test-cluster-external-dns").replace(dataRef("aws_route53_zone", zoneId, "arn"), zoneArn);
    expect(permissionsAllow([policy], "route53:ChangeResourceRecordSets", zoneArn)).toBe(true);
    expect(permissionsAllow([policy], "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/ZANOTHERZONE")).toBe(false);
    expect(permissionsAllow([policy], "route53:ListHostedZones", "*")).toBe(true);
    expect(permissionsAllow([policy], "route53:DeleteHostedZone", zoneArn)).toBe(false);
  });

  test("WHEN the cluster has no dns THEN neither controller has a role", () => {
    const plain = synthApp(testSettings())["test-cluster-eks"];
    const names = resourcesOf(plain, "aws_iam_role").map(([, r]) => r.name);
    expect(names).not.toContain("test-cluster-aws-lb-controller");
    expect(names).not.toContain("test-cluster-external-dns");
  });
});

describe("GIVEN a cluster with a DNS zone and two exposed apps: what Flux applies", () => {
  const stacks = synthApp(parseSettings(EXPOSED));
  const gitops = stacks["test-cluster-gitops"];
  const files = resourcesOf(gitops, "gitlab_repository_file").map(([id, f]) => ({ id, path: f.file_path as string, content: f.content as string }));
  const docsOf = (path: string): Json[] => {
    const file = files.find((f) => f.path === path);
    if (!file) throw new Error(`no file ${path} (files: ${files.map((f) => f.path).join(", ")})`);
    return parseAllDocuments(file.content).map((d) => d.toJS() as Json);
  };

  test("THEN the ConfigMap cluster-variables in flux-system holds the VPC id, the zone and the certificate, from the cluster stack, before any file is committed", () => {
    const [[configMapId, configMap], ...more] = resourcesOf(gitops, "kubernetes_config_map_v1");
    expect(more).toEqual([]);
    expect(configMap.metadata).toMatchObject({ name: "cluster-variables", namespace: "flux-system" });
    const data = configMap.data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual([
      "AWS_ACCOUNT_ID",
      "CERTIFICATE_ARN",
      "CLUSTER_NAME",
      "CLUSTER_REGION",
      "CLUSTER_VPC_ID",
      "DNS_ZONE",
      "DNS_ZONE_ID",
    ]);
    expect(data).toMatchObject({ CLUSTER_NAME: "test-cluster", CLUSTER_REGION: "us-west-2", DNS_ZONE: ZONE });
    expect(data.CLUSTER_VPC_ID).toMatch(remoteOutput(stacks, "test-cluster-gitops", "test-cluster-eks", /vpc.*id/));
    expect(data.CERTIFICATE_ARN).toMatch(remoteOutput(stacks, "test-cluster-gitops", "test-cluster-eks", /certificate_arn/));
    const [, first] = resourcesOf(gitops, "gitlab_repository_file").find(
      ([, f]) => f.file_path === "infrastructure/test-cluster/image-repository-identity.yaml",
    )!;
    expect(first.depends_on).toEqual(expect.arrayContaining([`kubernetes_config_map_v1.${configMapId}`]));
  });

  test("THEN the infrastructure layer installs both controllers, lists them, and substitutes the cluster variables", () => {
    const index = docsOf("infrastructure/test-cluster/kustomization.yaml")[0];
    expect(index.resources).toEqual([
      "image-repository-identity.yaml",
      "team-guardrails.yaml",
      "cluster-autoscaler.yaml",
      "aws-load-balancer-controller.yaml",
      "external-dns.yaml",
    ]);
    const controller = docsOf("infrastructure/test-cluster/aws-load-balancer-controller.yaml").find((d) => d.kind === "HelmRelease")!;
    expect(controller.spec.chart.spec).toMatchObject({ chart: "aws-load-balancer-controller", version: "3.5.0" });
    // Terraform writes ${CLUSTER_VPC_ID} (escaped for its own templates as $${...}); Flux substitutes it.
    expect(controller.spec.values).toMatchObject({
      clusterName: "test-cluster",
      region: "us-west-2",
      vpcId: "$${CLUSTER_VPC_ID}",
      createIngressClassResource: false,
    });
    expect(controller.spec.install.crds).toBe("CreateReplace");
    const dns = docsOf("infrastructure/test-cluster/external-dns.yaml").find((d) => d.kind === "HelmRelease")!;
    expect(dns.spec.values).toMatchObject({ domainFilters: [ZONE], policy: "sync", txtOwnerId: "test-cluster", sources: ["ingress"] });
    const sync = docsOf("clusters/test-cluster/infrastructure.yaml")[0];
    expect(sync.spec.postBuild).toEqual({ substituteFrom: [{ kind: "ConfigMap", name: "cluster-variables" }] });
  });

  test("THEN the IngressClasses come after the controllers (their CRDs), and the apps after the IngressClasses", () => {
    const configs = docsOf("clusters/test-cluster/infrastructure-configs.yaml")[0];
    expect(configs.spec).toMatchObject({ dependsOn: [{ name: "infrastructure" }], path: "./infrastructure-configs/test-cluster", wait: true, prune: true });
    expect(docsOf("clusters/test-cluster/apps.yaml")[0].spec.dependsOn).toEqual([{ name: "infrastructure-configs" }]);
    // A destroy: Flux waits for the apps (the Ingresses, until their ALBs are deleted), and leaves the controllers running.
    expect(docsOf("clusters/test-cluster/apps.yaml")[0].spec.deletionPolicy).toBe("WaitForTermination");
    expect(docsOf("clusters/test-cluster/infrastructure.yaml")[0].spec.deletionPolicy).toBe("Orphan");
    const classes = docsOf("infrastructure-configs/test-cluster/ingress-classes.yaml");
    const params = (name: string) => classes.find((d) => d.kind === "IngressClassParams" && d.metadata.name === name)!.spec;
    expect(params("alb")).toMatchObject({ scheme: "internet-facing", group: { name: "test-cluster-public" }, targetType: "ip", sslRedirectPort: "443" });
    expect(params("alb-internal")).toMatchObject({ scheme: "internal", group: { name: "test-cluster-internal" } });
    // No team namespace (labelled toolkit.fluxcd.io/tenant by the platform) may use either class.
    for (const name of ["alb", "alb-internal"]) {
      expect(params(name).namespaceSelector).toEqual({ matchExpressions: [{ key: "toolkit.fluxcd.io/tenant", operator: "DoesNotExist" }] });
    }
    // The commit order: each file waits for the one committed before it (RepositoryFiles).
    const previous = new Map(
      resourcesOf(gitops, "gitlab_repository_file").map(([id, f]) => [
        id,
        ((f.depends_on as string[] | undefined) ?? []).find((d) => d.startsWith("gitlab_repository_file."))?.slice("gitlab_repository_file.".length),
      ]),
    );
    const order: string[] = [];
    for (let id = [...previous.keys()].find((k) => ![...previous.values()].includes(k)); id !== undefined; id = previous.get(id))
      order.unshift(files.find((f) => f.id === id)!.path);
    expect(order.indexOf("clusters/test-cluster/infrastructure.yaml")).toBeLessThan(order.indexOf("clusters/test-cluster/infrastructure-configs.yaml"));
    expect(order.indexOf("clusters/test-cluster/infrastructure-configs.yaml")).toBeLessThan(order.indexOf("clusters/test-cluster/apps.yaml"));
  });

  test("THEN each exposed app has an Ingress of its scheme's class for its host and path, and its pods let in the load balancer's subnets on its port only", () => {
    const [shop, shopPolicy] = docsOf("apps/test-cluster/shop/expose/ingress.yaml");
    expect(shop.spec.ingressClassName).toBe("alb");
    expect(shop.spec.rules).toEqual([
      { host: `shop.${ZONE}`, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "shop", port: { name: "http" } } } }] } },
    ]);
    expect(shop.metadata.annotations["alb.ingress.kubernetes.io/listen-ports"]).toBe('[{"HTTP": 80}, {"HTTPS": 443}]');
    expect(shopPolicy.spec.ingress).toEqual([
      { from: ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"].map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 8080, protocol: "TCP" }] },
    ]);
    const [admin] = docsOf("apps/test-cluster/admin/expose/ingress.yaml");
    expect(admin.spec.ingressClassName).toBe("alb-internal");
    expect(admin.spec.rules[0].http.paths[0].path).toBe("/admin");
    expect(docsOf("apps/test-cluster/shop/kustomization.yaml")[0].components).toEqual(["image", "expose"]);
    expect(docsOf("apps/test-cluster/worker/kustomization.yaml")[0].components).toEqual(["image"]);
    expect(files.some((f) => f.path.startsWith("apps/test-cluster/worker/expose/"))).toBe(false);
  });

  test("WHEN the cluster has no dns THEN none of it is committed and the apps wait for infrastructure as before", () => {
    const plain = synthApp(testSettings())["test-cluster-gitops"];
    const paths = resourcesOf(plain, "gitlab_repository_file").map(([, f]) => f.file_path as string);
    expect(paths.filter((p) => /infrastructure-configs|load-balancer|external-dns|\/expose\//.test(p))).toEqual([]);
    expect(resourcesOf(plain, "kubernetes_config_map_v1")).toEqual([]);
    const sync = resourcesOf(plain, "gitlab_repository_file").find(([, f]) => f.file_path === "clusters/test-cluster/apps.yaml")![1];
    expect(sync.content).not.toContain("deletionPolicy");
  });
});
