import type { Command } from "commander";

/** Placeholder until the `serve` command lands: exists so `lfcc --help` lists the whole CLI. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("(not implemented yet)")
    .allowUnknownOption()
    .action(() => {
      process.stderr.write("lfcc serve: not implemented yet\n");
      process.exitCode = 2;
    });
}
