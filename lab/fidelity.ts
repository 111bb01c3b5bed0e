/**
 * Sim-vs-chaos fidelity: does the simulator predict what real infrastructure does? For a scenario
 * run in both modes, each metric's spread over the sim seeds (min, median, max) is set against the
 * chaos runs' values; a chaos value outside the sim's range is flagged: either a gap in the model
 * (the simulator gets something wrong) or a real-world effect it does not model (say, event-loop
 * delays in the one process that runs every chaos client). Shared by the reports and the tests.
 */
import type { RunRecord } from "./record.ts";

export interface FidelityMetric {
  key: string;
  label: string;
  unit: "count" | "ms";
  /** What a missing value means: the run never converged, or the run did not record the metric. */
  missing?: "never";
  value: (record: RunRecord) => number | null;
}

export const FIDELITY_METRICS: readonly FidelityMetric[] = [
  { key: "edits", label: "edits", unit: "count", value: (r) => r.metrics.edits },
  { key: "deliveries", label: "deliveries", unit: "count", value: (r) => r.metrics.deliveries },
  { key: "crossServerMessages", label: "cross-server messages", unit: "count", value: (r) => r.metrics.crossServerMessages },
  { key: "queuedMax", label: "queue peak", unit: "count", value: (r) => r.metrics.queuedMax },
  { key: "reconnects", label: "reconnects", unit: "count", value: (r) => r.metrics.reconnects },
  { key: "snapshotFallbacks", label: "snapshot fallbacks", unit: "count", value: (r) => r.metrics.snapshotFallbacks },
  { key: "convergenceMs", label: "convergence time", unit: "ms", missing: "never", value: (r) => r.metrics.convergenceMs },
  { key: "latencyP50", label: "latency p50", unit: "ms", value: (r) => r.deliveryLatencyMs?.p50 ?? null },
  { key: "latencyP90", label: "latency p90", unit: "ms", value: (r) => r.deliveryLatencyMs?.p90 ?? null },
  { key: "latencyP99", label: "latency p99", unit: "ms", value: (r) => r.deliveryLatencyMs?.p99 ?? null },
];

export interface Spread {
  n: number;
  min: number;
  median: number;
  max: number;
}

export interface FidelityRow {
  metric: FidelityMetric;
  /** The sim runs' spread; null when no sim run has this metric. */
  sim: Spread | null;
  /** One value per chaos run (null: that run has no value, e.g. never converged). */
  chaos: Array<number | null>;
  /** A chaos value lies outside [sim.min, sim.max]. */
  outside: boolean;
  /** Chaos (median of its runs) over the sim median; null when either is missing or the sim median is 0. */
  ratio: number | null;
}

export interface ScenarioFidelity {
  scenario: string;
  simSeeds: number[];
  chaosSeeds: number[];
  rows: FidelityRow[];
}

/** One comparison per scenario that has both sim and chaos runs, in scenario order. */
export function compareFidelity(records: readonly RunRecord[]): ScenarioFidelity[] {
  const scenarios = [...new Set(records.map((r) => r.scenario))].sort();
  return scenarios.flatMap((scenario) => {
    const sim = records.filter((r) => r.scenario === scenario && r.mode === "sim");
    const chaos = records.filter((r) => r.scenario === scenario && r.mode === "chaos");
    if (sim.length === 0 || chaos.length === 0) return [];
    return [{ scenario, simSeeds: sim.map((r) => r.seed).sort((a, b) => a - b), chaosSeeds: chaos.map((r) => r.seed).sort((a, b) => a - b), rows: FIDELITY_METRICS.map((metric) => row(metric, sim, chaos)) }];
  });
}

function row(metric: FidelityMetric, sim: readonly RunRecord[], chaos: readonly RunRecord[]): FidelityRow {
  const simValues = sim.map((r) => metric.value(r)).filter((v): v is number => v !== null && Number.isFinite(v));
  const chaosValues = chaos.map((r) => metric.value(r));
  const spread = spreadOf(simValues);
  const known = chaosValues.filter((v): v is number => v !== null && Number.isFinite(v));
  const outside = spread !== null && known.some((v) => v < spread.min || v > spread.max);
  const chaosMedian = known.length > 0 ? spreadOf(known)!.median : null;
  const ratio = spread !== null && chaosMedian !== null && spread.median !== 0 ? chaosMedian / spread.median : null;
  return { metric, sim: spread, chaos: chaosValues, outside, ratio };
}

/** A metric's value as the reports print it. */
export function formatFidelityValue(metric: FidelityMetric, value: number | null, formatMs: (ms: number) => string): string {
  if (value === null) return metric.missing ?? "-";
  return metric.unit === "ms" ? formatMs(value) : String(Math.round(value));
}

export function spreadOf(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: sorted.length, min: sorted[0]!, median, max: sorted.at(-1)! };
}
