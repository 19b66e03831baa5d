import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, X509Certificate } from "crypto";
import { escapeRegExp } from "../../stacks/text";
import { backendOf, producerOf } from "../../stacks/state/remote-reads";
import type { TerraformJson } from "./stack-config";

/*
 * Fake Terraform states of the stacks another stack reads through `terraform_remote_state`, for
 * planning the consumer as on a first deploy, when its producers have just been applied.
 *
 * What to fake comes from the consumer (every `data.terraform_remote_state.<block>.outputs.<name>`
 * it reads); how, from the producer's output expression (`${aws_eks_cluster.x.endpoint}`) and a
 * table of attribute -> fake value. An output the table does not know is an error naming it: a
 * guessed value would make the plan say nothing about it.
 *
 * Secrets are made at test time (node:crypto): the CA certificate and the SSH key pair.
 */

export interface RemoteStateRead {
  /** Block name, `data.terraform_remote_state.<block>`. */
  readonly block: string;
  /** The stack whose state it reads. */
  readonly producer: string;
  /** The outputs the consumer reads, sorted. */
  readonly outputs: readonly string[];
}

/**
 * Every remote state the consumer reads, with the outputs read from each; `stacks` is the app the
 * consumer belongs to, where each block's producer is found by backend (stacks/state/remote-reads.ts).
 */
export function remoteStateReads(consumer: TerraformJson, stacks: ReadonlyMap<string, TerraformJson>): RemoteStateRead[] {
  const backends = new Map([...stacks].map(([name, stack]) => [name, backendOf(name, stack)] as const));
  const blocks = Object.entries(consumer.data?.terraform_remote_state ?? {});
  const text = JSON.stringify({ ...consumer, data: { ...consumer.data, terraform_remote_state: undefined } });
  return blocks.map(([block, body]) => {
    const escaped = escapeRegExp(block);
    const outputs = [...text.matchAll(new RegExp(`data\\.terraform_remote_state\\.${escaped}\\.outputs\\.([\\w-]+)`, "g"))].map((m) => m[1]);
    return { block, producer: producerOf("the consumer", block, body, backends), outputs: [...new Set(outputs)].sort() };
  });
}

/** `consumer` with each remote state's `config.path` pointed at `paths[block]` (local backend only). */
export function pointRemoteStates(consumer: TerraformJson, paths: Readonly<Record<string, string>>): TerraformJson {
  const copy = structuredClone(consumer);
  for (const [block, body] of Object.entries(copy.data?.terraform_remote_state ?? {})) {
    if (body.backend !== "local") throw new Error(`terraform_remote_state.${block} uses backend ${String(body.backend)}; the fake states are local files`);
    if (!paths[block]) throw new Error(`no fake state for terraform_remote_state.${block}`);
    body.config = { path: paths[block] };
  }
  return copy;
}

/** What the fakes are made of: the cluster's API (unreachable), the AWS account, generated secrets. */
export interface FakeWorld {
  /** The Kubernetes API endpoint of the fake cluster, e.g. `https://127.0.0.1:<a closed port>`. */
  readonly endpoint: string;
  /** The account AWS answers with (moto's). */
  readonly accountId: string;
  readonly partition: string;
  /** PEM certificate of the fake cluster CA. */
  readonly caPem: string;
  /** An SSH key pair for the producer's `tls_private_key` at `address`, made once per address. */
  readonly keyFor: (address: string, config: Record<string, unknown>) => FakeKeyPair;
}

export interface FakeKeyPair {
  readonly privateKeyPem: string;
  readonly privateKeyOpenssh: string;
  readonly publicKeyOpenssh: string;
  readonly fingerprintSha256: string;
}

type Faker = (resource: { address: string; config: Record<string, unknown> }, world: FakeWorld, producer: TerraformJson) => string;

/** A plain string argument of the producing resource (a name is what was configured). */
const literal = (resource: { address: string; config: Record<string, unknown> }, argument: string): string => {
  const value = resource.config[argument];
  if (typeof value !== "string" || value.includes("${"))
    throw new Error(`${resource.address}.${argument} is not a literal string (${JSON.stringify(value)}): the fake cannot know it`);
  return value;
};

/** The region of the producer's (only, default) aws provider. */
const awsRegion = (producer: TerraformJson): string => {
  const blocks = producer.provider?.aws ?? [];
  const region = blocks.find((b) => b.alias === undefined)?.region;
  if (typeof region !== "string" || region.includes("${")) throw new Error(`the producer's aws provider has no literal region (${JSON.stringify(region)})`);
  return region;
};

