import { type Json, resourcesOf, type SynthesizedJson } from "../support";

// Config of one synthesized resource or data source: arbitrary Terraform JSON.
type Config = Json;

function exactlyOne(kind: string, type: string, matches: [string, Config][]): [string, Config] {
  if (matches.length !== 1) throw new Error(`expected exactly one matching ${kind} ${type}, found ${matches.length}`);
  return matches[0];
}

/** [logicalId, config] of the single resource of `type` for which `where` holds. */
export function findResource(json: SynthesizedJson, type: string, where: (config: Config) => boolean = () => true): [string, Config] {
  return exactlyOne(
    "resource",
    type,
    resourcesOf(json, type).filter(([, config]) => where(config)),
  );
}

/** [logicalId, config] of the single data source of `type` for which `where` holds. */
export function findData(json: SynthesizedJson, type: string, where: (config: Config) => boolean = () => true): [string, Config] {
  const all = Object.entries(json.data?.[type] ?? {}) as [string, Config][];
  return exactlyOne(
    "data source",
    type,
    all.filter(([, config]) => where(config)),
  );
}

/** The Terraform expression cdktf writes for a resource attribute, e.g. `${aws_vpc.vpc.id}`. */
export function ref(type: string, logicalId: string, attribute: string): string {
  return `\${${type}.${logicalId}.${attribute}}`;
}

/** The Terraform expression for a data source attribute, e.g. `${data.aws_partition.p.partition}`. */
export function dataRef(type: string, logicalId: string, attribute: string): string {
  return `\${data.${type}.${logicalId}.${attribute}}`;
}

/** The address depends_on uses for a resource, e.g. `aws_vpc.vpc`. */
export function address(type: string, logicalId: string): string {
  return `${type}.${logicalId}`;
}
