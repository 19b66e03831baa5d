/**
 * Evaluates a Terraform string template the way Terraform does for what this program writes:
 * `$${` and `%%{` are literal `${` / `%{`, `${ref}` is replaced from `refs` (matched exactly, or by
 * the first pattern that matches), and a directive (`%{`) or an unknown reference fails.
 */
export function evaluateTerraformTemplate(text: string, refs: Record<string, string> | ((ref: string) => string | undefined)): string {
  const lookup = typeof refs === "function" ? refs : (ref: string) => (ref in refs ? refs[ref] : undefined);
  let out = "";
  for (let i = 0; i < text.length;) {
    if (text.startsWith("$${", i)) {
      out += "${";
      i += 3;
    } else if (text.startsWith("%%{", i)) {
      out += "%{";
      i += 3;
    } else if (text.startsWith("${", i)) {
      const end = text.indexOf("}", i);
      const ref = text.slice(i + 2, end);
      const value = lookup(ref);
      if (value === undefined) throw new Error(`unexpected interpolation \${${ref}} at ${i}`);
      out += value;
      i = end + 1;
    } else if (text.startsWith("%{", i)) {
      throw new Error(`unexpected template directive at ${i}`);
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}
