import type { Command } from "commander";

/** Placeholder until the `report` command lands: exists so `lfcc --help` lists the whole CLI. */
export function registerReport(program: Command): void {
  program
    .command("report")
    .description("(not implemented yet)")
    .allowUnknownOption()
    .action(() => {
      process.stderr.write("lfcc report: not implemented yet\n");
      process.exitCode = 2;
    });
}