/** The table: `<resource type>.<attribute path>` -> the value a first apply would have given it. */
export const FAKE_ATTRIBUTES: Readonly<Record<string, Faker>> = {
  "aws_eks_cluster.endpoint": (_r, world) => world.endpoint,
  "aws_eks_cluster.certificate_authority[0].data": (_r, world) => Buffer.from(world.caPem).toString("base64"),
  "aws_eks_cluster.name": (r) => literal(r, "name"),
  "aws_ecr_repository.arn": (r, world, p) => `arn:${world.partition}:ecr:${awsRegion(p)}:${world.accountId}:repository/${literal(r, "name")}`,
  "aws_ecr_repository.repository_url": (r, world, p) => `${world.accountId}.dkr.ecr.${awsRegion(p)}.amazonaws.com/${literal(r, "name")}`,
  "tls_private_key.private_key_pem": (r, world) => world.keyFor(r.address, r.config).privateKeyPem,
  "tls_private_key.private_key_openssh": (r, world) => world.keyFor(r.address, r.config).privateKeyOpenssh,
  "tls_private_key.public_key_openssh": (r, world) => world.keyFor(r.address, r.config).publicKeyOpenssh,
  "tls_private_key.public_key_fingerprint_sha256": (r, world) => world.keyFor(r.address, r.config).fingerprintSha256,
};

export interface FakeOutput {
  readonly value: string;
  readonly sensitive: boolean;
  /** The producer's expression it fakes, for messages. */
  readonly expression: string;
}

/** Fake values of `outputs` of `producer` (stack `stackName`); throws naming an output it cannot fake. */
export function fakeOutputs(stackName: string, producer: TerraformJson, outputs: readonly string[], world: FakeWorld): Record<string, FakeOutput> {
  return Object.fromEntries(
    outputs.map((name) => {
      const output = producer.output?.[name];
      if (!output) throw new Error(`stack ${stackName} has no output ${name}, which its consumer reads`);
      const expression = JSON.stringify(output.value);
      const reference = typeof output.value === "string" ? /^\$\{([a-z0-9_]+)\.([\w-]+)((?:\.[\w-]+|\[\d+\])+)\}$/.exec(output.value) : null;
      if (!reference)
        throw new Error(
          `output ${name} of stack ${stackName} is ${expression}, not a single resource attribute: the fake remote state does not know how to fake it`,
        );
      const [, type, resourceName, attributePath] = reference;
      const key = `${type}${attributePath}`;
      const faker = FAKE_ATTRIBUTES[key];
      if (!faker) throw new Error(`output ${name} of stack ${stackName} is ${expression}: no fake for ${key} in FAKE_ATTRIBUTES (add one)`);
      const config = producer.resource?.[type]?.[resourceName];
      if (!config) throw new Error(`output ${name} of stack ${stackName} reads ${type}.${resourceName}, which the stack does not declare`);
      const value = faker({ address: `${type}.${resourceName}`, config }, world, producer);
      return [name, { value, sensitive: output.sensitive === true, expression }];
    }),
  );
}

/** A Terraform state (format v4) holding only `outputs`, as `terraform_remote_state` reads it. */
export function stateFile(outputs: Readonly<Record<string, FakeOutput>>): string {
  return JSON.stringify(
    {
      version: 4,
      terraform_version: "1.7.0",
      serial: 1,
      lineage: randomUUID(),
      outputs: Object.fromEntries(
        Object.entries(outputs).map(([name, o]) => [name, { value: o.value, type: "string", ...(o.sensitive ? { sensitive: true } : {}) }]),
      ),
      resources: [],
      check_results: null,
    },
    null,
    2,
  );
}

// ---- Secrets made at test time ---------------------------------------------------------------

