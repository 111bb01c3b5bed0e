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
