import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserInputError } from "../../stacks/errors";
import { readJsonFile } from "../../stacks/settings/json-file";

/*
 * readJsonFile is what stacks/tooling/cdktf.js and readRawSettings (stacks/settings/load.ts) read
 * cdktf.json with: valid JSON comes back parsed, a syntax error becomes ONE line naming the file,
 * the line and column of the first character JSON.parse rejects, and its reason without V8's
 * "in JSON at position N" or echo of the text.
 */

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "json-file-test-"));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` to a fresh file in the temp directory and returns its path. */
let count = 0;
function fileWith(text: string, name = "cdktf.json"): string {
  const sub = path.join(dir, String(count++));
  fs.mkdirSync(sub);
  const file = path.join(sub, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The lines of the UserInputError readJsonFile throws for `text` (fails the test if it does not throw one). */
function errorLines(text: string, name?: string): readonly string[] {
  try {
    readJsonFile(fileWith(text, name));
  } catch (e) {
    if (e instanceof UserInputError) return e.lines;
    throw e;
  }
  throw new Error(`readJsonFile accepted ${JSON.stringify(text)}`);
}

describe("readJsonFile", () => {
  test("GIVEN a valid JSON file WHEN read THEN its value is returned", () => {
    const text = JSON.stringify({ app: "npx ts-node main.ts", context: { settings: { clusters: [{ name: "test-cluster" }] } } }, null, 2);
    expect(readJsonFile(fileWith(`${text}\n`))).toEqual({ app: "npx ts-node main.ts", context: { settings: { clusters: [{ name: "test-cluster" }] } } });
  });

  test.each<[string, string, string]>([
    // A missing comma between properties, on line 3 (two digits in V8's position: 13).
    ["a missing comma between properties", '{\n  "a": 1\n  "b": 2\n}', "cdktf.json: line 3, column 3: Expected ',' or '}' after property value"],
    // The same after a long string: the search for the offset probes prefixes cut inside the string.
    [
      "a missing comma after a long string",
      '{\n  "description": "a string long enough to probe inside"\n  "x": 1\n}',
      "cdktf.json: line 3, column 3: Expected ',' or '}' after property value",
    ],
    // A one-digit position (3) in V8's message.
    ["a missing comma in a list", "[1 2]", "cdktf.json: line 1, column 4: Expected ',' or ']' after array element"],
    // V8 echoes a short text in the message ('..., "xyz" is not valid JSON'): dropped.
    ["a bare word", "xyz", "cdktf.json: line 1, column 1: Unexpected token 'x'"],
    ["a trailing comma in a list", '{"list": [1, 2,]}', "cdktf.json: line 1, column 16: Unexpected token ']'"],
    // The echoed text spans lines: dropped all the same.
    ["a trailing comma in a list over two lines", "[1,\n2,]", "cdktf.json: line 2, column 3: Unexpected token ']'"],
    // Cut short: the error is at the end of the content, not after the trailing newline (line 2).
    ["a file cut short, ending in a newline", '{"a": 1\n', "cdktf.json: line 1, column 8: Expected ',' or '}' after property value"],
  ])("GIVEN %s WHEN read THEN one line names the file, line and column, and the reason", (_case, text, line) => {
    expect(errorLines(text)).toEqual([line]);
  });

  test("GIVEN a second closing brace on the next line WHEN read THEN the line points at it, not at the valid object before it", () => {
    // The prefix `{"a": 1}` parses: the first character refused is the `}` on line 2.
    const lines = errorLines('{"a": 1}\n}');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cdktf\.json: line 2, column 1: Unexpected non-whitespace character after JSON\b/);
  });

  test("GIVEN a file in a directory WHEN it is not valid JSON THEN the line names the file alone, not its directory", () => {
    expect(errorLines("xyz", "settings.json")).toEqual(["settings.json: line 1, column 1: Unexpected token 'x'"]);
  });
});

describe("readJsonFile: V8's longer messages", () => {
  test("GIVEN a trailing comma deep in a long file THEN one line, without V8's multi-line excerpt of the text", () => {
    const text = '{\n  "context": {\n    "settings": {\n      "clusters": [1, 2,],\n      "gitlab": {}\n    }\n  }\n}\n';
    const lines = errorLines(text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cdktf\.json: line 4, column 25: Unexpected token '\]'$/);
  });

  test("GIVEN text after a complete value THEN the reason ends at 'after JSON', without the offset", () => {
    expect(errorLines('{"a": 1} x')).toEqual(["cdktf.json: line 1, column 10: Unexpected non-whitespace character after JSON"]);
  });
});
