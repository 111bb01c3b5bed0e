/**
 * Writes the four report files for a set of run records: index.html, report.md, results.json,
 * junit.xml. `lfcc report` and `lfcc gate` both call this.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord } from "../lab/record.ts";
import { currentBuildInfo, type BuildInfo } from "./build-info.ts";
import { toHtml } from "./html/page.ts";
import { toJunitXml } from "./junit.ts";
import { toMarkdown } from "./markdown.ts";
import { summaryRows, totals, type Totals } from "./summary.ts";

export interface WrittenReport {
  outDir: string;
  files: { html: string; markdown: string; results: string; junit: string };
  totals: Totals;
}

export interface ReportOptions {
  /** Which build the report judges; default: this checkout, now. */
  build?: BuildInfo;
}

export async function writeReport(records: readonly RunRecord[], outDir: string, options: ReportOptions = {}): Promise<WrittenReport> {
  const build = options.build ?? currentBuildInfo();
  await mkdir(outDir, { recursive: true });
  const files = {
    html: join(outDir, "index.html"),
    markdown: join(outDir, "report.md"),
    results: join(outDir, "results.json"),
    junit: join(outDir, "junit.xml"),
  };
  // results.json carries the replay command each report shows, so tools need not rebuild it.
  const withReplay = summaryRows(records).map((row) => ({ ...row.record, replayCommand: row.replay }));
  await Promise.all([
    writeFile(files.html, toHtml(records, build)),
    writeFile(files.markdown, toMarkdown(records, build)),
    writeFile(files.results, JSON.stringify(withReplay, null, 2) + "\n"),
    writeFile(files.junit, toJunitXml(records)),
  ]);
  return { outDir, files, totals: totals(records) };
}
