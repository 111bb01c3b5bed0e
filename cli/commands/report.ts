/**
 * `lfcc report <results-dir> [--out DIR]`: turn run records (<dir>/runs/*.json) into index.html,
 * report.md, results.json and junit.xml. Exit 0 when written (whatever the runs' verdicts: the
 * gate decides pass/fail), 2 on bad input with one line naming the file.
 */
import { join } from "node:path";
import type { Command } from "commander";
import { loadRunRecords, ReportInputError } from "../../reports/load-runs.ts";
import { writeReport } from "../../reports/write-report.ts";
import { UsageError } from "../usage-error.ts";

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("turn run results (<results-dir>/runs/*.json) into index.html, report.md, results.json and junit.xml")
    .argument("<results-dir>", "directory holding runs/*.json (written by sim/chaos/gate --out)")
    .option("--out <dir>", "where to write the report (default: <results-dir>/report)")
    .action(async (resultsDir: string, options: { out?: string }) => {
      const records = await loadRunRecords(resultsDir).catch((error: unknown) => {
        throw error instanceof ReportInputError ? new UsageError(error.message) : error;
      });
      const written = await writeReport(records, options.out ?? join(resultsDir, "report"));
      const { runs, passed, failed } = written.totals;
      process.stdout.write(`report: ${runs} runs (${passed} passed, ${failed} failed) -> ${written.files.html}\n`);
    });
}
