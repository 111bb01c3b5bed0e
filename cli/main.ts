/**
 * `lfcc`: one executable, one sub-command per file in cli/commands/ (shared/CLI.md), loaded lazily
 * through cli/command-table.ts so `--help` and `--version` answer without loading the lab.
 * Exit codes everywhere: 0 all good, 1 an invariant or check failed, 2 bad usage or bad input.
 */
import { Command, CommanderError } from "commander";
import { COMMANDS, requestedCommand } from "./command-table.ts";
import { oneLineError } from "./error-line.ts";
import { UsageError } from "./usage-error.ts";
import { packageVersion } from "./version.ts";

/**
 * The program with every command listed; only the command argv asks for (all of them when
 * `argv` is not given) is loaded with its options, the others are list entries for `--help`.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command("lfcc")
    .description("Stateless Yjs collaboration relay, and the deterministic simulation / chaos lab around it")
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ outputError: (text, write) => write(oneLineError(text)) });
  const wanted = argv === undefined ? undefined : requestedCommand(argv);
  for (const entry of COMMANDS) {
    if (argv === undefined || entry.name === wanted) (await entry.load())(program);
    else program.command(entry.name).summary(entry.summary);
  }
  for (const command of program.commands) {
    command.configureOutput({ outputError: (text, write) => write(oneLineError(text, command)) });
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
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
