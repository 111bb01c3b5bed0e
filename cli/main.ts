/**
 * `lfcc`: one executable, one sub-command per file in cli/commands/ (shared/CLI.md).
 * Exit codes everywhere: 0 all good, 1 an invariant or check failed, 2 bad usage or bad input.
 */
import { Command, CommanderError } from "commander";
import { registerServe } from "./commands/serve.ts";
import { registerSim } from "./commands/sim.ts";
import { registerReplay } from "./commands/replay.ts";
import { registerFuzz } from "./commands/fuzz.ts";
import { registerChaos } from "./commands/chaos.ts";
import { registerReport } from "./commands/report.ts";
import { registerGate } from "./commands/gate.ts";
import { registerDiff } from "./commands/diff.ts";
import { UsageError } from "./usage-error.ts";

export function buildProgram(): Command {
  const program = new Command("lfcc")
    .description("Stateless Yjs collaboration relay, and the deterministic simulation / chaos lab around it")
    .version("0.1.0")
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ outputError: (text, write) => write(text.split("\n")[0] + "\n") });
  for (const register of [registerServe, registerSim, registerReplay, registerFuzz, registerChaos, registerReport, registerGate, registerDiff]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version arrive here as "errors" with exit code 0.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`lfcc: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(`lfcc: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 2;
}
