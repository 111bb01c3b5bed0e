// `npm pack` / `npm publish` helpers (package.json prepack/postpack):
//   node tools/pack-manifest.mjs strip    build if stale, then drop `prepare` from package.json
//   node tools/pack-manifest.mjs restore  put package.json back as it was
// Why: `prepare` builds dist/ for `npm ci` and git installs, but a tarball already holds dist/,
// and npm 11 warns about every installed package that has a `prepare` script ("install scripts
// not yet covered by allowScripts"), so the packed manifest must not carry it.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { runFromSource } from "../bin/run-from.js";

const manifest = new URL("../package.json", import.meta.url);
const backup = new URL("../package.json.prepack", import.meta.url);
const command = process.argv[2];

if (command === "strip") {
  if (runFromSource(undefined)) {
    execFileSync(process.execPath, [new URL("./build.mjs", import.meta.url).pathname], { stdio: "inherit" });
  }
  const text = readFileSync(manifest, "utf8");
  if (!existsSync(backup)) writeFileSync(backup, text);
  const pkg = JSON.parse(text);
  delete pkg.scripts.prepare;
  writeFileSync(manifest, JSON.stringify(pkg, null, 2) + "\n");
} else if (command === "restore") {
  if (existsSync(backup)) renameSync(backup, manifest);
} else {
  console.error("usage: node tools/pack-manifest.mjs strip|restore");
  process.exit(2);
}
