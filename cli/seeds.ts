/** `--seed N` / `--seeds A..B` (inclusive) -> the seeds to run, or undefined for "the file's seed". */
import { UsageError } from "./usage-error.ts";

export function parseSeedFlags(flags: { seed?: string; seeds?: string }): number[] | undefined {
  if (flags.seed !== undefined && flags.seeds !== undefined) throw new UsageError("give either --seed or --seeds, not both");
  if (flags.seed !== undefined) return [parseSeed("--seed", flags.seed)];
  if (flags.seeds === undefined) return undefined;
  const match = /^(\d+)\.\.(\d+)$/.exec(flags.seeds.trim());
  if (!match) throw new UsageError(`--seeds expects a range A..B like 1..10, got "${flags.seeds}"`);
  const [first, last] = [parseSeed("--seeds", match[1]!), parseSeed("--seeds", match[2]!)];
  if (first > last) throw new UsageError(`--seeds ${flags.seeds}: the range is empty (${first} > ${last})`);
  if (last - first >= 100_000) throw new UsageError(`--seeds ${flags.seeds}: at most 100000 seeds per call`);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export function parseSeed(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${flag} expects a non-negative integer, got "${text}"`);
  }
  return value;
}
