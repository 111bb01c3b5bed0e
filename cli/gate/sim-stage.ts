/**
 * The gate's simulator runs (library x seeds, then the regression corpus), each through the same
 * executeRun as `lfcc sim`: records under <out>/runs/, failure files under <out>/failures/.
 * A run that throws is a failed run with a `run-error` invariant, not a crashed gate.
 */
import { errorRecord } from "../../lab/fuzz/failure.ts";
import type { RunRecord } from "../../lab/record.ts";
import { writeRunRecord } from "../results-dir.ts";
import { executeRun, type SimRunner } from "../sim-runs.ts";
import { forEachInOrder } from "../workers/in-order.ts";
import type { SimRun } from "./plan.ts";

export async function runSimStage(runner: SimRunner, runs: SimRun[], outDir: string, progress: (text: string) => void, concurrency = 1): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const start = (run: SimRun, index: number) => {
    const label = `gate sim [${index + 1}/${runs.length}] ${run.stage} ${run.scenario.name} seed ${run.seed}`;
    if (concurrency === 1) progress(label);
    return runOne(runner, run, outDir, (virtualMs, endMs) => progress(`${label}  ${Math.round(virtualMs / 1000)}s/${Math.round(endMs / 1000)}s virtual`));
  };
  await forEachInOrder(runs, concurrency, start, (record, index) => {
    records.push(record);
    if (concurrency > 1) progress(`gate sim [${index + 1}/${runs.length}] done (${concurrency} jobs)`);
  });
  return records;
}

async function runOne(runner: SimRunner, run: SimRun, outDir: string, onProgress: (virtualMs: number, endMs: number) => void): Promise<RunRecord> {
  const replayCommand = `lfcc sim ${run.file} --seed ${run.seed}`;
  try {
    const { record } = await executeRun(runner, { scenario: run.scenario, seed: run.seed, replayCommand, failuresDir: outDir, recordsDir: outDir, onProgress });
    return record;
  } catch (error) {
    const record = { ...errorRecord({ ...run.scenario, seed: run.seed }, errorText(error)), replayCommand };
    writeRunRecord(outDir, record);
    return record;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
