import type { Command } from "commander";

/** Placeholder until the `chaos` command lands: exists so `lfcc --help` lists the whole CLI. */
export function registerChaos(program: Command): void {
  program
    .command("chaos")
    .description("(not implemented yet)")
    .allowUnknownOption()
    .action(() => {
      process.stderr.write("lfcc chaos: not implemented yet\n");
      process.exitCode = 2;
    });
}
