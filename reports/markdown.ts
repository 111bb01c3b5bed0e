/**
 * report.md: the summary for a pull-request comment or a CI job summary. The verdict and the build
 * it judges first, then each failure with its invariant details and replay command, one table row
 * per run (failures first, key metrics), and the sim-vs-chaos fidelity tables when both modes ran.
 */
import { compareFidelity, formatFidelityValue, type ScenarioFidelity } from "../lab/fidelity.ts";
import type { RunRecord } from "../lab/record.ts";
import type { BuildInfo } from "./build-info.ts";
import { formatDuration } from "./format.ts";
import { failuresFirst, keyMetrics, summaryRows, totals, type SummaryRow } from "./summary.ts";
import { verdictLine, verdictOf } from "./verdict.ts";

export function toMarkdown(records: readonly RunRecord[], build: BuildInfo): string {
  const rows = summaryRows(records);
  const t = totals(records);
  const verdict = verdictOf(records);
  const lines = [
    `## lfcc resilience report: ${verdict.passed ? "✅ PASS" : "❌ FAIL"}`,
    ``,
    `**${verdictLine(verdict)}.** ${t.runs} runs: ${t.passed} passed, ${t.failed === 0 ? "all passed" : `**${t.failed} failed**`}.`,
    ``,
    buildLine(build),
  ];
  const failed = rows.filter((row) => !row.record.passed);
  if (failed.length > 0) lines.push(``, `### Failures`, ...failed.flatMap(failureSection));
  lines.push(
    ``,
    `### All runs`,
    ``,
    `| scenario | seed | mode | result | violated | peak queue | dropped | p99 latency | convergence | reconnects | replay |`,
    `|---|---:|---|---|---|---:|---:|---:|---:|---:|---|`,
    ...failuresFirst(rows).map(tableRow),
  );
  const fidelity = compareFidelity(records);
  if (fidelity.length > 0) lines.push(``, `### Sim vs chaos fidelity`, ``, ...fidelityTable(fidelity));
  return lines.join("\n") + "\n";
}

function buildLine(build: BuildInfo): string {
  return `lfcc ${build.packageVersion} · commit ${build.gitCommit ?? "(not a git checkout)"} · ${build.date} · host ${build.host} · Node ${build.node}`;
}

function tableRow(row: SummaryRow): string {
  const r = row.record;
  const k = keyMetrics(r);
  const result = r.passed ? "✅ pass" : "❌ FAIL";
  const cells = [
    r.scenario, String(r.seed), r.mode, result, row.violated.join(", ") || "-",
    String(k.peakQueue), String(k.dropped), formatDuration(k.p99LatencyMs), k.convergenceMs === null ? "never" : formatDuration(k.convergenceMs), String(k.reconnects),
    `\`${row.replay}\``,
  ];
  return `| ${cells.map(cell).join(" | ")} |`;
}

function failureSection(row: SummaryRow): string[] {
  const details = row.record.invariants.filter((inv) => !inv.passed).map((inv) => `- **${inv.name}**: ${oneLine(inv.detail)}`);
  return [``, `#### ${row.title} (${row.record.mode})`, ``, ...details, ``, "```sh", row.replay, "```"];
}

/** One table for all scenarios: a row per (scenario, metric), chaos outside the sim's range flagged. */
export function fidelityTable(comparisons: readonly ScenarioFidelity[]): string[] {
  const lines = [`| scenario | metric | sim median [min - max] | chaos | chaos / sim | |`, `|---|---|---:|---:|---:|---|`];
  for (const comparison of comparisons) {
    for (const row of comparison.rows) {
      const format = (v: number | null) => formatFidelityValue(row.metric, v, formatDuration);
      const sim = row.sim === null ? "-" : `${format(row.sim.median)} [${format(row.sim.min)} - ${format(row.sim.max)}]`;
      const ratio = row.ratio === null ? "-" : `${row.ratio.toFixed(2)}x`;
      lines.push(`| ${cell(comparison.scenario)} | ${row.metric.label} | ${sim} | ${row.chaos.map(format).join(", ")} | ${ratio} | ${row.outside ? "**outside**" : ""} |`);
    }
  }
  return lines;
}

/** Table cells cannot hold pipes or newlines. */
function cell(text: string): string {
  return oneLine(text).replace(/\|/g, "\\|");
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}
