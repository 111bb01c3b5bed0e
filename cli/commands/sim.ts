import type { Command } from "commander";

/** Placeholder until the `sim` command lands: exists so `lfcc --help` lists the whole CLI. */
export function registerSim(program: Command): void {
  program
    .command("sim")
    .description("(not implemented yet)")
    .allowUnknownOption()
    .action(() => {
      process.stderr.write("lfcc sim: not implemented yet\n");
      process.exitCode = 2;
    });
}
