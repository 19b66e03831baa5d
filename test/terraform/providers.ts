import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/*
 * Where the tests find Terraform and the providers the stacks pin, offline.
 *
 * - .cache/terraform/providers: the project's filesystem mirror, filled by .ci/provider-mirror
 *   with each provider at the exact pinned version: from the Terraform registry where it answers
 *   (a laptop, a GitLab runner), else built with Go (kubernetes 2.38.0 from its source archive,
 *   tls from the Go module proxy);
 * - /opt/tf-plugins: a mirror some machines of this project carry, with hashicorp/aws 5.100.0 only.
 *
 * Where the exact pin cannot be had, a named stand-in is used: aws 5.100.0 for 6.25.0, and flux
 * 1.8.5 (the newest release whose source is at hand, built by .ci/provider-mirror) for 1.9.5.
 * Every test that uses one says so in its name: an argument added since the stand-in fails there,
 * one removed since passes.
 */

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const PROJECT_MIRROR = path.join(REPO_ROOT, ".cache", "terraform", "providers");
const STAND_IN_MIRROR = "/opt/tf-plugins";
/** Stand-ins accepted when the pinned version is missing: source -> version. */
const STAND_INS: Record<string, string> = { "hashicorp/aws": "5.100.0", "fluxcd/flux": "1.8.5" };

export interface AvailableProvider {
  readonly source: string;
  /** The version the stacks pin. */
  readonly pinned: string;
  /** The version that will be used (differs from `pinned` for a stand-in). */
  readonly version: string;
  /** The mirror folder holding registry.terraform.io/<source>/<version>. */
  readonly mirror: string;
  readonly standIn: boolean;
}

export type ProviderLookup = { available: AvailableProvider } | { missing: string };

/** `aws`, `hashicorp/aws` or `registry.terraform.io/hashicorp/aws` as `hashicorp/aws`. */
export function normalizeSource(localName: string, source?: string): string {
  const parts = (source ?? localName).replace(/^registry\.terraform\.io\//, "").split("/");
  return parts.length === 1 ? `hashicorp/${parts[0]}` : parts.join("/");
}

/**
 * The files of `source` at `version` in `mirror`, relative to it: the unpacked layout .ci/provider-mirror
 * builds (`<host>/<source>/<version>/<os_arch>/terraform-provider-<type>_v<version>...`), or the packed
 * one `terraform providers mirror` downloads (`<host>/<source>/terraform-provider-<type>_<version>_<os_arch>.zip`).
 * Empty when there is no binary yet: the version folder appears while a build is still running.
 */
function providerFiles(mirror: string, source: string, version: string): string[] {
  const type = source.split("/")[1];
  const base = path.join("registry.terraform.io", source);
  const unpacked = path.join(base, version);
  const platforms = fs.existsSync(path.join(mirror, unpacked)) ? fs.readdirSync(path.join(mirror, unpacked)) : [];
  const files = platforms.flatMap((platform) =>
    fs
      .readdirSync(path.join(mirror, unpacked, platform))
      .filter((file) => file.startsWith(`terraform-provider-${type}_`))
      .map((file) => path.join(unpacked, platform, file)),
  );
  const packed = fs.existsSync(path.join(mirror, base))
    ? fs.readdirSync(path.join(mirror, base)).filter((file) => file.startsWith(`terraform-provider-${type}_${version}_`) && file.endsWith(".zip"))
    : [];
  return [...files, ...packed.map((file) => path.join(base, file))];
}

const hasVersion = (mirror: string, source: string, version: string) => providerFiles(mirror, source, version).length > 0;

/** The provider to validate `source` pinned at `version` with, or why there is none. */
export function lookupProvider(source: string, version: string): ProviderLookup {
  for (const mirror of [PROJECT_MIRROR, STAND_IN_MIRROR]) {
    if (hasVersion(mirror, source, version)) return { available: { source, pinned: version, version, mirror, standIn: false } };
  }
  const standIn = STAND_INS[source];
  for (const mirror of standIn ? [PROJECT_MIRROR, STAND_IN_MIRROR] : []) {
    if (hasVersion(mirror, source, standIn)) return { available: { source, pinned: version, version: standIn, mirror, standIn: true } };
  }
  const alternative = standIn ? ` nor its stand-in ${standIn}` : "";
  return { missing: `${source} ${version}${alternative} is in no provider mirror (run .ci/provider-mirror; its SKIP line says why it could not have it)` };
}

/** The providers `required_providers` entries pin, by local name: what each is validated with, or why there is none. */
export function lookupProviders(required: Readonly<Record<string, { source?: string; version?: string }>>): {
  available: Map<string, AvailableProvider>;
  missing: Map<string, string>;
} {
  const available = new Map<string, AvailableProvider>();
  const missing = new Map<string, string>();
  for (const [name, req] of Object.entries(required)) {
    const found = lookupProvider(normalizeSource(name, req.source), req.version ?? "");
    if ("available" in found) available.set(name, found.available);
    else missing.set(name, found.missing);
  }
  return { available, missing };
}

/** The Terraform CLI on the PATH or the one .ci/provider-mirror installed, or undefined. */
export function findTerraform(): string | undefined {
  for (const candidate of ["terraform", path.join(REPO_ROOT, ".cache", "terraform", "bin", "terraform")]) {
    const run = spawnSync(candidate, ["version"], { encoding: "utf8" });
    if (!run.error && run.status === 0) return candidate;
  }
  return undefined;
}

/**
 * A scratch filesystem mirror holding exactly `providers`, so that `terraform init` cannot pick
 * another version than the one chosen. Folders are real and files symlinked: Terraform does not
 * follow a symlinked folder in a mirror, and provider binaries are large.
 */
export function scratchMirror(dir: string, providers: readonly AvailableProvider[]): string {
  const mirror = path.join(dir, "mirror");
  for (const p of providers) {
    for (const file of providerFiles(p.mirror, p.source, p.version)) {
      fs.mkdirSync(path.dirname(path.join(mirror, file)), { recursive: true });
      if (!fs.existsSync(path.join(mirror, file))) fs.symlinkSync(path.join(p.mirror, file), path.join(mirror, file));
    }
  }
  return mirror;
}
