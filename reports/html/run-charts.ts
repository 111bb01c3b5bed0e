/**
 * The charts of one run, built from its RunRecord: timeline, outage queue vs bound, divergence,
 * delivery latency quantiles, reconnects and snapshot fallbacks, and who each client believes
 * present. Every chart shades the faults. Sim and chaos runs of one seed are drawn on the same
 * axes (chartAxes over both), so their panels compare at a glance.
 */
import type { RunRecord, TimeSeries } from "../../lab/record.ts";
import { lineChart, seriesMax, type Guide, type Marker, type Series } from "./line-chart.ts";
import { presenceChart } from "./presence-chart.ts";
import { timelineChart } from "./timeline-chart.ts";

const PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568"];
const BOUND_COLOR = "#c53030";

/** The scales runs drawn side by side share: time, and each chart's y maximum. */
export interface ChartAxes {
  xMaxMs: number;
  queue: number;
  divergence: number;
  latencyMs: number;
  recovery: number;
}

export function chartAxes(records: readonly RunRecord[]): ChartAxes {
  const max = (values: number[]) => Math.max(1, ...values);
  return {
    xMaxMs: max(records.map(runSpanMs)),
    queue: max(records.map((r) => (r.timeSeries ? seriesMax(perKey(r.timeSeries.queueDepth)) : 1))),
    divergence: max(records.map((r) => (r.timeSeries ? seriesMax(perKey(r.timeSeries.divergence)) : 1))),
    latencyMs: max(records.map((r) => (r.timeSeries ? seriesMax(latencySeries(r.timeSeries, 1)) : 1))),
    recovery: max(records.map((r) => (r.timeSeries ? seriesMax(recoverySeries(r.timeSeries)) : 1))),
  };
}

/** What a run's charts must show: its samples, its faults, and the deadlines that judged it. */
function runSpanMs(record: RunRecord): number {
  const markers = runMarkers(record).map((m) => m.atMs);
  return Math.max(record.virtualMs, record.timeSeries?.tMs.at(-1) ?? 0, ...(record.faults ?? []).map((f) => f.endMs), ...markers, 1);
}

export function runCharts(record: RunRecord, axes: ChartAxes = chartAxes([record])): string {
  const series = record.timeSeries;
  const faults = record.faults ?? [];
  const xMaxMs = axes.xMaxMs;
  const timeline = timelineChart(faults, series, xMaxMs);
  const presence = record.presence ? presenceChart(record.presence, faults, xMaxMs) : "";
  if (!series || series.tMs.length === 0) return `${timeline}${presence}<p class="note">No time series recorded for this run.</p>`;
  const common = { tMs: series.tMs, xMaxMs, faults };
  const heal = runMarkers(record).filter((m) => m.label === "heal");
  const latency = latencyUnit(axes.latencyMs);
  return [
    timeline,
    lineChart({ ...common, kind: "queue", title: "Outage queue depth vs bound", yLabel: "messages", series: perKey(series.queueDepth), guides: boundGuides(series), yMax: axes.queue, markers: heal, integer: true }),
    lineChart({ ...common, kind: "divergence", title: "Divergence: distinct replica states per doc (1 = converged)", yLabel: "states", series: perKey(series.divergence, true), yMax: axes.divergence, markers: runMarkers(record), integer: true }),
    lineChart({ ...common, kind: "latency", title: `Delivery latency quantiles per ${sampleStep(series)} window (gaps: nothing delivered)`, yLabel: latency.label, series: latencySeries(series, latency.divisor), yMax: axes.latencyMs / latency.divisor, markers: heal }),
    lineChart({ ...common, kind: "recovery", title: "Reconnects and snapshot fallbacks (cumulative)", yLabel: "count", series: recoverySeries(series), yMax: axes.recovery, integer: true }),
    presence,
  ].join("");
}

function perKey(values: Record<string, number[]>, stepped = false): Series[] {
  return Object.keys(values)
    .sort()
    .map((name, i) => ({ name, values: values[name]!, color: PALETTE[i % PALETTE.length]!, stepped }));
}

/** One dashed bound line per distinct bound (usually one: all servers share the config). */
function boundGuides(series: TimeSeries): Guide[] {
  const byBound = new Map<number, string[]>();
  for (const [server, bound] of Object.entries(series.queueBound)) byBound.set(bound, [...(byBound.get(bound) ?? []), server]);
  const single = byBound.size === 1;
  return [...byBound].map(([bound, servers]) => ({ value: bound, label: single ? `bound ${bound}` : `bound ${bound} (${servers.join(",")})`, color: BOUND_COLOR }));
}

/** Milliseconds up to 2 s, seconds above: no "15k ms" ticks. */
function latencyUnit(maxMs: number): { label: string; divisor: number } {
  return maxMs >= 2000 ? { label: "s", divisor: 1000 } : { label: "ms", divisor: 1 };
}

/**
 * Quantiles per window, with a gap (NaN) where the window delivered nothing: a 0 there would read
 * as perfect latency. Records without per-window counts: a window whose max is 0 delivered nothing.
 */
function latencySeries(series: TimeSeries, divisor: number): Series[] {
  const q = series.deliveryLatencyMs;
  const delivered = (i: number) => (q.count ? (q.count[i] ?? 0) > 0 : (q.max[i] ?? 0) > 0);
  const column = (values: number[]) => values.map((v, i) => (delivered(i) ? v / divisor : Number.NaN));
  return [
    { name: "p50", values: column(q.p50), color: "#2f855a" },
    { name: "p90", values: column(q.p90), color: "#2b6cb0" },
    { name: "p99", values: column(q.p99), color: "#c05621" },
    { name: "max", values: column(q.max), color: "#a0aec0" },
  ];
}

function recoverySeries(series: TimeSeries): Series[] {
  return [
    { name: "reconnects", values: series.reconnects, color: "#6b46c1", stepped: true },
    { name: "snapshot fallbacks", values: series.snapshotFallbacks, color: "#b83280", stepped: true },
  ];
}

function sampleStep(series: TimeSeries): string {
  const stepMs = series.tMs.length > 1 ? series.tMs[1]! - series.tMs[0]! : 0;
  return stepMs >= 1000 ? `${stepMs / 1000} s` : `${stepMs} ms`;
}

/**
 * Where the run really healed (the last applied fault's end: real times in chaos), when edits
 * stopped if that came later, when replicas converged, and the converge deadline. Convergence is
 * measured from quiescence (the later of the two), as the checkers measure it.
 */
export function runMarkers(record: RunRecord): Marker[] {
  const scenario = record.scenarioSpec;
  if (!scenario) return [];
  const applied = (record.faults ?? []).filter((f) => !f.skipped);
  const healMs = applied.length > 0 ? Math.max(...applied.map((f) => f.endMs)) : null;
  const quiescenceMs = Math.max(scenario.durationMs, healMs ?? 0);
  const markers: Marker[] = [];
  if (healMs !== null) markers.push({ atMs: healMs, label: "heal" });
  if (healMs === null || scenario.durationMs > healMs) markers.push({ atMs: scenario.durationMs, label: "edits stop" });
  if (record.metrics.convergenceMs !== null) markers.push({ atMs: quiescenceMs + record.metrics.convergenceMs, label: "converged" });
  const withinMs = scenario.expect.converge?.withinMs;
  if (withinMs !== undefined) markers.push({ atMs: quiescenceMs + withinMs, label: "deadline" });
  return markers;
}
