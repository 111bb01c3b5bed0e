#!/usr/bin/env node
// The `lfcc` executable. The package ships TypeScript and runs it through tsx's loader, so there is
// no build step between a checkout and a working command (and no stale dist/ to debug).
import { register } from "tsx/esm/api";

// `lfcc ... | head` closes our stdout early: that is the reader's choice, not a crash.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

register();
const { main } = await import("../cli/main.ts");
await main(process.argv);
