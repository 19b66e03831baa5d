import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/* Temporary directories a test file makes, removed when it is done. */

const tempDirs: string[] = [];

/** A fresh temporary directory, removed after the test file (register with {@link removeTempDirsAfterAll}). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory {@link tempDir} made, once the test file is done. */
export function removeTempDirsAfterAll(): void {
  afterAll(() => {
    // fs.rmSync removes symlinks (node_modules in project copies) without following them.
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
}
