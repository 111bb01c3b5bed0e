/**
 * The run record: one per (scenario, seed, mode). `lfcc sim --json` and `lfcc chaos --json`
 * print it (one line each), `lfcc report` reads directories of them, failure files embed its
 * scenario. Field names and meanings follow shared/CLI.md exactly; extra fields are additive.
 */
import type { PresenceTimeline } from "./presence.ts";
import type { Scenario } from "./scenario/types.ts";

export interface InvariantResult {
  name: "converge" | "noDataLoss" | "queueBound" | "noGhostPresence" | string;
  passed: boolean;
  /** One readable sentence; for a failure: which replica, which updates, from which client, when. */
  detail: string;
}

export interface RunMetrics {
  edits: number;
  deliveries: number;
  crossServerMessages: number;
  queuedMax: number;
  dropped: number;
  snapshotRequests: number;
  snapshotFallbacks: number;
  reconnects: number;
  /** Time from quiescence (last heal / end of workload) to identical replicas; null if never. */
  convergenceMs: number | null;
}

/** A fault as applied, with real or virtual times (ms since run start). */
export interface AppliedFault {
  kind: string;
  startMs: number;
  endMs: number;
  detail: string;
  /** chaos only: true when the fault could not be applied in this mode (clockSkew). */
  skipped?: boolean;
}

/** Time series sampled during the run (virtual time in sim, wall time in chaos), for reports. */
export interface TimeSeries {
  /** Sample times, ms since run start. */
  tMs: number[];
  /** Outage queue depth (messages) per server name, aligned with tMs. */
  queueDepth: Record<string, number[]>;
  /** Queue bound (messages) per server, for the chart's bound line. */
  queueBound: Record<string, number>;
  /** Number of distinct replica states per doc, aligned with tMs (1 = converged). */
  divergence: Record<string, number[]>;
  /** Connected clients, aligned with tMs. */
  connectedClients: number[];
  /** Cumulative reconnects and snapshot fallbacks, aligned with tMs. */
  reconnects: number[];
  snapshotFallbacks: number[];
  /**
   * Delivery latency (edit made -> applied at a replica) quantiles per sample window, ms; `count`
   * (optional, newer records) is the deliveries in each window: where it is 0 the quantiles are 0
   * only because nothing was delivered, and reports draw a gap.
   */
  deliveryLatencyMs: { p50: number[]; p90: number[]; p99: number[]; max: number[]; count?: number[] };
}

export interface RunRecord {
  scenario: string;
  seed: number;
  mode: "sim" | "chaos";
  passed: boolean;
  /** sim: sha256 hex of the full ordered trace; chaos: null. */
  traceHash: string | null;
  virtualMs: number;
  wallMs: number;
  invariants: InvariantResult[];
  metrics: RunMetrics;
  failureFile: string | null;
  /** Extras (additive to CLI.md): */
  faults?: AppliedFault[];
  timeSeries?: TimeSeries;
  /** Quantiles of every delivery's latency over the whole run, ms (lab/deliveries.ts). Outside `metrics`, whose keys CLI.md fixes. */
  deliveryLatencyMs?: { p50: number; p90: number; p99: number; max: number };
  /** Who each client believed present, over time (lab/presence.ts), for the report's presence chart. */
  presence?: PresenceTimeline;
  /** The full scenario that ran (so a report can build the replay command and failure files). */
  scenarioSpec?: Scenario;
  /** Shell command that reproduces this run. */
  replayCommand?: string;
}

/**
 * A failure file (shared/CLI.md): enough to replay the run exactly. `scenario` is the scenario in
 * its file form (SCENARIOS.md fields, durations as "10s" strings), so replay validates it with the
 * same parser as a YAML file and a person can paste it into one.
 */
export interface FailureFile {
  version: 1;
  scenario: Record<string, unknown>;
  seed: number;
  traceHash: string;
  violated: string[];
}

/** Names of the invariants a run violated, in record order (failure files, summaries, reports). */
export function violatedInvariants(record: Pick<RunRecord, "invariants">): string[] {
  return record.invariants.filter((result) => !result.passed).map((result) => result.name);
}
