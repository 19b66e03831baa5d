/*
 * Whether Flux accepts a semver range. Flux's image-reflector-controller parses an ImagePolicy's
 * `semver.range` with Masterminds/semver v3 (`semver.NewConstraint`); a range it refuses leaves the
 * policy not Ready and the app on its old tag, long after the deploy succeeded. This is that
 * function's grammar (v3.4.0: its regular expressions, range rewriting and version parsing), so the
 * settings refuse at synth what Flux would refuse in the cluster. test/settings/semver-range.replay.test.ts
 * checks it against the Go library itself.
 */

/** Go's `\s` (RE2: ASCII white space only), not JavaScript's wider one. */
const WS = "[\\t\\n\\f\\r ]";
/** The operators, in Go's order (the empty one second): alternation is leftmost-first in both engines. */
const OPS = "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^";
/** A version in a constraint: wildcards (x, X, *) allowed; Go's class `[0-9|x|X|\*]` also admits '|'. */
const CV = "v?([0-9|xX*]+)(\\.[0-9|xX*]+)?(\\.[0-9|xX*]+)?" + "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?" + "(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?";

const constraintRegex = new RegExp(`^${WS}*(${OPS})${WS}*(${CV})${WS}*$`);
const constraintRangeRegex = new RegExp(`${WS}*(${CV})${WS}+-${WS}+(${CV})${WS}*`, "g");
const findConstraintRegex = new RegExp(`(${OPS})${WS}*(${CV})`, "g");
const validConstraintRegex = new RegExp(`^(${WS}*(${OPS})${WS}*(${CV})${WS}*)((?:${WS}+|,${WS}*)(${OPS})${WS}*(${CV})${WS}*)*$`);

/**
 * NewVersion (CoerceNewVersion, the default) on the versions parseConstraint builds: those always have
 * a major, a minor and a patch (missing parts are filled in first), so only that shape is matched here.
 */
const fullVersionRegex = /^v?([0-9]+)\.([0-9]+)\.([0-9]+)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const UINT64_MAX = 18446744073709551615n;

function isVersion(v: string): boolean {
  const m = fullVersionRegex.exec(v);
  if (!m) return false;
  if (![m[1], m[2], m[3]].every((digits) => BigInt(digits) <= UINT64_MAX)) return false;
  // Numeric pre-release identifiers have no leading zero (semver 2.0.0, item 9).
  const pre = m[4];
  return pre === undefined || pre.split(".").every((id) => !/^[0-9]+$/.test(id) || id === "0" || !id.startsWith("0"));
}

const isX = (part: string) => part === "x" || part === "X" || part === "*";

/**
 * parseConstraint: the version of one comparison, with wildcards and missing parts filled in as
 * zeros. Its caller has matched the whole range, so every comparison it finds matches here; the
 * major part is never empty (the grammar needs a digit or wildcard), the minor and patch may be.
 */
function isConstraint(c: string): boolean {
  const [, , version, major, minor = "", patch = "", pre = ""] = constraintRegex.exec(c) as RegExpExecArray;
  if (isX(major)) return isVersion(`0.0.0${pre}`);
  if (isX(minor.slice(1)) || minor === "") return isVersion(`${major}.0.0${pre}`);
  if (isX(patch.slice(1)) || patch === "") return isVersion(`${major}${minor}.0${pre}`);
  return isVersion(version);
}

/** `1.2 - 1.4` becomes `>= 1.2, <= 1.4 `, as rewriteRange does (first occurrence of each match). */
function rewriteRange(range: string): string {
  let out = range;
  for (const m of range.matchAll(constraintRangeRegex)) out = out.replace(m[0], () => `>= ${m[1]}, <= ${m[11]} `);
  return out;
}

/** True when Masterminds/semver's NewConstraint (and so Flux's ImagePolicy) accepts `range`. */
export function isFluxSemverRange(range: string): boolean {
  return rewriteRange(range)
    .split("||")
    .every((and) => {
      if (!validConstraintRegex.test(and)) return false;
      // Go falls back to the whole string when nothing is found; a string that passed the check above always has a comparison.
      return [...and.matchAll(findConstraintRegex)].every((m) => isConstraint(m[0]));
    });
}
