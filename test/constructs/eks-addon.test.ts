import { DataAwsEksAddonVersion } from "@cdktf/provider-aws/lib/data-aws-eks-addon-version";
import { EksAddon as EksAddonResource } from "@cdktf/provider-aws/lib/eks-addon";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { EksAddon } from "../../stacks/constructs/aws/eks-addon";
import { synthConstruct, synthConstructRaw, type SynthesizedJson } from "../support";
import { address, dataRef, findData, findResource } from "./find";

describe("EksAddon", () => {
  describe("GIVEN coredns for Kubernetes 1.33 that must wait for another resource", () => {
    let raw: string;
    let json: SynthesizedJson;

    beforeAll(() => {
      // WHEN the construct is synthesized
      raw = synthConstructRaw((scope) => {
        const prerequisite = new IamRole(scope, "prerequisite", { name: "prerequisite", assumeRolePolicy: "{}" });
        new EksAddon(scope, "coredns", {
          clusterName: "demo",
          kubernetesVersion: "1.33",
          addonName: "coredns",
          dependsOn: [prerequisite],
        });
      });
      json = JSON.parse(raw) as SynthesizedJson;
    });

    test("THEN EKS's default add-on version for that Kubernetes version is looked up, not the newest (no drift with each release)", () => {
      expect(raw).toHaveDataSourceWithProperties(DataAwsEksAddonVersion, {
        addon_name: "coredns",
        kubernetes_version: "1.33",
        most_recent: false,
      });
    });

    test("THEN the add-on is preserved in the cluster if the resource is ever replaced or removed", () => {
      expect(findResource(json, "aws_eks_addon")[1].preserve).toBe(true);
    });

    test("THEN the add-on is pinned to the looked-up version", () => {
      const [versionId] = findData(json, "aws_eks_addon_version");
      expect(raw).toHaveResourceWithProperties(EksAddonResource, {
        cluster_name: "demo",
        addon_name: "coredns",
        addon_version: dataRef("aws_eks_addon_version", versionId, "version"),
      });
    });

    test("THEN conflicts are overwritten on create and on update", () => {
      expect(raw).toHaveResourceWithProperties(EksAddonResource, {
        resolve_conflicts_on_create: "OVERWRITE",
        resolve_conflicts_on_update: "OVERWRITE",
      });
    });

    test("THEN depends_on is passed through", () => {
      const [roleId] = findResource(json, "aws_iam_role");
      expect(findResource(json, "aws_eks_addon")[1].depends_on).toEqual([address("aws_iam_role", roleId)]);
    });
  });

  describe("GIVEN an explicit version", () => {
    test("WHEN synthesized THEN it is used instead of the default", () => {
      const json = synthConstruct((scope) => {
        new EksAddon(scope, "vpc-cni", { clusterName: "demo", kubernetesVersion: "1.35", addonName: "vpc-cni", version: "v1.20.4-eksbuild.2" });
      });
      expect(findResource(json, "aws_eks_addon")[1].addon_version).toBe("v1.20.4-eksbuild.2");
    });
  });

  describe("GIVEN no dependsOn", () => {
    test("WHEN synthesized THEN the add-on has no dependencies", () => {
      const json = synthConstruct((scope) => {
        new EksAddon(scope, "vpc-cni", { clusterName: "demo", kubernetesVersion: "1.35", addonName: "vpc-cni" });
      });
      const [, addon] = findResource(json, "aws_eks_addon");
      expect(addon.addon_name).toBe("vpc-cni");
      expect(addon.depends_on ?? []).toEqual([]);
      expect(findData(json, "aws_eks_addon_version")[1].kubernetes_version).toBe("1.35");
    });
  });

  describe("GIVEN configuration values", () => {
    test("WHEN synthesized THEN configuration_values is their JSON, nested values and key order as given", () => {
      const json = synthConstruct((scope) => {
        new EksAddon(scope, "vpc-cni", {
          clusterName: "demo",
          kubernetesVersion: "1.35",
          addonName: "vpc-cni",
          configurationValues: { enableNetworkPolicy: "true", nodeAgent: { enablePolicyEventLogs: "false" }, env: { WARM_IP_TARGET: "2" } },
        });
      });
      const values = findResource(json, "aws_eks_addon")[1].configuration_values as string;
      expect(values).toBe('{"enableNetworkPolicy":"true","nodeAgent":{"enablePolicyEventLogs":"false"},"env":{"WARM_IP_TARGET":"2"}}');
    });

    test("WHEN none are given THEN the add-on has no configuration_values (its own defaults)", () => {
      const json = synthConstruct((scope) => {
        new EksAddon(scope, "coredns", { clusterName: "demo", kubernetesVersion: "1.35", addonName: "coredns" });
      });
      expect(findResource(json, "aws_eks_addon")[1]).not.toHaveProperty("configuration_values");
    });
  });
});
