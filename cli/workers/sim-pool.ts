/**
 * A SimRunner backed by worker threads: the drop-in for `simulatorRunner` when `--jobs` > 1.
 * The caller starts as many runs as it likes; the pool runs `jobs` of them at a time.
 */
import type { Scenario } from "../../lab/scenario/index.ts";
import type { RunResult } from "../../sim/index.ts";
import { simulatorRunner, type SimRunner } from "../sim-runs.ts";
import { createWorkerPool } from "./pool.ts";

export interface SimTask {
  scenario: Scenario;
  seed: number;
  keepTrace?: boolean;
}
export type SimTaskResult = Pick<RunResult, "record" | "trace">;

export interface PooledRunner {
  runner: SimRunner;
  /** How many runs may usefully be in flight at once. */
  concurrency: number;
  close(): Promise<void>;
}

export function simRunnerWithJobs(jobs: number): PooledRunner {
  if (jobs <= 1) return { runner: simulatorRunner, concurrency: 1, close: async () => {} };
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const pool = createWorkerPool<SimTask, SimTaskResult>(new URL(`./sim-worker${ext}`, import.meta.url), jobs);
  return {
    runner: (scenario, options) => pool.run({ scenario, seed: options.seed, keepTrace: options.keepTrace }),
    concurrency: jobs,
    close: () => pool.close(),
  };
}
