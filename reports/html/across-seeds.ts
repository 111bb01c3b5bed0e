/**
 * The view across seeds: per scenario, the distribution of convergence time, p99 delivery latency
 * and peak queue over its runs, one dot per run (sim blue, chaos orange, a failed run ringed red)
 * on a 0..max strip, with the median named. One seed can be lucky; the spread is what ships.
 */
import type { RunRecord } from "../../lab/record.ts";
import { spreadOf } from "../../lab/fidelity.ts";
import { formatDuration } from "../format.ts";
import { keyMetrics } from "../summary.ts";
import { esc } from "./escape.ts";

const WIDTH = 220;
const HEIGHT = 30;
const PAD = 8;
const MODE_COLOR: Record<string, string> = { sim: "#2b6cb0", chaos: "#dd6b20" };

interface Column {
  title: string;
  /** Said of runs without a value. */
  missing: string;
  value: (record: RunRecord) => number | null;
  format: (value: number) => string;
}

const COLUMNS: Column[] = [
  { title: "convergence time", missing: "never converged", value: (r) => keyMetrics(r).convergenceMs, format: formatDuration },
  { title: "p99 latency", missing: "not recorded", value: (r) => keyMetrics(r).p99LatencyMs, format: formatDuration },
  { title: "peak queue", missing: "not recorded", value: (r) => keyMetrics(r).peakQueue, format: (v) => `${Math.round(v)} msgs` },
];

export function acrossSeeds(records: readonly RunRecord[]): string {
  const scenarios = [...new Set(records.map((r) => r.scenario))].sort();
  const multi = scenarios.filter((name) => records.filter((r) => r.scenario === name).length > 1);
  if (multi.length === 0) return "";
  const head = `<tr><th>scenario</th><th class="num">runs</th>${COLUMNS.map((c) => `<th>${esc(c.title)}</th>`).join("")}</tr>`;
  const rows = multi.map((name) => {
    const runs = records.filter((r) => r.scenario === name);
    return `<tr><td>${esc(name)}</td><td class="num">${runs.length}</td>${COLUMNS.map((c) => `<td>${strip(runs, c)}</td>`).join("")}</tr>`;
  });
  return `<section class="across" id="across-seeds"><h2>Across seeds</h2>
<p class="subtitle">One dot per run: <span class="dot sim"></span>sim <span class="dot chaos"></span>chaos, a red ring marks a failed run. Each strip runs from 0 to that scenario's largest value; runs without a value (never converged, or not recorded) are counted under it.</p>
<div class="table-scroll"><table class="across-table">${head}${rows.join("")}</table></div></section>`;
}

function strip(runs: readonly RunRecord[], column: Column): string {
  const points = runs.map((r) => ({ r, v: column.value(r) }));
  const known = points.filter((p): p is { r: RunRecord; v: number } => p.v !== null);
  const never = points.length - known.length;
  const spread = spreadOf(known.map((p) => p.v));
  const max = Math.max(spread?.max ?? 0, 1e-9);
  const x = (v: number) => PAD + (v / max) * (WIDTH - 2 * PAD);
  const dots = known
    .map((p, i) => {
      const cy = HEIGHT / 2 + ((i % 3) - 1) * 4;
      const ring = p.r.passed ? "" : ` stroke="#c53030" stroke-width="2"`;
      return `<circle class="seed-dot" cx="${x(p.v).toFixed(1)}" cy="${cy}" r="3.5" fill="${MODE_COLOR[p.r.mode] ?? "#4a5568"}" fill-opacity="0.75"${ring}><title>${esc(`${p.r.mode} seed ${p.r.seed}: ${column.format(p.v)}`)}</title></circle>`;
    })
    .join("");
  const axis = `<line class="axis-line" x1="${PAD}" x2="${WIDTH - PAD}" y1="${HEIGHT - 4}" y2="${HEIGHT - 4}"/>`;
  const median = spread ? `median ${column.format(spread.median)}, max ${column.format(spread.max)}` : "no values";
  const svgText = `<svg class="strip" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${esc(`${column.title}: ${median}`)}" xmlns="http://www.w3.org/2000/svg">${axis}${dots}</svg>`;
  return `${svgText}<div class="strip-note">${esc(median)}${never > 0 ? ` · <strong>${never} ${esc(column.missing)}</strong>` : ""}</div>`;
}
