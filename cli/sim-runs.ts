/**
 * One simulated run as the CLI does it (`lfcc sim` and `lfcc replay` share it): run, then write
 * what the run leaves behind — the failure file when an invariant failed, the RunRecord under
 * `--out`, the trace under `--trace` — and fill in `failureFile` / `replayCommand`.
 */
import { violatedInvariants, type RunRecord } from "../lab/record.ts";
import { buildFailureFile, type Scenario } from "../lab/scenario/index.ts";
import type { RunOptions, RunResult } from "../sim/index.ts";
import { writeFailureFile, writeRunRecord } from "./results-dir.ts";
import { writeTrace } from "./trace-output.ts";

/** What the CLI keeps of a run: its record, and its trace when one was asked for. */
export type SimRunner = (scenario: Scenario, options: RunOptions) => Promise<Pick<RunResult, "record" | "trace">>;

/** The real simulator, loaded on first use so `--help` and validation errors stay instant. */
export const simulatorRunner: SimRunner = async (scenario, options) => {
  const { runScenario } = await import("../sim/index.ts");
  return runScenario(scenario, options);
};

export interface RunRequest {
  scenario: Scenario;
  seed: number;
  /** How to run this exact run again, for a passing run (failures point at their failure file). */
  replayCommand: string;
  /** Failure files go to `<failuresDir>/failures/`. */
  failuresDir: string;
  /** Replaying a failure file: a failing run points at that file instead of writing a new one. */
  existingFailureFile?: string;
  /** When set, the RunRecord is written to `<recordsDir>/runs/`. */
  recordsDir?: string;
  tracePath?: string;
  onProgress?: RunOptions["onProgress"];
}

export interface RunOutcome {
  record: RunRecord;
  trace?: { jsonl: string; timeline: string };
}

export async function executeRun(runner: SimRunner, request: RunRequest): Promise<RunOutcome> {
  const { scenario, seed } = request;
  const result = await runner(scenario, { seed, keepTrace: request.tracePath !== undefined, onProgress: request.onProgress });
  let record: RunRecord = { ...result.record, replayCommand: request.replayCommand };
  if (!record.passed) {
    const failure = buildFailureFile(scenario, seed, record.traceHash ?? "", violatedInvariants(record));
    const failureFile = request.existingFailureFile ?? writeFailureFile(request.failuresDir, failure, scenario.name);
    record = { ...record, failureFile, replayCommand: `lfcc replay ${failureFile}` };
  }
  if (request.recordsDir !== undefined) writeRunRecord(request.recordsDir, record);
  const trace = request.tracePath !== undefined && result.trace
    ? writeTrace(request.tracePath, result.trace, `${scenario.name} seed ${seed} (traceHash ${record.traceHash ?? "-"})`)
    : undefined;
  return { record, trace };
}

/** The JSON line of a run on stdout: the record without its (large) time series and presence timeline. */
export function recordLine(record: RunRecord): string {
  const { timeSeries: _omitted, presence: _alsoOmitted, ...line } = record;
  return JSON.stringify(line);
}
