// `npm run build` (run by `prepare`, so `npm ci`, `npm pack` and git installs build too):
// TypeScript -> dist/ (JavaScript + .d.ts) with tsconfig.build.json, then the stamp that tells
// bin/lfcc.js the build is current. dist/ is removed first: a deleted source must not leave a
// stale module behind in the package.
import { execFileSync } from "node:child_process";
import { rmSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const root = new URL("../", import.meta.url);
const dist = new URL("dist/", root);
const startedAt = new Date();
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
// The stamp carries the build's START time: a source saved while tsc ran counts as newer.
writeFileSync(new URL(".build-stamp", dist), `${startedAt.toISOString()}\n`);
utimesSync(new URL(".build-stamp", dist), startedAt, startedAt);
