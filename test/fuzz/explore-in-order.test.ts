/**
 * Exploring with several runs in flight must be the sequential exploration: the same scenarios for a
 * seed as fast-check's own `check`, judged in order, stopping at the same first failure, whatever the
 * concurrency and whatever order the runs complete in.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exploreInOrder } from "../../lab/fuzz/explore-in-order.ts";

const arbitrary = fc.record({ n: fc.integer({ min: 0, max: 1000 }), tag: fc.string({ maxLength: 4 }) });
type Value = { n: number; tag: string };

/** Completes after a delay drawn from the value, so completions arrive out of order. */
const outOfOrder = async (value: Value): Promise<Value> => {
  await new Promise((resolve) => setTimeout(resolve, value.n % 7));
  return value;
};

async function explore(concurrency: number, failWhen: (value: Value) => boolean, runs = 60) {
  const judged: Array<[number, Value]> = [];
  const result = await exploreInOrder({
    arbitrary, seed: 77, runs, concurrency, run: outOfOrder,
    passed: (value) => !failWhen(value),
    onJudged: (value, index) => judged.push([index, value]),
  });
  return { result, judged };
}

describe("exploreInOrder", () => {
  it("explores exactly the values fc.check explores for the seed, in order", async () => {
    const checked: Value[] = [];
    await fc.check(fc.asyncProperty(arbitrary, async (value) => (checked.push(value), true)), { seed: 77, numRuns: 60 });
    const { result, judged } = await explore(4, () => false);
    expect(result).toMatchObject({ runs: 60, failure: null });
    expect(judged.map(([, value]) => value)).toEqual(checked);
    expect(judged.map(([index]) => index)).toEqual([...Array(60).keys()]);
  });

  it("stops at the first failing index whatever the concurrency", async () => {
    const failWhen = (value: Value) => value.n % 5 === 3;
    const sequential = await explore(1, failWhen);
    expect(sequential.result.failure).not.toBeNull();
    for (const concurrency of [2, 3, 8]) {
      const parallel = await explore(concurrency, failWhen);
      expect(parallel.result).toEqual(sequential.result);
      expect(parallel.judged).toEqual(sequential.judged);
    }
    // Nothing past the failure is reported, as in a sequential run.
    expect(sequential.judged.at(-1)![0]).toBe(sequential.result.failure!.index);
  });

  it("a longer exploration extends a shorter one (growing sample batches are prefix-stable)", async () => {
    const short = await explore(2, () => false, 10);
    const long = await explore(2, () => false, 200);
    expect(long.judged.slice(0, 10)).toEqual(short.judged);
  });

  it("stops dispatching when the time budget is spent, and says it was interrupted", async () => {
    let clock = 0;
    const result = await exploreInOrder({
      arbitrary, seed: 1, runs: 1_000, concurrency: 2, timeLimitMs: 10, nowMs: () => clock,
      run: async (value) => ((clock += 1), value),
      passed: () => true,
      onJudged: () => {},
    });
    expect(result.interrupted).toBe(true);
    expect(result.runs).toBeGreaterThanOrEqual(10);
    expect(result.runs).toBeLessThan(20);
  });
});
