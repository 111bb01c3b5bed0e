// `lfcc` as it started before issue 11, for bench/cli-startup.ts: tsx compiles the TypeScript
// sources at start-up and every command module is loaded up front (buildProgram() without argv
// loads them all, as the old cli/main.ts did).
import { register } from "tsx/esm/api";

register();
const { buildProgram } = await import("../../cli/main.ts");
try {
  await (await buildProgram()).parseAsync(process.argv);
} catch (error) {
  process.exitCode = error?.exitCode === 0 ? 0 : 2;
}
