/**
 * The package version, read from package.json at run time so `lfcc --version` never drifts from
 * the published version. The file sits one folder up from cli/ in a checkout (cli/version.ts) and
 * two up in the build (dist/cli/version.js); the first package.json named "lfcc" wins.
 */
import { readFileSync } from "node:fs";

const CANDIDATES = ["../package.json", "../../package.json"];

export function packageVersion(): string {
  for (const candidate of CANDIDATES) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(candidate, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (manifest.name === "lfcc" && manifest.version) return manifest.version;
    } catch {
      // not there (or not ours): try the next one
    }
  }
  return "unknown";
}
