/**
 * `lfcc report <results-dir>... [--out DIR] [--verdict]`: turn run records (<dir>/runs/*.json)
 * into index.html, report.md, results.json and junit.xml. Several folders (the shards of one
 * `lfcc gate --shard i/n`, say) merge into one report and one verdict. Exit 0 when written
 * (whatever the runs' verdicts), or with --verdict 1 when any run failed; 2 on bad input with one
 * line naming the file (an incomplete or overlapping set of shards included).
 */
import { join } from "node:path";
import type { Command } from "commander";
import { ReportInputError } from "../../reports/load-runs.ts";
import { loadResults } from "../../reports/merge-results.ts";
import { writeReport } from "../../reports/write-report.ts";
import { UsageError } from "../usage-error.ts";

/** Where the merged report of several folders goes without --out. */
export const DEFAULT_MERGED_REPORT_DIR = "lfcc-out/report";

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("turn run results (<results-dir>/runs/*.json) into index.html, report.md, results.json and junit.xml; several folders (gate shards) merge into one")
    .argument("<results-dir...>", "directories holding runs/*.json (written by sim/chaos/gate --out)")
    .option("--out <dir>", `where to write the report (default: <results-dir>/report; with several folders ${DEFAULT_MERGED_REPORT_DIR})`)
    .option("--verdict", "exit 1 when any run failed (a CI merge job's verdict), 0 when all passed")
    .action(async (resultsDirs: string[], options: { out?: string; verdict?: boolean }) => {
      const { records, shards } = await loadResults(resultsDirs).catch((error: unknown) => {
        throw error instanceof ReportInputError ? new UsageError(error.message) : error;
      });
      const outDir = options.out ?? (resultsDirs.length === 1 ? join(resultsDirs[0]!, "report") : DEFAULT_MERGED_REPORT_DIR);
      const written = await writeReport(records, outDir);
      const { runs, passed, failed } = written.totals;
      const from = shards === null ? "" : ` from ${shards} shards`;
      process.stdout.write(`report: ${runs} runs${from} (${passed} passed, ${failed} failed) -> ${written.files.html}\n`);
      if (options.verdict) {
        process.stdout.write(`verdict: ${failed === 0 ? "PASS" : "FAIL"}\n`);
        process.exitCode = failed === 0 ? 0 : 1;
      }
    });
}
