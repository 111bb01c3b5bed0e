/**
 * The results directory shared by `lfcc sim`, `lfcc chaos`, `lfcc gate` and `lfcc report`:
 *   <out>/runs/<scenario>--seed<N>--<mode>.json   one RunRecord per run (JSON)
 *   <out>/failures/<scenario>-seed<N>.json        sim failure files (shared/CLI.md), for `lfcc replay`
 * `lfcc report` reads `runs/`; a directory of loose RunRecord files works too.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FailureFile, RunRecord } from "../lab/record.ts";
import { runRecordPath } from "../lab/results-layout.ts";

/** Where failure files go when no --out is given. */
export const DEFAULT_OUT_DIR = "lfcc-out";

export { runRecordPath };

export function writeRunRecord(outDir: string, record: RunRecord): string {
  const path = runRecordPath(outDir, record);
  mkdirSync(join(outDir, "runs"), { recursive: true });
  writeFileSync(path, JSON.stringify(record) + "\n");
  return path;
}

export function failureFilePath(outDir: string, scenario: string, seed: number): string {
  return join(outDir, "failures", `${scenario}-seed${seed}.json`);
}

export function writeFailureFile(outDir: string, failure: FailureFile, scenario: string): string {
  const path = failureFilePath(outDir, scenario, failure.seed);
  mkdirSync(join(outDir, "failures"), { recursive: true });
  writeFileSync(path, JSON.stringify(failure, null, 2) + "\n");
  return path;
}

/**
 * Every RunRecord under `dir` (its `runs/` folder when there is one), sorted by file name.
 * Throws with the file name when a file is not a RunRecord.
 */
export function readRunRecords(dir: string): RunRecord[] {
  const runsDir = isDirectory(join(dir, "runs")) ? join(dir, "runs") : dir;
  const files = readdirSync(runsDir).filter((name) => name.endsWith(".json")).sort();
  return files.map((name) => {
    const path = join(runsDir, name);
    const value = JSON.parse(readFileSync(path, "utf8")) as Partial<RunRecord>;
    if (typeof value.scenario !== "string" || typeof value.seed !== "number" || typeof value.passed !== "boolean") {
      throw new Error(`${path}: not a run record (needs scenario, seed, passed)`);
    }
    return value as RunRecord;
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
