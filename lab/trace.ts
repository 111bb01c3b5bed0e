/**
 * One line of a simulated run's trace. The trace is the run's identity: its stable serialization
 * (see sim/kernel/trace.ts) hashed with sha256 is the `traceHash` that `lfcc replay` compares.
 */
export interface TraceEvent {
  /** Order of the event in the run (ties in time are broken by this). */
  seq: number;
  /** Virtual ms since run start. */
  tMs: number;
  /** Node the event happened on: "s1", "c3", "redis", "net", "world". */
  node: string;
  /** What happened: "send", "deliver", "fault", "log", "edit", ... */
  kind: string;
  detail: Record<string, unknown>;
}
