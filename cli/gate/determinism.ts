/**
 * The gate's determinism self-check: a sample of the gate's simulator runs is run again in a
 * separate `lfcc` process (fresh module state, fresh heap), and its trace hash must equal the one
 * the gate recorded. A mismatch means the verdicts of this gate cannot be trusted to replay: the
 * run fails with a `deterministic` invariant whose detail holds `lfcc diff`'s first divergence
 * (so junit.xml names it). A match is recorded as a passing `deterministic` invariant.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { InvariantResult, RunRecord } from "../../lab/record.ts";
import { diffTraces, divergenceSummary } from "../../lab/trace-diff.ts";
import { parseTraceLines } from "../diff/load-trace.ts";
import { writeRunRecord } from "../results-dir.ts";
import type { SimRunner } from "../sim-runs.ts";
import type { SimRun } from "./plan.ts";

/** Re-runs one planned run elsewhere; with `tracePath`, also writes its trace there (JSON lines). */
export type RerunElsewhere = (run: SimRun, tracePath?: string) => Promise<{ traceHash: string | null }>;

export const DETERMINISM_INVARIANT = "deterministic";

/** `count` runs spread evenly over the plan (first, ..., last), so every part of the library gets sampled over time. */
export function determinismSample<T>(runs: readonly T[], count: number): number[] {
  const n = Math.min(count, runs.length);
  return Array.from({ length: n }, (_, j) => Math.floor((j * runs.length) / n));
}

export interface DeterminismCheck {
  checked: number;
  mismatches: number;
  records: RunRecord[];
}

/** Checks the sampled runs; returns the records with the `deterministic` invariant added (and rewritten to disk). */
export async function checkDeterminism(
  runs: readonly SimRun[],
  records: readonly RunRecord[],
  count: number,
  options: { runner: SimRunner; rerun: RerunElsewhere; outDir: string; progress: (text: string) => void },
): Promise<DeterminismCheck> {
  const updated = [...records];
  let mismatches = 0;
  const sample = determinismSample(runs, count).filter((i) => records[i]?.traceHash);
  for (const [n, index] of sample.entries()) {
    const run = runs[index]!;
    options.progress(`gate determinism [${n + 1}/${sample.length}] ${run.scenario.name} seed ${run.seed} in a separate process`);
    const invariant = await compareRun(run, records[index]!, options);
    if (!invariant.passed) mismatches++;
    const record = { ...records[index]!, passed: records[index]!.passed && invariant.passed, invariants: [...records[index]!.invariants, invariant] };
    writeRunRecord(options.outDir, record);
    updated[index] = record;
  }
  return { checked: sample.length, mismatches, records: updated };
}

async function compareRun(run: SimRun, record: RunRecord, options: { runner: SimRunner; rerun: RerunElsewhere }): Promise<InvariantResult> {
  let again: { traceHash: string | null };
  try {
    again = await options.rerun(run);
  } catch (error) {
    return { name: DETERMINISM_INVARIANT, passed: false, detail: `the re-run in a separate process failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (again.traceHash === record.traceHash) {
    return { name: DETERMINISM_INVARIANT, passed: true, detail: `re-run in a separate process: same trace hash ${shortHash(record.traceHash)}` };
  }
  const where = await firstDivergence(run, options);
  return {
    name: DETERMINISM_INVARIANT,
    passed: false,
    detail: `re-run in a separate process gave trace hash ${shortHash(again.traceHash)}, the gate's run ${shortHash(record.traceHash)}: ${where}`,
  };
}

/** Both sides once more with full traces: this process and another one, compared by lfcc diff's code. */
async function firstDivergence(run: SimRun, options: { runner: SimRunner; rerun: RerunElsewhere }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "lfcc-determinism-"));
  try {
    const here = await options.runner(run.scenario, { seed: run.seed, keepTrace: true });
    const tracePath = join(dir, "elsewhere.jsonl");
    await options.rerun(run, tracePath);
    const diff = diffTraces(here.trace ?? [], parseTraceLines(readFileSync(tracePath, "utf8"), tracePath));
    if (diff.same) return `the traces of a second run here and one elsewhere agree (${diff.eventsA} events): the gate's first run differed, so state leaks between runs in one process`;
    return `${divergenceSummary(diff)} (a = this process, b = a separate one; reproduce with lfcc sim ${run.file} --seed ${run.seed} --trace a.jsonl twice and lfcc diff)`;
  } catch (error) {
    return `the traces could not be compared: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function shortHash(hash: string | null): string {
  return hash === null ? "(none)" : hash.slice(0, 16);
}

const exec = promisify(execFile);

/** The default: the running `lfcc` executable, as a child process (`lfcc sim FILE --seed N --json`). */
export function childProcessRerun(executable = process.argv[1]!): RerunElsewhere {
  return async (run, tracePath) => {
    const args = [executable, "sim", run.file, "--seed", String(run.seed), "--json", ...(tracePath ? ["--trace", tracePath] : [])];
    // Exit 1 (an invariant failed) still prints the record; only the hash matters here.
    const { stdout } = await exec(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
      if (error.code === 1 && error.stdout) return { stdout: error.stdout };
      throw new Error(`lfcc sim exited ${error.code ?? "?"}: ${(error.stderr ?? "").trim().split("\n")[0]}`);
    });
    const line = stdout.trim().split("\n")[0] ?? "";
    return { traceHash: (JSON.parse(line) as { traceHash: string | null }).traceHash };
  };
}
