import * as fs from "fs";
import * as path from "path";
import { UserInputError } from "../errors";
import { lineAndColumn } from "../text";

/**
 * Reads a JSON file. A syntax error becomes one line naming the file, line and column, e.g.
 * `cdktf.json: line 3, column 3: Expected ',' or '}' after property value`, which cdktf's own
 * parser (a stack trace, no file name) does not give.
 */
export function readJsonFile(file: string): unknown {
  const text = fs.readFileSync(file, "utf8");
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 appends the offset (" in JSON at position 9", "after JSON at position 9": the line and
    // column say it better) or an excerpt of the text (`, "[1,]" is not valid JSON`, or cut short
    // and spanning lines: `, ..."a": [1,],\n  ""... is not valid JSON`): the reason is what is left.
    const reason = String((err as Error).message)
      .replace(/ at position .*/s, "")
      .replace(/ in JSON/, "")
      .replace(/, (\.\.\.)?".*is not valid JSON/s, "");
    const { line, column } = lineAndColumn(text, errorOffset(text));
    throw new UserInputError([`${path.basename(file)}: line ${line}, column ${column}: ${reason}`]);
  }
}

/**
 * Offset of the first character JSON.parse rejects. Node 20's messages carry it only sometimes,
 * so it is found directly: every prefix shorter than it fails only because it ends early.
 */
function errorOffset(text: string): number {
  const failsForItsContent = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (err) {
      // A prefix cut short fails "at" its own end (or with "Unexpected end"); a real error fails earlier.
      const message = String((err as Error).message);
      const position = /at position (\d+)/.exec(message);
      return !/Unexpected end of JSON input/.test(message) && !(position && Number(position[1]) >= length);
    }
  };
  let low = 0;
  let high = text.length;
  if (!failsForItsContent(high)) return text.trimEnd().length; // complete but truncated: the end
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (failsForItsContent(mid + 1)) high = mid;
    else low = mid + 1;
  }
  return low;
}
