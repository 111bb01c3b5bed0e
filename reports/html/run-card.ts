/**
 * A scenario's runs, grouped by seed: the sim and chaos runs of one seed side by side on the same
 * axes. A group with a failure is open; a passing group is collapsed (<details>) to one line.
 */
import type { RunRecord } from "../../lab/record.ts";
import { formatDuration } from "../format.ts";
import { keyMetrics, type SummaryRow } from "../summary.ts";
import { esc } from "./escape.ts";
import { chartAxes, runCharts } from "./run-charts.ts";
import { badge } from "./summary-table.ts";

export function scenarioSection(name: string, rows: readonly SummaryRow[]): string {
  const seeds = [...new Set(rows.map((row) => row.record.seed))].sort((a, b) => a - b);
  const groups = seeds.map((seed) => rows.filter((row) => row.record.seed === seed).sort((a, b) => b.record.mode.localeCompare(a.record.mode)));
  groups.sort((a, b) => Number(a.every((r) => r.record.passed)) - Number(b.every((r) => r.record.passed)));
  const description = rows[0]?.record.scenarioSpec?.description;
  const failed = rows.filter((row) => !row.record.passed).length;
  const status = failed === 0 ? `all ${rows.length} runs passed` : `${failed} of ${rows.length} runs failed`;
  return `<section class="scenario" id="scenario-${esc(name).replace(/[^\w-]/g, "_")}"><h2>${esc(name)} <span class="scenario-status ${failed === 0 ? "ok" : "ko"}">${status}</span></h2>${description ? `<p class="subtitle">${esc(description)}</p>` : ""}${groups.map(seedGroup).join("")}</section>`;
}

function seedGroup(rows: SummaryRow[]): string {
  const axes = chartAxes(rows.map((row) => row.record));
  const passed = rows.every((row) => row.record.passed);
  const cards = `<div class="modes" style="--columns:${rows.length}">${rows.map((row) => runCard(row, axes)).join("")}</div>`;
  const line = rows.map((row) => `${row.record.mode} ${row.record.passed ? "PASS" : "FAIL"}`).join(" · ");
  const facts = rows.map((row) => glance(row.record)).join(" | ");
  return `<details class="seed-group"${passed ? "" : " open"}><summary><strong>seed ${rows[0]!.record.seed}</strong> · ${esc(line)} <span class="glance">${esc(facts)}</span></summary>${cards}</details>`;
}

/** The one-line summary of a collapsed run. */
function glance(record: RunRecord): string {
  const k = keyMetrics(record);
  const converged = k.convergenceMs === null ? "never converged" : `converged ${formatDuration(k.convergenceMs)}`;
  return `${record.mode}: ${converged}, p99 ${formatDuration(k.p99LatencyMs)}, peak queue ${k.peakQueue}`;
}

function runCard(row: SummaryRow, axes: ReturnType<typeof chartAxes>): string {
  const r = row.record;
  const m = r.metrics;
  const facts = [
    `${r.mode === "sim" ? "virtual" : "run"} time ${formatDuration(r.virtualMs)}`,
    `wall ${formatDuration(r.wallMs)}`,
    `${m.edits} edits`,
    `${m.deliveries} deliveries`,
    `${m.crossServerMessages} cross-server`,
    `queued max ${m.queuedMax}`,
    `dropped ${m.dropped}`,
    `snapshots ${m.snapshotRequests} (${m.snapshotFallbacks} fallbacks)`,
    `${m.reconnects} reconnects`,
    m.convergenceMs === null ? "never converged" : `converged ${formatDuration(m.convergenceMs)} after heal`,
    ...(r.deliveryLatencyMs ? [`latency p50 ${formatDuration(r.deliveryLatencyMs.p50)} / p99 ${formatDuration(r.deliveryLatencyMs.p99)}`] : []),
    ...(r.traceHash ? [`trace ${r.traceHash.slice(0, 12)}`] : []),
  ];
  const invariants = r.invariants
    .map((inv) => `<li><span class="${inv.passed ? "ok" : "ko"}">${inv.passed ? "✓" : "✗"} ${esc(inv.name)}</span> ${esc(inv.detail)}</li>`)
    .join("");
  return `<article class="run${r.passed ? "" : " failed"}" id="${row.id}">
<h3>${esc(r.scenario)} · seed ${r.seed} · ${r.mode} ${badge(r.passed)}</h3>
<p class="facts">${facts.map(esc).join(" · ")}</p>
<ul class="invariants">${invariants}</ul>
<p>Replay: <code>${esc(row.replay)}</code></p>
${runCharts(r, axes)}
</article>`;
}