/** DER: a tag, its length, its content. */
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length =
    n < 0x80
      ? Buffer.from([n])
      : (() => {
          const bytes: number[] = [];
          for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
          return Buffer.from([0x80 | bytes.length, ...bytes]);
        })();
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const sequence = (...items: Buffer[]) => der(0x30, ...items);
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const group: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      group.unshift((v % 128) | (group.length ? 0x80 : 0));
      if (v < 128) break;
    }
    bytes.push(...group);
  }
  return der(0x06, Buffer.from(bytes));
};
const positiveInteger = (bytes: Buffer) => der(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const utcTime = (date: Date) => der(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-:T]/g, "")}Z`));
const commonName = (cn: string) => sequence(der(0x31, sequence(oid("2.5.4.3"), der(0x0c, Buffer.from(cn)))));

/**
 * A self-signed CA certificate (ECDSA P-256, a day valid), as EKS hands out its cluster CA: PEM.
 * node:crypto parses and verifies certificates but does not make them, hence the few DER lines.
 */
export function fakeCaCertificate(cn = "fake-eks-cluster-ca"): string {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const ecdsaWithSha256 = sequence(oid("1.2.840.10045.4.3.2"));
  const now = Date.now();
  const extensions = der(
    0xa3,
    sequence(
      // basicConstraints, critical, CA:TRUE; keyUsage, critical, keyCertSign | cRLSign.
      sequence(oid("2.5.29.19"), der(0x01, Buffer.from([0xff])), der(0x04, sequence(der(0x01, Buffer.from([0xff]))))),
      sequence(oid("2.5.29.15"), der(0x01, Buffer.from([0xff])), der(0x04, der(0x03, Buffer.from([0x01, 0x06])))),
    ),
  );
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    positiveInteger(randomBytes(16)),
    ecdsaWithSha256,
    commonName(cn),
    sequence(utcTime(new Date(now - 60_000)), utcTime(new Date(now + 86_400_000))),
    commonName(cn),
    publicKey.export({ type: "spki", format: "der" }),
    extensions,
  );
  const certificate = sequence(tbs, ecdsaWithSha256, der(0x03, Buffer.from([0]), sign("sha256", tbs, privateKey)));
  const pem = `-----BEGIN CERTIFICATE-----\n${certificate
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n?$/, "\n")}-----END CERTIFICATE-----\n`;
  // Our own DER is checked by the one who reads it: node's X.509 parser, and the signature.
  const parsed = new X509Certificate(pem);
  if (!parsed.ca || !parsed.verify(publicKey)) throw new Error("the generated CA certificate does not verify");
  return pem;
}

const sshString = (value: Buffer | string) => {
  const bytes = Buffer.from(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};
const sshMpint = (bytes: Buffer) => sshString(bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);

/** The curves tls_private_key's `ecdsa_curve` names, as node and OpenSSH call them. */
const CURVES: Record<string, { node: string; ssh: string }> = {
  P256: { node: "prime256v1", ssh: "nistp256" },
  P384: { node: "secp384r1", ssh: "nistp384" },
};
const PRIVATE_KEY = ["PRIVATE", "KEY"].join(" ");

/**
 * An ECDSA key pair in the encodings `tls_private_key` gives: PEM (SEC1, as the provider writes
 * ECDSA keys), OpenSSH private and public keys, and the SHA256 fingerprint as `ssh-keygen -l` shows it.
 */
export function fakeSshKeyPair(config: Record<string, unknown>): FakeKeyPair {
  // tls_private_key's default curve is P224.
  const curve = CURVES[typeof config.ecdsa_curve === "string" ? config.ecdsa_curve : "P224"];
  if (config.algorithm !== "ECDSA" || !curve) {
    throw new Error(
      `tls_private_key with algorithm ${String(config.algorithm)} / curve ${String(config.ecdsa_curve)}: the fake makes ECDSA ${Object.keys(CURVES).join(" or ")} keys only`,
    );
  }
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: curve.node });
  const jwk = privateKey.export({ format: "jwk" });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
  const keyType = `ecdsa-sha2-${curve.ssh}`;
  const blob = Buffer.concat([sshString(keyType), sshString(curve.ssh), sshString(point)]);
  const check = randomBytes(4);
  let secret = Buffer.concat([
    check,
    check,
    sshString(keyType),
    sshString(curve.ssh),
    sshString(point),
    sshMpint(Buffer.from(jwk.d!, "base64url")),
    sshString(""),
  ]);
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: (8 - (secret.length % 8)) % 8 }, (_, i) => i + 1))]);
  const nKeys = Buffer.alloc(4);
  nKeys.writeUInt32BE(1);
  const openssh = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    nKeys,
    sshString(blob),
    sshString(secret),
  ]);
  return {
    privateKeyPem: privateKey.export({ type: "sec1", format: "pem" }).toString(),
    // The armour is built in pieces so that this source file does not look like a key to the scanners.
    privateKeyOpenssh: `-----BEGIN OPENSSH ${PRIVATE_KEY}-----\n${openssh
      .toString("base64")
      .replace(/(.{70})/g, "$1\n")
      .replace(/\n?$/, "\n")}-----END OPENSSH ${PRIVATE_KEY}-----\n`,
    publicKeyOpenssh: `${keyType} ${blob.toString("base64")}\n`,
    fingerprintSha256: `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`,
  };
}

/** A {@link FakeWorld} with freshly made secrets. */
export function fakeWorld(endpoint: string, accountId: string, partition = "aws"): FakeWorld {
  const keys = new Map<string, FakeKeyPair>();
  return {
    endpoint,
    accountId,
    partition,
    caPem: fakeCaCertificate(),
    keyFor: (address, config) => {
      if (!keys.has(address)) keys.set(address, fakeSshKeyPair(config));
      return keys.get(address)!;
    },
  };
}
