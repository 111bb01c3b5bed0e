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
  let phase: FuzzRunEvent["phase"] = "explore";
  const counts = { explore: 0, shrink: 0 };
  let lastFailure: Outcome | null = null;

  const property = fc.asyncProperty(arbitrary, async (scenario) => {
    const outcome = await runSafely(options.run, scenario);
    const passed = outcome.record?.passed === true;
    counts[phase] += 1;
    if (!passed) lastFailure = outcome;
    options.onRun?.({ phase, index: counts[phase], ...outcome, passed });
    return passed;
  });

  const explored = await fc.check(property, {
    seed: options.seed,
    numRuns: options.runs,
    endOnFailure: true,
    ...timeLimit(options.timeLimitMs),
  });
  if (!explored.failed) return { runs: counts.explore, interrupted: explored.interrupted, failure: null };
  const original = (lastFailure as Outcome | null)!.scenario;

  phase = "shrink";
  const shrunk = await fc.check(property, {
    seed: options.seed,
    path: explored.counterexamplePath ?? undefined,
    numRuns: 1,
    ...timeLimit(typeof options.shrinkTimeLimitMs === "function" ? Math.max(1, options.shrinkTimeLimitMs()) : options.shrinkTimeLimitMs),
  });
  const minimal = (lastFailure as Outcome | null)!;
  return {
    runs: counts.explore,
    interrupted: false,
    failure: {
      original,
      scenario: minimal.scenario,
      record: minimal.record,
      error: minimal.error,
      violated: minimal.record ? violatedInvariants(minimal.record) : ["run-error"],
      shrinkSteps: shrunk.numShrinks,
      // The first shrink-phase run replays the original failure; the rest are shrink candidates.
      shrinkRuns: Math.max(0, counts.shrink - 1),
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
