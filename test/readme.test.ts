import * as fs from "fs";
import * as path from "path";
import { leafPaths } from "../stacks/settings/introspect";

const README = fs.readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");

describe("README settings table", () => {
  const paths = leafPaths();

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
