/**
 * Proof that the lab can fail: for each planted bug (test/fuzz/planted-relays.ts) the fuzzer, with
 * the budget in planted-budgets.ts, reports the violated invariant and shrinks the failing scenario
 * to a small one; the production relay passes the very same budget (same seed, same scenarios).
 * Deterministic: fast-check seeds, simulator seeds, no wall-clock limits.
 */
import { describe, expect, it } from "vitest";
import { fuzz } from "../../lab/fuzz/explore.ts";
import { scenarioArbitrary } from "../../lab/fuzz/scenario-arbitrary.ts";
import { scenarioSize } from "../../lab/fuzz/size.ts";
import { PLANTED_BUDGETS } from "./planted-budgets.ts";
import { relayRunner } from "./planted-runner.ts";

describe.each(PLANTED_BUDGETS)("planted bug $bug", (budget) => {
  const options = { seed: budget.seed, runs: budget.runs, arbitrary: scenarioArbitrary(budget.arbitrary) };

  it(`is reported as ${budget.expectViolated.join(" or ")} within ${budget.runs} runs and shrinks small`, async () => {
    const { failure } = await fuzz({ ...options, run: relayRunner(budget.bug) });
    expect(failure, "the fuzzer missed the planted bug").not.toBeNull();
    expect(failure!.violated.some((name) => budget.expectViolated.includes(name))).toBe(true);
    const size = scenarioSize(failure!.scenario);
    const { maxShrunk } = budget;
    expect({ servers: size.servers, clients: size.clients, docs: size.docs, faults: size.faults, durationMs: size.durationMs }).toSatisfy(
      (s: typeof maxShrunk) => s.servers <= maxShrunk.servers && s.clients <= maxShrunk.clients && s.docs <= maxShrunk.docs && s.faults <= maxShrunk.faults && s.durationMs <= maxShrunk.durationMs,
    );
    // The shrunk scenario still fails on its own (it is a real reproduction, not a shrinking artefact).
    expect((await relayRunner(budget.bug)(failure!.scenario)).passed).toBe(false);
  });

  it(`production passes the same ${budget.runs} runs`, async () => {
    const { failure, runs } = await fuzz({ ...options, run: relayRunner("production") });
    expect(failure?.record?.invariants.filter((r) => !r.passed) ?? failure?.error ?? null).toBeNull();
    expect(runs).toBe(budget.runs);
  });
});
