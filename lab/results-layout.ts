/**
 * The layout of a results directory (`--out DIR`), shared by every writer (sim, chaos, gate,
 * fuzz) and by `lfcc report`: one JSON RunRecord per (scenario, seed, mode) under runs/.
 */
import { join } from "node:path";
import type { RunRecord } from "./record.ts";

/** `<scenario>--seed<N>--<mode>`: names a run's record, and a chaos run's failure folder. */
export function runName(record: Pick<RunRecord, "scenario" | "seed" | "mode">): string {
  return `${record.scenario}--seed${record.seed}--${record.mode}`;
}

export function runRecordPath(outDir: string, record: Pick<RunRecord, "scenario" | "seed" | "mode">): string {
  return join(outDir, "runs", `${runName(record)}.json`);
}

/** `<out>/shard.json`, written by `lfcc gate --shard i/n`: what this folder holds of the whole gate. */
export const SHARD_MANIFEST = "shard.json";

export interface ShardManifest {
  shard: number;
  of: number;
  /** runName()s of the sim and chaos runs this shard owns (fuzz runs are named by what they explore). */
  runs: string[];
  fuzzRuns: number;
}
