/** The rows every report format shows: one per (scenario, seed, mode), in a stable order. */
import { violatedInvariants, type RunRecord } from "../lab/record.ts";
import { replayCommand } from "./replay-command.ts";

export interface SummaryRow {
  record: RunRecord;
  /** Stable anchor id of the run's section in index.html. */
  id: string;
  /** "scenario seed N": the JUnit test case name. */
  title: string;
  violated: string[];
  replay: string;
}

export interface Totals {
  runs: number;
  passed: number;
  failed: number;
}

/** The numbers a release decision looks at first, per run (null: not measured / never). */
export interface KeyMetrics {
  peakQueue: number;
  dropped: number;
  p99LatencyMs: number | null;
  convergenceMs: number | null;
  reconnects: number;
}

export function keyMetrics(record: RunRecord): KeyMetrics {
  const m = record.metrics;
  return { peakQueue: m.queuedMax, dropped: m.dropped, p99LatencyMs: record.deliveryLatencyMs?.p99 ?? null, convergenceMs: m.convergenceMs, reconnects: m.reconnects };
}

/** Invariant names across the runs, in the order the runs list them (the summary table's columns). */
export function invariantNames(records: readonly RunRecord[]): string[] {
  return [...new Set(records.flatMap((record) => record.invariants.map((invariant) => invariant.name)))];
}

/** Failing runs first, then by scenario, seed, mode. */
export function failuresFirst(rows: readonly SummaryRow[]): SummaryRow[] {
  return [...rows].sort((a, b) => Number(a.record.passed) - Number(b.record.passed) || compareRuns(a.record, b.record));
}

export function summaryRows(records: readonly RunRecord[]): SummaryRow[] {
  return [...records].sort(compareRuns).map((record) => ({
    record,
    id: `run-${record.scenario}-${record.seed}-${record.mode}`.replace(/[^\w-]/g, "_"),
    title: `${record.scenario} seed ${record.seed}`,
    violated: violatedInvariants(record),
    replay: replayCommand(record),
  }));
}

export function totals(records: readonly RunRecord[]): Totals {
  const passed = records.filter((r) => r.passed).length;
  return { runs: records.length, passed, failed: records.length - passed };
}

function compareRuns(a: RunRecord, b: RunRecord): number {
  return a.scenario.localeCompare(b.scenario) || a.seed - b.seed || a.mode.localeCompare(b.mode);
}
