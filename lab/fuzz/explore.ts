/**
 * The fuzzing loop: explore random scenarios until one breaks an invariant, then shrink it.
 *
 * The property is "the scenario runs in the simulator and every invariant holds". fast-check runs it
 * in two phases so each gets its own budget:
 *  1. explore: up to `runs` scenarios (or until `timeLimitMs`), stopping at the first failure
 *     without shrinking;
 *  2. shrink: replay that failure by fast-check's (seed, counterexamplePath) and let fast-check
 *     shrink it (bounded by `shrinkTimeLimitMs`). The last scenario that failed is the minimal one.
 * The runner is injected (`run`), so this file stays pure: the CLI passes the simulator, tests may
 * pass a planted-bug relay through it.
 */
import fc from "fast-check";
import { violatedInvariants, type RunRecord } from "../record.ts";
import type { Scenario } from "../scenario/types.ts";
import { exploreInOrder } from "./explore-in-order.ts";
import { scenarioArbitrary } from "./scenario-arbitrary.ts";

/** Runs one scenario (with its own `seed`) and returns its record. May throw: that is a failure too. */
export type ScenarioRunner = (scenario: Scenario) => Promise<RunRecord>;

export interface FuzzRunEvent {
  phase: "explore" | "shrink";
  /** 1-based count within the phase. */
  index: number;
  scenario: Scenario;
  /** null when the run threw. */
  record: RunRecord | null;
  error?: string;
  passed: boolean;
}

export interface FuzzOptions {
  /** fast-check seed: the same seed explores the same scenarios. */
  seed: number;
  /** Most scenarios to explore. */
  runs: number;
  /** Exploration budget (wall ms); unlimited when absent. */
  timeLimitMs?: number;
  /**
   * Shrinking budget (wall ms); unlimited when absent. A function is asked when shrinking starts
   * (`lfcc fuzz --time T` passes what is left of T, so shrinking counts inside T).
   */
  shrinkTimeLimitMs?: number | (() => number);
  /** What to explore. Default `scenarioArbitrary()`. */
  arbitrary?: fc.Arbitrary<Scenario>;
  run: ScenarioRunner;
  onRun?: (event: FuzzRunEvent) => void;
  /** Explore runs in flight at once (a worker pool's size); 1 by default. Results do not depend on it. */
  concurrency?: number;
  /** Wall clock for `timeLimitMs` (the CLI passes Date.now); without it the time limit is not applied to exploration. */
  nowMs?: () => number;
}

export interface FuzzFailure {
  /** The scenario as first found. */
  original: Scenario;
  /** The minimal failing scenario after shrinking. */
  scenario: Scenario;
  /** Its run record (null if the run threw). */
  record: RunRecord | null;
  error?: string;
  /** Names of the violated invariants (or "run-error" when the run threw). */
  violated: string[];
  /** Successful shrink steps, and scenarios tried while shrinking. */
  shrinkSteps: number;
  shrinkRuns: number;
  /** Shrinking stopped on its time budget before reaching a local minimum. */
  shrinkInterrupted: boolean;
}

export interface FuzzResult {
  /** Scenarios explored (phase 1). */
  runs: number;
  /** Exploration stopped on its time budget. */
  interrupted: boolean;
  failure: FuzzFailure | null;
}

interface Outcome {
  scenario: Scenario;
  record: RunRecord | null;
  error?: string;
}

export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const arbitrary = options.arbitrary ?? scenarioArbitrary();
  const explored = await exploreInOrder({
    arbitrary,
    seed: options.seed,
    runs: options.runs,
    concurrency: options.concurrency ?? 1,
    timeLimitMs: options.timeLimitMs,
    nowMs: options.nowMs,
    run: (scenario) => runSafely(options.run, scenario),
    passed: (outcome) => outcome.record?.passed === true,
    onJudged: (outcome, index) => {
      options.onRun?.({ phase: "explore", index: index + 1, ...outcome, passed: outcome.record?.passed === true });
    },
  });
  if (!explored.failure) return { runs: explored.runs, interrupted: explored.interrupted, failure: null };
  const original = explored.failure.outcome.scenario;

  let shrinkRuns = 0;
  let lastFailure: Outcome = explored.failure.outcome;
  const property = fc.asyncProperty(arbitrary, async (scenario) => {
    const outcome = await runSafely(options.run, scenario);
    const passed = outcome.record?.passed === true;
    shrinkRuns += 1;
    if (!passed) lastFailure = outcome;
    options.onRun?.({ phase: "shrink", index: shrinkRuns, ...outcome, passed });
    return passed;
  });
  const shrunk = await fc.check(property, {
    seed: options.seed,
    path: String(explored.failure.index),
    numRuns: 1,
    ...timeLimit(typeof options.shrinkTimeLimitMs === "function" ? Math.max(1, options.shrinkTimeLimitMs()) : options.shrinkTimeLimitMs),
  });
  const minimal = lastFailure;
  return {
    runs: explored.runs,
    interrupted: false,
    failure: {
      original,
      scenario: minimal.scenario,
      record: minimal.record,
      error: minimal.error,
      violated: minimal.record ? violatedInvariants(minimal.record) : ["run-error"],
      shrinkSteps: shrunk.numShrinks,
      // The first shrink-phase run replays the original failure; the rest are shrink candidates.
      shrinkRuns: Math.max(0, shrinkRuns - 1),
      shrinkInterrupted: shrunk.interrupted,
    },
  };
}

function timeLimit(ms: number | undefined): Partial<fc.Parameters<unknown>> {
  return ms === undefined ? {} : { interruptAfterTimeLimit: ms };
}

async function runSafely(run: ScenarioRunner, scenario: Scenario): Promise<Outcome> {
  try {
    return { scenario, record: await run(scenario) };
  } catch (error) {
    return { scenario, record: null, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}
