import type { Command } from "commander";

/** Placeholder until the `fuzz` command lands: exists so `lfcc --help` lists the whole CLI. */
export function registerFuzz(program: Command): void {
  program
    .command("fuzz")
    .description("(not implemented yet)")
    .allowUnknownOption()
    .action(() => {
      process.stderr.write("lfcc fuzz: not implemented yet\n");
      process.exitCode = 2;
    });
}
