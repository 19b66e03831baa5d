import { schemaProblems, type ProvidersSchema, type SchemaBlock } from "./schema-check";

/*
 * The schema check on a small schema written the way `terraform providers schema -json` writes
 * one: every kind of nesting, and a planted fault at each depth. The real providers' schemas are
 * checked in ./validate.replay.test.ts.
 */

const block: SchemaBlock = {
  attributes: {
    name: { type: "string", required: true },
    id: { type: "string", computed: true },
    tags: { type: ["map", "string"], optional: true },
    settings: { type: ["object", { size: "number", inner: ["list", ["object", { flag: "bool" }]] }], optional: true },
    conn: {
      nested_type: {
        nesting_mode: "single",
        attributes: {
          host: { type: "string", optional: true },
          exec: { nested_type: { nesting_mode: "single", attributes: { command: { type: "string", required: true } } } },
        },
      },
      optional: true,
    },
    rules: { nested_type: { nesting_mode: "list", attributes: { port: { type: "number", optional: true } } }, optional: true },
  },
  block_types: {
    timeouts: { nesting_mode: "single", block: { attributes: { create: { type: "string", optional: true } } } },
    rule: { nesting_mode: "list", block: { attributes: { cidr: { type: "string", optional: true } } } },
  },
};
const schema: ProvidersSchema = {
  provider_schemas: {
    "registry.terraform.io/example/thing": { provider: { block }, resource_schemas: { thing_box: { block } }, data_source_schemas: { thing_box: { block } } },
  },
};
const sources = { thing: "registry.terraform.io/example/thing" };

const valid = {
  "//": { metadata: { path: "x" } },
  name: "n",
  tags: { any: "key" },
  settings: { size: 1, inner: [{ flag: true }] },
  conn: { host: "h", exec: { command: "aws" } },
  rules: [{ port: 1 }],
  timeouts: { create: "1m" },
  rule: [{ cidr: "10.0.0.0/8" }],
  depends_on: ["x.y"],
  lifecycle: { ignore_changes: ["tags"] },
};

describe("schemaProblems", () => {
  test("GIVEN every kind of nesting, set as the schema allows WHEN checked THEN there is no problem", () => {
    const { depends_on: _d, lifecycle: _l, ...providerBody } = valid;
    expect(
      schemaProblems(
        { provider: { thing: [{ ...providerBody, alias: "a" }] }, resource: { thing_box: { a: valid } }, data: { thing_box: { a: { name: "n" } } } },
        schema,
        sources,
      ),
    ).toEqual([]);
  });

  test.each([
    ["an unknown top-level key", { bogus: 1 }, "thing_box.a.bogus: not in the provider's schema"],
    ["a key in a single nested attribute", { conn: { hostname: "h" } }, "thing_box.a.conn.hostname: not in the provider's schema"],
    ["a key two nested attributes deep", { conn: { exec: { command: "aws", bogus: 1 } } }, "thing_box.a.conn.exec.bogus: not in the provider's schema"],
    ["a key in a list nested attribute", { rules: [{ port: 1 }, { prot: 2 }] }, "thing_box.a.rules[1].prot: not in the provider's schema"],
    ["a key in an object-typed attribute", { settings: { sise: 1 } }, "thing_box.a.settings.sise: not an attribute of this object type"],
    [
      "a key in an object inside a list inside an object",
      { settings: { inner: [{ flags: true }] } },
      "thing_box.a.settings.inner[0].flags: not an attribute of this object type",
    ],
    ["a key in a single nested block", { timeouts: { created: "1m" } }, "thing_box.a.timeouts.created: not in the provider's schema"],
    ["a key in a list nested block", { rule: [{ cidrs: "x" }] }, "thing_box.a.rule[0].cidrs: not in the provider's schema"],
    ["a read-only attribute", { id: "x" }, "thing_box.a.id: read-only (computed) attribute set"],
    ["an unknown lifecycle argument", { lifecycle: { ignore_change: ["tags"] } }, "thing_box.a.lifecycle.ignore_change: not a lifecycle argument"],
  ])("GIVEN %s WHEN checked THEN the problem names its path", (_what, planted, problem) => {
    expect(schemaProblems({ resource: { thing_box: { a: { ...valid, ...planted } } } }, schema, sources)).toEqual([problem]);
  });

  test("GIVEN a resource's meta-argument in a data source or a provider block WHEN checked THEN it is not allowed there", () => {
    expect(schemaProblems({ data: { thing_box: { a: { name: "n", provisioner: [] } } }, provider: { thing: [{ count: 1 }] } }, schema, sources)).toEqual([
      "provider.thing[0].count: not in the provider's schema",
      "data.thing_box.a.provisioner: not in the provider's schema",
    ]);
  });

  test("GIVEN an expression where an object is expected WHEN checked THEN it is left to Terraform (its shape is known only then)", () => {
    expect(
      schemaProblems({ resource: { thing_box: { a: { name: "n", conn: "${var.conn}", settings: "${local.s}", rule: "${local.r}" } } } }, schema, sources),
    ).toEqual([]);
  });

  test("GIVEN a type or provider the schema lacks WHEN checked THEN each is a problem, not a silent pass", () => {
    expect(schemaProblems({ resource: { thing_crate: { a: {} }, other_box: { b: {} } } }, schema, sources)).toEqual([
      "thing_crate.a: the provider has no resource thing_crate",
      "provider other (no source): no schema",
    ]);
  });
});
