/**
 * The fuzz property itself, as an @fast-check/vitest property with a modest budget: small random
 * scenarios (every fault kind, randomized relay knobs) run in the simulator on the production
 * relay, and every invariant holds. The seed is fixed so `npm test` is reproducible; `lfcc fuzz`
 * explores further (README: fuzz budget).
 */
import { test } from "@fast-check/vitest";
import { expect } from "vitest";
import { scenarioArbitrary } from "../../lab/fuzz/scenario-arbitrary.ts";
import { runScenario } from "../../sim/index.ts";

const small = scenarioArbitrary({ maxServers: 3, maxDocs: 2, maxClients: 5, maxDurationMs: 8_000, maxFaults: 3 });

test.prop([small], { numRuns: 8, seed: 20_261_127 })("the production relay holds every invariant in random scenarios", async (scenario) => {
  const { record } = await runScenario(scenario, { seed: scenario.seed });
  expect(record.invariants.filter((result) => !result.passed)).toEqual([]);
});
