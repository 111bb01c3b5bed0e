// Which code `lfcc` runs: the build in dist/, or (in a checkout only) the TypeScript sources.
// An installed package has no sources, so it always runs dist/. A checkout runs dist/ while the
// build is at least as new as every source file, and the sources (through tsx) otherwise.
import { existsSync, readdirSync, statSync } from "node:fs";

const ROOT = new URL("../", import.meta.url);
/** Written by tools/build.mjs after a successful build; its mtime is the build's time. */
export const BUILD_STAMP = new URL("dist/.build-stamp", ROOT);
const SOURCE_DIRS = ["relay", "sim", "lab", "chaos", "reports", "cli"];

/** @param {string | undefined} forced "dist" | "source" | undefined */
export function runFromSource(forced) {
  if (forced === "dist") return false;
  if (forced === "source") return true;
  if (!existsSync(new URL("cli/main.ts", ROOT))) return false; // an installed package: dist only
  if (!existsSync(BUILD_STAMP)) return true;
  const builtMs = statSync(BUILD_STAMP).mtimeMs;
  return SOURCE_DIRS.some((dir) => newerFileIn(new URL(`${dir}/`, ROOT), builtMs));
}

/** True when a .ts file under `dir` changed after `sinceMs` (a few hundred stats: ~2 ms). */
function newerFileIn(dir, sinceMs) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return false;
  }
  return entries.some((entry) => entry.isFile() && entry.name.endsWith(".ts") && statSync(`${entry.parentPath}/${entry.name}`).mtimeMs > sinceMs);
}
