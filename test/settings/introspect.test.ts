import { type JsonSchemaNode, keysAt, leafPaths, maxLength, patternMaxLength, settingLeaves } from "../../stacks/settings/introspect";

/*
 * stacks/settings/introspect.ts walks the settings schema's JSON Schema: the keys an object takes
 * (for "unknown key" errors), the leaf settings (for the README table and every-setting.test.ts) and
 * the longest string a pattern accepts (for the README's "at most N characters").
 */

describe("keysAt", () => {
  test.each<[string, PropertyKey[], string[]]>([
    ["the top", [], ["gitlab", "clusters", "state", "policy"]],
    ["an object inside an object", ["state", "s3"], ["bucket", "region", "keyPrefix", "kmsKeyId"]],
    ["an object inside a list", ["clusters", 0, "apps", 0, "ecr"], ["repositoryName", "keepImages", "untaggedExpiryDays", "forceDelete"]],
    ["a record keyed by an enum", ["policy", "acceptedRisks"], ["CKV_AWS_38", "CKV_AWS_39", "CKV2_AWS_11"]],
    ["a string setting", ["gitlab", "project"], []],
    ["a record keyed by any string", ["clusters", 0, "tags"], []],
    ["a key the schema does not have", ["nope"], []],
    ["a symbol in the path", [Symbol("x")], []],
  ])("GIVEN %s WHEN its keys are asked for THEN they are listed (none when it is no object)", (_case, at, keys) => {
    expect(keysAt(at)).toEqual(keys);
  });
});

describe("settingLeaves", () => {
  test("GIVEN a node without properties WHEN walked with no other argument THEN it is one required leaf with an empty path", () => {
    const node: JsonSchemaNode = { type: "string", maxLength: 5 };
    expect(settingLeaves(node)).toEqual([{ path: "", schema: node, required: true }]);
  });

  test("GIVEN a list of objects under a prefix WHEN walked THEN each property is a leaf under `[]`, required as its object says", () => {
    const a: JsonSchemaNode = { type: "string" };
    const b: JsonSchemaNode = { type: "number" };
    const tags: JsonSchemaNode = { type: "object" };
    const node: JsonSchemaNode = { type: "array", items: { type: "object", properties: { a, b, tags }, required: ["a"] } };
    expect(settingLeaves(node, "list", false)).toEqual([
      { path: "list[].a", schema: a, required: true },
      { path: "list[].b", schema: b, required: false },
      { path: "list[].tags", schema: tags, required: false },
    ]);
  });

  test("GIVEN nested objects without a required list WHEN walked THEN every leaf is optional and the path is dotted", () => {
    const leaf: JsonSchemaNode = { type: "boolean" };
    expect(settingLeaves({ type: "object", properties: { outer: { type: "object", properties: { inner: leaf } } } })).toEqual([
      { path: "outer.inner", schema: leaf, required: false },
    ]);
  });

  test("GIVEN the settings schema WHEN walked THEN only the settings without a default are required", () => {
    expect(
      settingLeaves()
        .filter((leaf) => leaf.required)
        .map((leaf) => leaf.path),
    ).toEqual([
      "gitlab.project",
      "clusters[].name",
      "clusters[].apps[].expose.host",
      "clusters[].dns.zoneName",
      "clusters[].teams[].name",
      "clusters[].teams[].gitlabProject",
    ]);
  });

  test("GIVEN the settings schema WHEN its leaf paths are listed THEN they are the leaves' paths, lists and records included", () => {
    const paths = leafPaths();
    expect(paths).toEqual(settingLeaves().map((leaf) => leaf.path));
    expect(paths).toEqual(expect.arrayContaining(["gitlab.baseUrl", "clusters[].tags", "clusters[].apps[].ecr.repositoryName", "policy.acceptedRisks"]));
    expect(paths).not.toContain("clusters[].apps");
  });
});

describe("patternMaxLength", () => {
  test.each<[string, number | undefined]>([
    // Characters, anchors, classes and escapes.
    ["ab", 2],
    ["^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", 63],
    ["\\d\\d", 2],
    ["[a-z]\\]", 2],
    // A class whose first ']' is escaped is not understood; an escaped backslash before ']' is fine.
    ["[\\]a]", undefined],
    ["[a\\\\]b", 2],
    // Alternatives: the longest branch, inside and outside groups.
    ["ab|c", 2],
    ["c|ab", 2],
    ["^(ab|cde)x$", 4],
    // Groups: plain and non-capturing; any other `(?` is not understood.
    ["(?:ab)", 2],
    ["(?=a)b", undefined],
    ["(?<n>a)", undefined],
    // Optional, unbounded and counted atoms.
    ["a?b", 2],
    ["a*", Infinity],
    ["a+", Infinity],
    ["a{3}", 3],
    ["a{12}", 12],
    ["a{2,5}", 5],
    ["a{2,}", Infinity],
    ["a{0}", 0],
    ["(a+){0}", 0],
    ["(a+){2}", Infinity],
    ["(){1,}", Infinity],
    // Not understood: back references, word boundaries, a quantifier with nothing before it,
    // unbalanced groups and classes, a `{` that is no bound.
    ["a\\1", undefined],
    ["a\\bc", undefined],
    ["\\b", undefined],
    ["*a", undefined],
    ["+a", undefined],
    ["{2}", undefined],
    ["(ab", undefined],
    ["ab)", undefined],
    ["[abc", undefined],
    ["a{x}b{3}", undefined],
    ["a\\", undefined],
  ])("GIVEN the pattern %s WHEN its longest match is computed THEN it is %s", (pattern, expected) => {
    expect(patternMaxLength(pattern)).toBe(expected);
  });
});

describe("maxLength", () => {
  test.each<[string, JsonSchemaNode, number | undefined]>([
    ["a pattern shorter than maxLength", { type: "string", maxLength: 10, pattern: "^[a-z]{1,5}$" }, 5],
    ["a maxLength shorter than the pattern", { type: "string", maxLength: 3, pattern: "^[a-z]{1,5}$" }, 3],
    ["a list of strings with a pattern", { type: "array", items: { type: "string", pattern: "^a{4}$" } }, 4],
    ["an unbounded pattern alone", { type: "string", pattern: "^a+$" }, undefined],
    ["an unbounded pattern and a maxLength", { type: "string", pattern: "^a+$", maxLength: 9 }, 9],
    ["a pattern not understood and a maxLength", { type: "string", pattern: "(?=a)", maxLength: 6 }, 6],
    ["no bound at all", { type: "string" }, undefined],
  ])("GIVEN %s WHEN the longest string is asked for THEN it is %s", (_case, node, expected) => {
    expect(maxLength(node)).toBe(expected);
  });
});
