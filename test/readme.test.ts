import * as fs from "fs";
import * as path from "path";
import type { z } from "zod";
import { clusterSchema, gitlabSchema } from "../stacks/settings/schema";

const README = fs.readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");

/** Dotted paths of every leaf setting, looking through defaults, optionals and transforms. */
function leafPaths(schema: z.ZodType, prefix: string): string[] {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; in?: z.ZodType; shape?: Record<string, z.ZodType> } }).def;
  if (["default", "prefault", "optional"].includes(def.type)) return leafPaths(def.innerType!, prefix);
  if (def.type === "pipe") return leafPaths(def.in!, prefix);
  if (def.type === "object") return Object.entries(def.shape!).flatMap(([key, child]) => leafPaths(child, `${prefix}.${key}`));
  return [prefix];
}

describe("README settings table", () => {
  const paths = [...leafPaths(gitlabSchema, "gitlab"), ...leafPaths(clusterSchema, "clusters[]")];

  test("GIVEN the schema WHEN its settings are listed THEN the walk finds them all (sanity)", () => {
    expect(paths).toEqual(expect.arrayContaining(["gitlab.project", "clusters[].eks.kubernetesVersion", "clusters[].app.semverRange"]));
    expect(paths.length).toBeGreaterThan(35);
  });

  test("GIVEN every setting WHEN the README is read THEN each has a row in the settings table", () => {
    const missing = paths.filter((p) => !README.includes(`| \`${p}\` |`));
    expect(missing).toEqual([]);
  });

  test("GIVEN the table WHEN read THEN it documents no setting the schema lacks", () => {
    const documented = [...README.matchAll(/^\| `((?:gitlab|clusters\[\])\.[^`]+)` \|/gm)].map((m) => m[1]);
    expect(documented.filter((p) => !paths.includes(p))).toEqual([]);
  });
});
