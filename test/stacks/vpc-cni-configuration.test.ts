import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import draft06 from "ajv/dist/refs/json-schema-draft-06.json";
import { parse } from "yaml";
import { findResource } from "../constructs/find";
import { type Json, synthApp, testSettings } from "../support";

/*
 * What happens to the vpc-cni add-on's configuration_values after the cluster stack writes them,
 * replayed offline:
 *
 * 1. EKS validates them against the add-on version's configuration schema and refuses the create
 *    or update otherwise: fixtures/vpc-cni-configuration-schema.json (DescribeAddonConfiguration,
 *    JSON Schema draft-06), with ajv. `format: boolean` / `integer` are EKS's own formats (string
 *    values); we accept "true"/"false" and decimal digits, the values AWS's docs and the chart use.
 * 2. The add-on renders its Helm chart with them merged over the chart's values:
 *    fixtures/aws-vpc-cni-values-v1.23.0.yaml. A key the chart has no value for is ignored by
 *    Helm without a word, so each one must exist there, with the type of its default. The chart's
 *    templates make `enableNetworkPolicy` the node agent's `--enable-network-policy` (a container
 *    that runs while `nodeAgent.enabled`) and `enable-network-policy-controller` in the
 *    amazon-vpc-cni ConfigMap (EKS's network policy controller): policies are enforced when the
 *    merged value is "true" and the node agent runs.
 */

const FIXTURES = path.join(__dirname, "fixtures");
const SCHEMA = (JSON.parse(fs.readFileSync(path.join(FIXTURES, "vpc-cni-configuration-schema.json"), "utf8")) as { configurationSchema: object })
  .configurationSchema;
const CHART_VALUES = parse(fs.readFileSync(path.join(FIXTURES, "aws-vpc-cni-values-v1.23.0.yaml"), "utf8")) as Json;

// strictTypes off: EKS's schema puts additionalProperties on an array (Tolerations), which ajv's strict mode refuses.
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false })
  .addMetaSchema(draft06)
  .addFormat("boolean", /^(true|false)$/)
  .addFormat("integer", /^[0-9]+$/);
const validateSchema = ajv.compile(SCHEMA);

interface Replay {
  /** Why EKS refuses the configuration (empty: accepted). */
  readonly refused: string[];
  /** Keys the chart has no value for, or of another type than its default: Helm ignores or mis-renders them. */
  readonly notInChart: string[];
  /** Whether the add-on, once running, enforces NetworkPolicies. */
  readonly enforcesNetworkPolicy: boolean;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Helm's merge of user values over the chart's: objects key by key, anything else replaced. */
function merged(chart: Json, values: Json): Json {
  const out: Json = { ...chart };
  for (const [key, value] of Object.entries(values)) out[key] = isObject(value) && isObject(chart[key]) ? merged(chart[key], value) : value;
  return out;
}

function notInChart(values: Json, chart: Json, at = ""): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const where = `${at}/${key}`;
    if (!(key in chart)) return [`${where}: the chart has no such value`];
    if (isObject(value) && isObject(chart[key])) return notInChart(value, chart[key], where);
    return typeof value === typeof chart[key] ? [] : [`${where}: ${typeof value}, the chart's default is a ${typeof chart[key]}`];
  });
}

/** What EKS and the add-on's chart do with `configurationValues` (the attribute's JSON, or none). */
function replayVpcCni(configurationValues: string | undefined): Replay {
  const values = configurationValues === undefined ? {} : (JSON.parse(configurationValues) as Json);
  const refused = validateSchema(values) ? [] : (validateSchema.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
  const chart = merged(CHART_VALUES, values);
  return {
    refused,
    notInChart: notInChart(values, CHART_VALUES),
    enforcesNetworkPolicy: refused.length === 0 && String(chart.enableNetworkPolicy) === "true" && chart.nodeAgent.enabled === true,
  };
}

describe("the vpc-cni add-on's configuration", () => {
  const eks = synthApp(testSettings())["test-cluster-eks"];
  const configurationOf = (name: string) => findResource(eks, "aws_eks_addon", (a) => a.addon_name === name)[1].configuration_values as string | undefined;

  test('GIVEN the cluster stack WHEN synthesized THEN vpc-cni turns network policy on, as the string "true", and nothing else', () => {
    expect(JSON.parse(configurationOf("vpc-cni") ?? "null")).toEqual({ enableNetworkPolicy: "true" });
  });

  test("GIVEN the other add-ons THEN they keep their defaults (no configuration_values)", () => {
    const configured = Object.values(eks.resource?.aws_eks_addon ?? {}).filter((a) => a.configuration_values !== undefined);
    expect(configured.map((a) => a.addon_name)).toEqual(["vpc-cni"]);
  });

  test("GIVEN what the stack writes WHEN EKS validates it and the chart renders it THEN it is accepted and NetworkPolicies are enforced", () => {
    expect(replayVpcCni(configurationOf("vpc-cni"))).toEqual({ refused: [], notInChart: [], enforcesNetworkPolicy: true });
  });

  test("GIVEN the chart's own defaults THEN network policy is off and the node agent is on: the one setting is all it takes", () => {
    expect({ enableNetworkPolicy: CHART_VALUES.enableNetworkPolicy, nodeAgent: CHART_VALUES.nodeAgent.enabled }).toEqual({
      enableNetworkPolicy: "false",
      nodeAgent: true,
    });
  });

  describe("GIVEN planted mistakes THEN the replay catches each", () => {
    test("the setting removed: accepted, but nothing is enforced", () => {
      expect(replayVpcCni(undefined)).toEqual({ refused: [], notInChart: [], enforcesNetworkPolicy: false });
      expect(replayVpcCni("{}").enforcesNetworkPolicy).toBe(false);
    });

    test("a JSON boolean instead of the string: EKS refuses it", () => {
      const replay = replayVpcCni('{"enableNetworkPolicy":true}');
      expect(replay.refused).toEqual([expect.stringMatching(/^\/enableNetworkPolicy must be string/)]);
      expect(replay.notInChart).toEqual(["/enableNetworkPolicy: boolean, the chart's default is a string"]);
      expect(replay.enforcesNetworkPolicy).toBe(false);
    });

    test("a misspelt key: EKS refuses it (the schema allows no other key), and the chart has no such value", () => {
      const replay = replayVpcCni('{"enableNetworkPolicies":"true"}');
      expect(replay.refused).toEqual([expect.stringMatching(/^\/ must NOT have additional properties .*enableNetworkPolicies/)]);
      expect(replay.notInChart).toEqual(["/enableNetworkPolicies: the chart has no such value"]);
      expect(replay.enforcesNetworkPolicy).toBe(false);
    });

    test("a string that is not a boolean: EKS refuses it", () => {
      expect(replayVpcCni('{"enableNetworkPolicy":"yes"}').refused).toEqual([expect.stringMatching(/^\/enableNetworkPolicy must match format "boolean"/)]);
    });
  });
});
