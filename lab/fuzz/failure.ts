/**
 * What the fuzzer hands back for a failure: the failure file (shared/CLI.md) and, for a run that
 * threw instead of finishing, a stand-in run record so `--json` output stays one record per run.
 */
import type { FailureFile, RunRecord } from "../record.ts";
import type { Scenario } from "../scenario/types.ts";
import type { FuzzFailure } from "./explore.ts";

/** `toDocument` turns the normalized scenario into its file form (lab/scenario's writer). */
export function buildFailureFile(failure: FuzzFailure, toDocument: (scenario: Scenario) => Record<string, unknown>): FailureFile {
  return {
    version: 1,
    scenario: toDocument(failure.scenario),
    seed: failure.scenario.seed,
    traceHash: failure.record?.traceHash ?? "",
    violated: failure.violated,
  };
}

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
