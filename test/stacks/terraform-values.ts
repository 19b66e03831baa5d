import { remoteReads } from "../../stacks/state/remote-reads";
import type { Json, SynthesizedJson } from "../support";

/*
 * What the Terraform references in a synthesized app resolve to once it is applied, for tests that
 * evaluate the documents AWS evaluates (IAM policies) with the values AWS would see. A replay of
 * the apply's outcome for the few expressions these stacks use, in one fake account:
 *
 * - `<type>.<id>.<attribute>`: the attribute as configured, or as AWS computes it (the ARN of a
 *   role, an ECR repository, an OIDC provider; a cluster's service account issuer);
 * - `data.aws_caller_identity.*.account_id`, `data.aws_partition.*.partition`;
 * - `data.terraform_remote_state.<block>.outputs.<name>`: the output of the stack whose state the
 *   block reads (found by backend, stacks/state/remote-reads.ts), resolved there (how cdktf carries
 *   cross-stack references);
 * - `local.<name>`: the stack's local value, resolved;
 * - `replace(<expression>, "<from>", "<to>")`.
 *
 * An expression outside this list throws, so nothing is compared against an unresolved reference.
 */

export const ACCOUNT_ID = "111122223333";
export const PARTITION = "aws";

/** The service account issuer this replay gives an EKS cluster (EKS makes up a random id; here it is derived from the name). */
export function clusterIssuer(region: string, clusterName: string): string {
  return `https://oidc.eks.${region}.amazonaws.com/id/${clusterName.toUpperCase()}`;
}

export class AppliedApp {
  /** For each stack, the stack each of its remote-state blocks reads. */
  private readonly producers: ReadonlyMap<string, ReadonlyMap<string, string>>;

  constructor(private readonly stacks: Readonly<Record<string, SynthesizedJson>>) {
    this.producers = remoteReads(stacks);
  }

  /** Every `${...}` in `text` (a string of stack `stack`'s JSON), replaced by its value. */
  resolve(stack: string, text: string): string {
    return text.replace(/\$\{((?:[^{}"]|"(?:[^"\\]|\\.)*")*)\}/g, (_all, expression: string) => this.evaluate(stack, expression.trim()));
  }

  /** The region of a stack's AWS provider. */
  region(stack: string): string {
    const region = this.stacks[stack]?.provider?.aws?.[0]?.region;
    if (typeof region !== "string") throw new Error(`terraform-values: stack ${stack} has no AWS provider region`);
    return region;
  }

  private config(stack: string, type: string, id: string): Json {
    const config = this.stacks[stack]?.resource?.[type]?.[id];
    if (!config) throw new Error(`terraform-values: no ${type}.${id} in stack ${stack}`);
    return config;
  }

  private evaluate(stack: string, expression: string): string {
    const replace = /^replace\((.+), "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"\)$/.exec(expression);
    if (replace)
      return this.evaluate(stack, replace[1].trim())
        .split(JSON.parse(`"${replace[2]}"`) as string)
        .join(JSON.parse(`"${replace[3]}"`) as string);

    const remote = /^data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
    if (remote) {
      const [, block, output] = remote;
      const from = this.producers.get(stack)?.get(block);
      if (from === undefined) throw new Error(`terraform-values: stack ${stack} has no terraform_remote_state.${block}`);
      const value = this.stacks[from]?.output?.[output]?.value;
      if (typeof value !== "string") throw new Error(`terraform-values: stack ${from} has no string output ${output}`);
      return this.resolve(from, value);
    }
    const local = /^local\.([\w-]+)$/.exec(expression);
    if (local) {
      const value: unknown = this.stacks[stack]?.locals?.[local[1]];
      if (typeof value !== "string") throw new Error(`terraform-values: stack ${stack} has no string local ${local[1]}`);
      return this.resolve(stack, value);
    }
    if (/^data\.aws_caller_identity\.[\w-]+\.account_id$/.test(expression)) return ACCOUNT_ID;
    if (/^data\.aws_partition\.[\w-]+\.partition$/.test(expression)) return PARTITION;
    // An existing OIDC provider, looked up by its URL (gitlab.awsOidcProvider "existing", the default).
    const provider = /^data\.aws_iam_openid_connect_provider\.([\w-]+)\.arn$/.exec(expression);
    if (provider) {
      const url: unknown = this.stacks[stack]?.data?.aws_iam_openid_connect_provider?.[provider[1]]?.url;
      if (typeof url !== "string") throw new Error(`terraform-values: data.aws_iam_openid_connect_provider.${provider[1]} has no url in stack ${stack}`);
      return `arn:${PARTITION}:iam::${ACCOUNT_ID}:oidc-provider/${this.resolve(stack, url).replace(/^https:\/\//, "")}`;
    }

    const attribute = /^(aws_[a-z0-9_]+)\.([\w-]+)\.(.+)$/.exec(expression);
    if (attribute) return this.attribute(stack, attribute[1], attribute[2], attribute[3]);
    throw new Error(`terraform-values: cannot resolve \${${expression}} in stack ${stack}`);
  }

  private attribute(stack: string, type: string, id: string, path: string): string {
    const config = this.config(stack, type, id);
    const own = (key: string) => {
      const value: unknown = config[key];
      if (typeof value !== "string") throw new Error(`terraform-values: ${type}.${id}.${key} is not a string`);
      return this.resolve(stack, value);
    };
    switch (`${type}.${path}`) {
      case "aws_iam_role.arn":
        return `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/${own("name")}`;
      case "aws_iam_role.id":
      case "aws_iam_role.name":
        return own("name");
      case "aws_ecr_repository.arn":
        return `arn:${PARTITION}:ecr:${this.region(stack)}:${ACCOUNT_ID}:repository/${own("name")}`;
      case "aws_ecr_repository.name":
        return own("name");
      case "aws_iam_openid_connect_provider.arn":
        return `arn:${PARTITION}:iam::${ACCOUNT_ID}:oidc-provider/${own("url").replace(/^https:\/\//, "")}`;
      case "aws_iam_openid_connect_provider.url":
        return own("url");
      case "aws_eks_cluster.name":
        return own("name");
      case "aws_eks_cluster.arn":
        return `arn:${PARTITION}:eks:${this.region(stack)}:${ACCOUNT_ID}:cluster/${own("name")}`;
      case "aws_eks_cluster.identity[0].oidc[0].issuer":
        return clusterIssuer(this.region(stack), own("name"));
      default:
        throw new Error(`terraform-values: no value for ${type}.${id}.${path}`);
    }
  }
}
