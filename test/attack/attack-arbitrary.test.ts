/** `lfcc fuzz` attacks swarm style: some runs none, some several, every drawn scenario valid as a file. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ATTACK_FAULT_KINDS } from "../../lab/fuzz/faults.ts";
import { scenarioArbitrary } from "../../lab/fuzz/scenario-arbitrary.ts";
import { toScenarioDocument, validateScenario } from "../../lab/scenario/index.ts";

describe("the attacking scenario arbitrary", () => {
  const arbitrary = scenarioArbitrary({ maxAttackers: 3, faultKinds: ATTACK_FAULT_KINDS });

  it("draws runs without attackers and runs with several, and redisInject faults", () => {
    const samples = fc.sample(arbitrary, { seed: 5, numRuns: 60 });
    const counts = samples.map((s) => s.attackers?.length ?? 0);
    expect(counts.filter((n) => n === 0).length).toBeGreaterThan(10);
    expect(counts.filter((n) => n >= 2).length).toBeGreaterThan(5);
    expect(samples.some((s) => s.faults.some((f) => f.kind === "redisInject"))).toBe(true);
  });

  it("every drawn scenario, and every shrink of a failing one, is a valid scenario file; shrinking drops attackers", () => {
    const invalid: string[] = [];
    const result = fc.check(
      fc.property(arbitrary, (scenario) => {
        try {
          expect(validateScenario(toScenarioDocument(scenario), "fuzz.json")).toEqual(scenario);
        } catch (error) {
          invalid.push(String(error).slice(0, 300));
        }
        return (scenario.attackers?.length ?? 0) < 2; // fails often, so the shrink path is walked too
      }),
      { seed: 3, numRuns: 200 },
    );
    expect(invalid).toEqual([]);
    expect(result.failed).toBe(true);
    expect(result.counterexample![0].attackers).toHaveLength(2);
    expect(result.numShrinks).toBeGreaterThan(0);
  });
});
