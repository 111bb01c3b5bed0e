/**
 * index.html: one self-contained page (inline CSS and SVG, no script, no network). A summary
 * table, then one section per scenario; where sim and chaos both ran a scenario, their runs stand
 * side by side in two columns, matched by seed.
 */
import type { RunRecord } from "../../lab/record.ts";
import { formatDuration } from "../format.ts";
import { summaryRows, totals, type SummaryRow } from "../summary.ts";
import { esc } from "./escape.ts";
import { runCharts } from "./run-charts.ts";
import { STYLE } from "./style.ts";

export function toHtml(records: readonly RunRecord[]): string {
  const rows = summaryRows(records);
  const t = totals(records);
  const scenarios = [...new Set(rows.map((row) => row.record.scenario))];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>lfcc resilience report</title><style>${STYLE}</style></head>
<body>
<h1>lfcc resilience report</h1>
<p class="subtitle">${t.runs} runs: ${t.passed} passed, ${t.failed} failed. Shaded areas in every chart are fault windows.</p>
${summaryTable(rows)}
${scenarios.map((name) => scenarioSection(name, rows.filter((row) => row.record.scenario === name))).join("\n")}
</body></html>
`;
}

function summaryTable(rows: SummaryRow[]): string {
  const body = rows
    .map((row) => {
      const r = row.record;
      return `<tr><td><a href="#${row.id}">${esc(r.scenario)}</a></td><td class="num">${r.seed}</td><td>${r.mode}</td><td>${badge(r.passed)}</td><td>${esc(row.violated.join(", ") || "-")}</td><td class="num">${formatDuration(r.metrics.convergenceMs)}</td><td><code>${esc(row.replay)}</code></td></tr>`;
    })
    .join("\n");
  return `<table class="summary"><thead><tr><th>scenario</th><th>seed</th><th>mode</th><th>result</th><th>violated</th><th>convergence</th><th>replay</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function scenarioSection(name: string, rows: SummaryRow[]): string {
  const modes = (["sim", "chaos"] as const).filter((mode) => rows.some((row) => row.record.mode === mode));
  const seeds = [...new Set(rows.map((row) => row.record.seed))];
  const heads = modes.length > 1 ? modes.map((mode) => `<div class="mode-head">${mode}</div>`).join("") : "";
  const cells = seeds.flatMap((seed) =>
    modes.map((mode) => {
      const row = rows.find((r) => r.record.seed === seed && r.record.mode === mode);
      return row ? runCard(row) : `<div class="run missing">no ${mode} run for seed ${seed}</div>`;
    }),
  );
  const description = rows[0]?.record.scenarioSpec?.description;
  return `<section class="scenario"><h2>${esc(name)}</h2>${description ? `<p class="subtitle">${esc(description)}</p>` : ""}<div class="modes" style="--columns:${modes.length}">${heads}${cells.join("")}</div></section>`;
}

function runCard(row: SummaryRow): string {
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
    ...(r.traceHash ? [`trace ${r.traceHash.slice(0, 12)}`] : []),
  ];
  const invariants = r.invariants
    .map((inv) => `<li><span class="${inv.passed ? "ok" : "ko"}">${inv.passed ? "✓" : "✗"} ${esc(inv.name)}</span> ${esc(inv.detail)}</li>`)
    .join("");
  return `<article class="run${r.passed ? "" : " failed"}" id="${row.id}">
<h3>seed ${r.seed} · ${r.mode} ${badge(r.passed)}</h3>
<p class="facts">${facts.map(esc).join(" · ")}</p>
<ul class="invariants">${invariants}</ul>
<p>Replay: <code>${esc(row.replay)}</code></p>
${runCharts(r)}
</article>`;
}

function badge(passed: boolean): string {
  return passed ? `<span class="badge pass">PASS</span>` : `<span class="badge fail">FAIL</span>`;
}
