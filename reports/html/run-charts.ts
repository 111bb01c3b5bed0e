/**
 * The charts of one run, built from its RunRecord: timeline, outage queue vs bound, divergence,
 * delivery latency quantiles, reconnects and snapshot fallbacks. Every chart shades the faults.
 */
import type { RunRecord, TimeSeries } from "../../lab/record.ts";
import { quiescenceStartMs } from "../../lab/scenario/types.ts";
import { lineChart, type Guide, type Marker, type Series } from "./line-chart.ts";
import { timelineChart } from "./timeline-chart.ts";

const PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568"];
const BOUND_COLOR = "#c53030";

export function runCharts(record: RunRecord): string {
  const series = record.timeSeries;
  const faults = record.faults ?? [];
  const xMaxMs = Math.max(record.virtualMs, series?.tMs.at(-1) ?? 0, ...faults.map((f) => f.endMs), 1);
  const timeline = timelineChart(faults, series, xMaxMs);
  if (!series || series.tMs.length === 0) return `${timeline}<p class="note">No time series recorded for this run.</p>`;
  const common = { tMs: series.tMs, xMaxMs, faults };
  return [
    timeline,
    lineChart({ ...common, kind: "queue", title: "Outage queue depth vs bound", yLabel: "messages", series: perKey(series.queueDepth), guides: boundGuides(series) }),
    lineChart({ ...common, kind: "divergence", title: "Divergence: distinct replica states per doc (1 = converged)", yLabel: "states", series: perKey(series.divergence, true), markers: convergeMarkers(record) }),
    lineChart({ ...common, kind: "latency", title: "Delivery latency quantiles", yLabel: "ms", series: latencySeries(series) }),
    lineChart({ ...common, kind: "recovery", title: "Reconnects and snapshot fallbacks (cumulative)", yLabel: "count", series: recoverySeries(series) }),
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

function latencySeries(series: TimeSeries): Series[] {
  const q = series.deliveryLatencyMs;
  return [
    { name: "p50", values: q.p50, color: "#2f855a" },
    { name: "p90", values: q.p90, color: "#2b6cb0" },
    { name: "p99", values: q.p99, color: "#c05621" },
    { name: "max", values: q.max, color: "#a0aec0" },
  ];
}

function recoverySeries(series: TimeSeries): Series[] {
  return [
    { name: "reconnects", values: series.reconnects, color: "#6b46c1", stepped: true },
    { name: "snapshot fallbacks", values: series.snapshotFallbacks, color: "#b83280", stepped: true },
  ];
}

/** Heal (convergence is measured from there) and the converge deadline, when the scenario is known. */
function convergeMarkers(record: RunRecord): Marker[] {
  const scenario = record.scenarioSpec;
  if (!scenario) return [];
  const healMs = quiescenceStartMs(scenario);
  const withinMs = scenario.expect.converge?.withinMs;
  return [{ atMs: healMs, label: "heal" }, ...(withinMs === undefined ? [] : [{ atMs: healMs + withinMs, label: "deadline" }])];
}
