/**
 * Phase 1 of the fuzzer, able to use several workers: the scenarios fast-check's `check` would
 * explore for this seed, run up to `concurrency` at a time, judged in their order.
 *
 * Why this is the same exploration as a sequential `fc.check`: `fc.sample(arb, { seed, numRuns })`
 * yields exactly the values `fc.check` generates for that seed, in the same order, and a longer
 * sample extends a shorter one (both checked in test/fuzz/explore-in-order.test.ts). The first
 * failing index is the one a sequential run stops at: runs after it that finished early are thrown
 * away, and runs before it are waited for. So the verdict, the failure and the run count do not
 * depend on `concurrency`; phase 2 replays that index by fast-check's path and shrinks it.
 */
import fc from "fast-check";

export interface InOrderOptions<T, O> {
  arbitrary: fc.Arbitrary<T>;
  seed: number;
  runs: number;
  concurrency: number;
  /** Exploration budget in wall ms, read through `nowMs` (lab code keeps off the real clock). */
  timeLimitMs?: number;
  nowMs?: () => number;
  run: (value: T) => Promise<O>;
  passed: (outcome: O) => boolean;
  /** Called once per judged run, in index order; never for runs past the first failure. */
  onJudged: (outcome: O, index: number) => void;
}

export interface InOrderResult<O> {
  /** Runs judged: the failing one included. */
  runs: number;
  interrupted: boolean;
  failure: { index: number; outcome: O } | null;
}

/** Scenarios are generated in growing batches: only as far as the exploration really gets. */
const FIRST_BATCH = 64;

export async function exploreInOrder<T, O>(options: InOrderOptions<T, O>): Promise<InOrderResult<O>> {
  const { arbitrary, seed, runs } = options;
  let generated: T[] = [];
  const valueAt = (index: number): T => {
    if (index >= generated.length) {
      const size = Math.min(runs, Math.max(FIRST_BATCH, generated.length * 2, index + 1));
      generated = fc.sample(arbitrary, { seed, numRuns: size });
    }
    return generated[index]!;
  };
  const startedMs = options.nowMs?.() ?? 0;
  const outOfTime = () => options.timeLimitMs !== undefined && options.nowMs !== undefined && options.nowMs() - startedMs >= options.timeLimitMs;

  const done = new Map<number, O>();
  let next = 0;
  let judged = 0;
  let interrupted = false;
  let failure: InOrderResult<O>["failure"] = null;
  const judge = (): void => {
    while (failure === null && done.has(judged)) {
      const outcome = done.get(judged)!;
      done.delete(judged);
      options.onJudged(outcome, judged);
      if (!options.passed(outcome)) failure = { index: judged, outcome };
      judged++;
    }
  };
  const lane = async (): Promise<void> => {
    while (failure === null && next < runs) {
      if (outOfTime()) {
        interrupted = true;
        return;
      }
      const index = next++;
      done.set(index, await options.run(valueAt(index)));
      judge();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, lane));
  return { runs: judged, interrupted: interrupted && failure === null, failure };
}
