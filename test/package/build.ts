/**
 * Tests of the built package need a current dist/: build it when bin/lfcc.js would not run it
 * (missing, or older than a source file). .ci/run builds before the tests, so there this is a
 * no-op; on a developer machine it costs one tsc run after an edit.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { runFromSource } from "../../bin/run-from.js";

export const ROOT = join(import.meta.dirname, "..", "..");

export function buildIfStale(): void {
  if (runFromSource(undefined)) {
    execFileSync(process.execPath, [join(ROOT, "tools", "build.mjs")], { cwd: ROOT, stdio: "inherit" });
  }
}
