/**
 * `lfcc report dir1 dir2 ...`: the results folders of several gate shards (or any runs) read as one
 * set. A run that appears in two folders is an error (the shards overlapped, or one folder was
 * given twice). When several folders are gate shards (they hold shard.json), the set must be
 * complete: every shard 1..n of the same n exactly once, and every run a shard owned must have its
 * record (a shard that died half-way would otherwise pass silently). One shard's folder alone is
 * fine: that is someone looking at one machine's part.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord } from "../lab/record.ts";
import { runName, SHARD_MANIFEST, type ShardManifest } from "../lab/results-layout.ts";
import { loadRunRecords, ReportInputError } from "./load-runs.ts";

export interface MergedResults {
  records: RunRecord[];
  /** n when the folders were a complete set of n gate shards, else null. */
  shards: number | null;
}

export async function loadResults(dirs: readonly string[]): Promise<MergedResults> {
  const perDir = await Promise.all(dirs.map(async (dir) => ({ dir, records: await loadRunRecords(dir), manifest: await readManifest(dir) })));
  const seen = new Map<string, string>();
  for (const { dir, records } of perDir) {
    for (const record of records) {
      const name = runName(record);
      const other = seen.get(name);
      if (other !== undefined) throw new ReportInputError(`${name} is in both ${other} and ${dir}: shards must not overlap`);
      seen.set(name, dir);
    }
  }
  return { records: perDir.flatMap((entry) => entry.records), shards: perDir.length > 1 ? checkShards(perDir) : null };
}

async function readManifest(dir: string): Promise<ShardManifest | null> {
  let text: string;
  try {
    text = await readFile(join(dir, SHARD_MANIFEST), "utf8");
  } catch {
    return null;
  }
  const manifest = JSON.parse(text) as Partial<ShardManifest>;
  if (!Number.isInteger(manifest.shard) || !Number.isInteger(manifest.of) || !Array.isArray(manifest.runs)) {
    throw new ReportInputError(`${join(dir, SHARD_MANIFEST)}: not a shard manifest (needs shard, of, runs)`);
  }
  return manifest as ShardManifest;
}

function checkShards(perDir: Array<{ dir: string; records: RunRecord[]; manifest: ShardManifest | null }>): number | null {
  const sharded = perDir.filter((entry) => entry.manifest !== null);
  if (sharded.length === 0) return null;
  const counts = new Set(sharded.map((entry) => entry.manifest!.of));
  if (counts.size > 1) throw new ReportInputError(`the folders come from different shardings (${[...counts].map((n) => `/${n}`).join(", ")})`);
  const of = sharded[0]!.manifest!.of;
  const present = sharded.map((entry) => entry.manifest!.shard);
  const missing = Array.from({ length: of }, (_, i) => i + 1).filter((i) => !present.includes(i));
  if (missing.length > 0) throw new ReportInputError(`shard ${missing.map((i) => `${i}/${of}`).join(", ")} missing: give every shard's results folder`);
  for (const { dir, records, manifest } of sharded) {
    const have = new Set(records.map(runName));
    const lost = manifest!.runs.filter((name) => !have.has(name));
    if (lost.length > 0) throw new ReportInputError(`${dir}: shard ${manifest!.shard}/${of} has no record of ${lost.length} run(s) it owned, e.g. ${lost[0]}`);
  }
  return of;
}
