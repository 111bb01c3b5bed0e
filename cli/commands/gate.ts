import type { Command } from "commander";

/** Placeholder until the `gate` command lands: exists so `lfcc --help` lists the whole CLI. */
export function registerGate(program: Command): void {
  program
    .command("gate")
    .description("(not implemented yet)")
    .allowUnknownOption()
    .action(() => {
      process.stderr.write("lfcc gate: not implemented yet\n");
      process.exitCode = 2;
    });
}
