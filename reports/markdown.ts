/**
 * report.md: the summary for a pull-request comment or a CI job summary. A totals line, one
 * table row per run, then each failure with its invariant details and the replay command.
 */
import type { RunRecord } from "../lab/record.ts";
import { formatDuration } from "./format.ts";
import { summaryRows, totals, type SummaryRow } from "./summary.ts";

export function toMarkdown(records: readonly RunRecord[]): string {
  const rows = summaryRows(records);
  const t = totals(records);
  const verdict = t.failed === 0 ? "all passed" : `**${t.failed} failed**`;
  const lines = [
    `## lfcc resilience report`,
    ``,
    `${t.runs} runs: ${t.passed} passed, ${verdict}.`,
    ``,
    `| scenario | seed | mode | result | violated | convergence | replay |`,
    `|---|---:|---|---|---|---:|---|`,
    ...rows.map(tableRow),
  ];
  const failed = rows.filter((row) => !row.record.passed);
  if (failed.length > 0) lines.push(``, `### Failures`, ...failed.flatMap(failureSection));
  return lines.join("\n") + "\n";
}

function tableRow(row: SummaryRow): string {
  const r = row.record;
  const result = r.passed ? "✅ pass" : "❌ FAIL";
  const cells = [r.scenario, String(r.seed), r.mode, result, row.violated.join(", ") || "-", formatDuration(r.metrics.convergenceMs), `\`${row.replay}\``];
  return `| ${cells.map(cell).join(" | ")} |`;
}

function failureSection(row: SummaryRow): string[] {
  const details = row.record.invariants.filter((inv) => !inv.passed).map((inv) => `- **${inv.name}**: ${oneLine(inv.detail)}`);
  return [``, `#### ${row.title} (${row.record.mode})`, ``, ...details, ``, "```sh", row.replay, "```"];
}

/** Table cells cannot hold pipes or newlines. */
function cell(text: string): string {
  return oneLine(text).replace(/\|/g, "\\|");
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}
