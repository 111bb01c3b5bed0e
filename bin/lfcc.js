#!/usr/bin/env node
// The `lfcc` executable. It runs the compiled JavaScript in dist/ (built by `npm run build`, which
// `prepare` runs on `npm ci`, `npm pack` and git installs), so start-up compiles nothing.
// In a checkout whose TypeScript sources are newer than the build (you edited a file and did not
// rebuild), it runs the sources through tsx instead, so a stale dist/ never runs by surprise.
// LFCC_RUN_FROM=dist or =source forces one of the two (benchmarks compare them).
import { runFromSource } from "./run-from.js";

// `lfcc ... | head` closes our stdout early: that is the reader's choice, not a crash.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

let main;
if (runFromSource(process.env.LFCC_RUN_FROM)) {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../cli/main.ts"));
} else {
  ({ main } = await import("../dist/cli/main.js"));
}
await main(process.argv);
