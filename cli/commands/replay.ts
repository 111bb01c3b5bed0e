import type { Command } from "commander";

/** Placeholder until the `replay` command lands: exists so `lfcc --help` lists the whole CLI. */
export function registerReplay(program: Command): void {
  program
    .command("replay")
    .description("(not implemented yet)")
    .allowUnknownOption()
    .action(() => {
      process.stderr.write("lfcc replay: not implemented yet\n");
      process.exitCode = 2;
    });
}
