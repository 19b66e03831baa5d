import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/*
 * Where the tests find Terraform and the providers the stacks pin, offline.
 *
 * - .cache/terraform/providers: the project's filesystem mirror, filled by .ci/provider-mirror
 *   with each provider at the exact pinned version (built from its Go module where the registry is
 *   out of reach);
 * - /opt/tf-plugins: a mirror some machines of this project carry, with hashicorp/aws 5.100.0 only.
 *   It is used as a stand-in for aws 6.25.0 when the exact version is missing, and every test that
 *   uses it says so in its name: an argument added in 6.x fails there, one removed in 6.x passes.
 */

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const PROJECT_MIRROR = path.join(REPO_ROOT, ".cache", "terraform", "providers");
const STAND_IN_MIRROR = "/opt/tf-plugins";
/** Stand-ins accepted when the pinned version is missing: source -> version. */
const STAND_INS: Record<string, string> = { "hashicorp/aws": "5.100.0" };

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

const hasVersion = (mirror: string, source: string, version: string) =>
  fs.existsSync(path.join(mirror, "registry.terraform.io", source, version));

/** The provider to validate `source` pinned at `version` with, or why there is none. */
export function lookupProvider(source: string, version: string): ProviderLookup {
  for (const mirror of [PROJECT_MIRROR, STAND_IN_MIRROR]) {
    if (hasVersion(mirror, source, version)) return { available: { source, pinned: version, version, mirror, standIn: false } };
  }
  const standIn = STAND_INS[source];
  if (standIn && hasVersion(STAND_IN_MIRROR, source, standIn)) {
    return { available: { source, pinned: version, version: standIn, mirror: STAND_IN_MIRROR, standIn: true } };
  }
  return { missing: `${source} ${version} is in no provider mirror (run .ci/provider-mirror; its SKIP line says why it could not build it)` };
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
  const link = (from: string, to: string) => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const source = path.join(from, entry.name);
      const target = path.join(to, entry.name);
      if (entry.isDirectory()) {
        fs.mkdirSync(target, { recursive: true });
        link(source, target);
      } else if (!fs.existsSync(target)) {
        fs.symlinkSync(source, target);
      }
    }
  };
  for (const p of providers) {
    const relative = path.join("registry.terraform.io", p.source, p.version);
    fs.mkdirSync(path.join(mirror, relative), { recursive: true });
    link(path.join(p.mirror, relative), path.join(mirror, relative));
  }
  return mirror;
}
