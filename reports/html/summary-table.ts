/** The summary table: one row per run, failures first; one column per invariant, then the key metrics. */
import type { RunRecord } from "../../lab/record.ts";
import { formatDuration } from "../format.ts";
import { failuresFirst, invariantNames, keyMetrics, type SummaryRow } from "../summary.ts";
import { esc } from "./escape.ts";

export function summaryTable(rows: readonly SummaryRow[]): string {
  const invariants = invariantNames(rows.map((row) => row.record));
  const head = ["scenario", "seed", "mode", "result", ...invariants, "peak queue", "dropped", "p99 latency", "convergence", "reconnects", "replay"];
  const body = failuresFirst(rows).map((row) => rowHtml(row, invariants)).join("\n");
  const headHtml = head.map((h, i) => `<th${i >= 4 && i < 4 + invariants.length ? ' class="inv"' : ""}>${esc(h)}</th>`).join("");
  return `<div class="table-scroll"><table class="summary"><thead><tr>${headHtml}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function rowHtml(row: SummaryRow, invariants: string[]): string {
  const r = row.record;
  const k = keyMetrics(r);
  const cells = [
    `<td><a href="#${row.id}">${esc(r.scenario)}</a></td>`,
    `<td class="num">${r.seed}</td>`,
    `<td>${r.mode}</td>`,
    `<td>${badge(r.passed)}</td>`,
    ...invariants.map((name) => invariantCell(r, name)),
    `<td class="num">${k.peakQueue}</td>`,
    `<td class="num">${k.dropped}</td>`,
    `<td class="num">${formatDuration(k.p99LatencyMs)}</td>`,
    `<td class="num">${k.convergenceMs === null ? "never" : formatDuration(k.convergenceMs)}</td>`,
    `<td class="num">${k.reconnects}</td>`,
    `<td><code>${esc(row.replay)}</code></td>`,
  ];
  return `<tr class="${r.passed ? "passed" : "failed"}">${cells.join("")}</tr>`;
}

function invariantCell(record: RunRecord, name: string): string {
  const result = record.invariants.find((invariant) => invariant.name === name);
  if (!result) return `<td class="inv na" title="not checked in this run">·</td>`;
  return `<td class="inv ${result.passed ? "ok" : "ko"}" title="${esc(`${name}: ${result.detail}`)}">${result.passed ? "✓" : "✗"}</td>`;
}

export function badge(passed: boolean): string {
  return passed ? `<span class="badge pass">PASS</span>` : `<span class="badge fail">FAIL</span>`;
}
