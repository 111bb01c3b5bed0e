/** The summary table `lfcc sim` (and `replay`) prints on the terminal: one row per run. */
import { violatedInvariants, type RunRecord } from "../lab/record.ts";

const HEADERS = ["scenario", "seed", "result", "violated", "virtual", "wall", "trace"];

export function summaryTable(records: readonly RunRecord[]): string {
  const rows = records.map((record) => [
    record.scenario,
    String(record.seed),
    record.passed ? "pass" : "FAIL",
    violatedInvariants(record).join(", ") || "-",
    `${(record.virtualMs / 1000).toFixed(1)}s`,
    `${(record.wallMs / 1000).toFixed(2)}s`,
    record.traceHash?.slice(0, 12) ?? "-",
  ]);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd();
  const passed = records.filter((record) => record.passed).length;
  const footer = `${passed}/${records.length} runs passed`;
  return [format(HEADERS), format(widths.map((width) => "-".repeat(width))), ...rows.map(format), "", footer].join("\n") + "\n";
}
