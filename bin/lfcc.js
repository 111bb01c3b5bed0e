#!/usr/bin/env node
// The `lfcc` executable. The package ships TypeScript and runs it through tsx's loader, so there is
// no build step between a checkout and a working command (and no stale dist/ to debug).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
await main(process.argv);
