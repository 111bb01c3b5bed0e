/**
 * `--seed N` / `--seeds A..B | K` -> the seeds to run, or undefined for "the file's seed".
 * Every command with --seeds reads it here (CLI.md v1.1): a range `A..B` (inclusive) or a count
 * `K`, which means `1..K`.
 */
import { UsageError } from "./usage-error.ts";

/** One call never plans more runs than this per scenario (a typo like 1..1000000 is not a plan). */
const MAX_SEEDS = 100_000;

export function parseSeedFlags(flags: { seed?: string; seeds?: string }): number[] | undefined {
  if (flags.seed !== undefined && flags.seeds !== undefined) throw new UsageError("give either --seed or --seeds, not both");
  if (flags.seed !== undefined) return [parseSeed("--seed", flags.seed)];
  if (flags.seeds === undefined) return undefined;
  return parseSeedRange("--seeds", flags.seeds);
}

/** `A..B` -> A, A+1, ..., B; `K` -> 1..K. */
export function parseSeedRange(flag: string, text: string): number[] {
  const trimmed = text.trim();
  const count = /^\d+$/.exec(trimmed);
  const range = /^(\d+)\.\.(\d+)$/.exec(trimmed);
  if (!count && !range) throw new UsageError(`${flag} expects a range A..B like 1..10, or a count K (= 1..K), got "${text}"`);
  const [first, last] = range ? [parseSeed(flag, range[1]!), parseSeed(flag, range[2]!)] : [1, parseSeed(flag, trimmed)];
  if (!range && last < 1) throw new UsageError(`${flag} ${text}: a count must be at least 1`);
  if (first > last) throw new UsageError(`${flag} ${text}: the range is empty (${first} > ${last})`);
  if (last - first >= MAX_SEEDS) throw new UsageError(`${flag} ${text}: at most ${MAX_SEEDS} seeds per call`);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** "1..3", or "4..9" for a range that does not start at 1; "7" for one seed. */
export function describeSeeds(seeds: readonly number[]): string {
  if (seeds.length === 1) return String(seeds[0]);
  return `${seeds[0]}..${seeds[seeds.length - 1]}`;
}

export function parseSeed(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${flag} expects a non-negative integer, got "${text}"`);
  }
  return value;
}
