/**
 * A run that threw instead of finishing (a simulator or relay exception) is a failure too; this
 * stand-in record keeps `--json` output at one record per run.
 */
import type { RunRecord } from "../record.ts";
import type { Scenario } from "../scenario/types.ts";

/** A run that threw (simulator or relay exception): failed, with the error as the only invariant. */
export function errorRecord(scenario: Scenario, error: string): RunRecord {
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    mode: "sim",
    passed: false,
    traceHash: null,
    virtualMs: 0,
    wallMs: 0,
    invariants: [{ name: "run-error", passed: false, detail: error.split("\n")[0] ?? error }],
    metrics: {
      edits: 0, deliveries: 0, crossServerMessages: 0, queuedMax: 0, dropped: 0,
      snapshotRequests: 0, snapshotFallbacks: 0, reconnects: 0, convergenceMs: null,
    },
    failureFile: null,
    scenarioSpec: scenario,
  };
}
