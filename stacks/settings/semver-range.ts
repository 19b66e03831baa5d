/*
 * Whether Flux accepts a semver range. Flux's image-reflector-controller parses an ImagePolicy's
 * `semver.range` with Masterminds/semver v3 (`semver.NewConstraint`); a range it refuses leaves the
 * policy not Ready and the app on its old tag, long after the deploy succeeded. This is that
 * function's grammar (v3.4.0: its regular expressions, range rewriting and version parsing), so the
 * settings refuse at synth what Flux would refuse in the cluster. test/settings/semver-range.test.ts
 * checks it against the Go library itself.
 */

/** Go's `\s` (RE2: ASCII white space only), not JavaScript's wider one. */
const WS = "[\\t\\n\\f\\r ]";
/** The operators, in Go's order (the empty one second): alternation is leftmost-first in both engines. */
const OPS = "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^";
/** A version in a constraint: wildcards (x, X, *) allowed; Go's class `[0-9|x|X|\*]` also admits '|'. */
const CV =
  "v?([0-9|xX*]+)(\\.[0-9|xX*]+)?(\\.[0-9|xX*]+)?" + "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?" + "(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?";

const constraintRegex = new RegExp(`^${WS}*(${OPS})${WS}*(${CV})${WS}*$`);
const constraintRangeRegex = new RegExp(`${WS}*(${CV})${WS}+-${WS}+(${CV})${WS}*`, "g");
const findConstraintRegex = new RegExp(`(${OPS})${WS}*(${CV})`, "g");
const validConstraintRegex = new RegExp(`^(${WS}*(${OPS})${WS}*(${CV})${WS}*)((?:${WS}+|,${WS}*)(${OPS})${WS}*(${CV})${WS}*)*$`);

/** NewVersion with CoerceNewVersion (the default): the loose grammar, 64-bit numbers, valid pre-release identifiers. */
const looseVersionRegex = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const UINT64_MAX = 18446744073709551615n;

function isVersion(v: string): boolean {
  const m = looseVersionRegex.exec(v);
  if (!m) return false;
  const fitsUint64 = (digits: string | undefined) => digits === undefined || BigInt(digits.replace(/^\./, "")) <= UINT64_MAX;
  if (![m[1], m[2], m[3]].every(fitsUint64)) return false;
  // Numeric pre-release identifiers have no leading zero (semver 2.0.0, item 9).
  const pre = m[5];
  return pre === undefined || pre.split(".").every((id) => !/^[0-9]+$/.test(id) || id === "0" || !id.startsWith("0"));
}

const isX = (part: string) => part === "x" || part === "X" || part === "*";

/** parseConstraint: the operator and version of one comparison, with wildcards filled in as zeros. */
function isConstraint(c: string): boolean {
  const m = constraintRegex.exec(c);
  if (!m) return false;
  const [, , version, major, minor = "", patch = "", pre = ""] = m;
  const trim = (part: string) => part.replace(/^\./, "");
  if (isX(major) || major === "") return isVersion(`0.0.0${pre}`);
  if (isX(trim(minor)) || minor === "") return isVersion(`${major}.0.0${pre}`);
  if (isX(trim(patch)) || patch === "") return isVersion(`${major}${minor}.0${pre}`);
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
      const comparisons = [...and.matchAll(findConstraintRegex)].map((m) => m[0]);
      return (comparisons.length > 0 ? comparisons : [and]).every(isConstraint);
    });
}
