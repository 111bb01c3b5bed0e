/**
 * The release decision in one object: pass or fail, the counts, and which invariants failed in how
 * many runs. Every report format leads with it.
 */
import { violatedInvariants, type RunRecord } from "../lab/record.ts";

export interface Verdict {
  passed: boolean;
  runs: number;
  passedRuns: number;
  failedRuns: number;
  /** Failing invariants, most failures first: [name, runs that violated it]. */
  failingInvariants: Array<[string, number]>;
  /** "sim 39, chaos 13". */
  byMode: Array<[string, number]>;
}

export function verdictOf(records: readonly RunRecord[]): Verdict {
  const failing = new Map<string, number>();
  for (const record of records) for (const name of violatedInvariants(record)) failing.set(name, (failing.get(name) ?? 0) + 1);
  const failedRuns = records.filter((record) => !record.passed).length;
  const modes = new Map<string, number>();
  for (const record of records) modes.set(record.mode, (modes.get(record.mode) ?? 0) + 1);
  return {
    passed: failedRuns === 0,
    runs: records.length,
    passedRuns: records.length - failedRuns,
    failedRuns,
    failingInvariants: [...failing].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    byMode: [...modes].sort((a, b) => b[0].localeCompare(a[0])),
  };
}

/** "FAIL: 1 of 15 runs failed (converge in 1 run)" / "PASS: all 15 runs passed". */
export function verdictLine(verdict: Verdict): string {
  if (verdict.passed) return `PASS: all ${verdict.runs} runs passed`;
  const invariants = verdict.failingInvariants.map(([name, n]) => `${name} in ${n} run${n === 1 ? "" : "s"}`).join(", ");
  return `FAIL: ${verdict.failedRuns} of ${verdict.runs} runs failed${invariants ? ` (${invariants})` : ""}`;
}
