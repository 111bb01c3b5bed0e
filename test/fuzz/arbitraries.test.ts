/**
 * The arbitraries produce scenarios the scenario language accepts, unchanged, at every size and at
 * every shrink step (shrinking must never yield an invalid scenario), and they use every fault kind.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ALL_FAULT_KINDS } from "../../lab/fuzz/faults.ts";
import { scenarioArbitrary } from "../../lab/fuzz/scenario-arbitrary.ts";
import { validateScenario } from "../../lab/scenario/parse.ts";
import { toScenarioDocument } from "../../lab/scenario/to-document.ts";
import type { Scenario } from "../../lab/scenario/types.ts";
import type { RunRecord } from "../../lab/record.ts";
import { fuzz } from "../../lab/fuzz/explore.ts";

function fakeRecord(scenario: Scenario): RunRecord {
  return {
    scenario: scenario.name, seed: scenario.seed, mode: "sim", passed: true, traceHash: null, virtualMs: 0, wallMs: 0,
    invariants: [], failureFile: null,
    metrics: { edits: 0, deliveries: 0, crossServerMessages: 0, queuedMax: 0, dropped: 0, snapshotRequests: 0, snapshotFallbacks: 0, reconnects: 0, convergenceMs: 0 },
  };
}

const roundTrip = (s: Scenario) => validateScenario(JSON.parse(JSON.stringify(toScenarioDocument(s))), "fuzz.json");

describe("scenarioArbitrary", () => {
  test.prop([scenarioArbitrary()], { numRuns: 300 })("every generated scenario is valid and round-trips through its file form", (scenario) => {
    expect(roundTrip(scenario)).toEqual(scenario);
  });

  it("stays valid at every step fast-check's shrinker tries", async () => {
    const invalid: string[] = [];
    let tried = 0;
    // A stand-in "bug" needing two faults and two servers, so shrinking walks a long way.
    const result = await fuzz({
      seed: 8,
      runs: 100,
      run: async (scenario) => {
        tried++;
        try {
          expect(roundTrip(scenario)).toEqual(scenario);
        } catch (error) {
          invalid.push(String(error));
        }
        const failed = scenario.faults.length >= 2 && scenario.topology.servers >= 2;
        return { ...fakeRecord(scenario), passed: !failed };
      },
    });
    expect(invalid).toEqual([]);
    expect(result.failure?.shrinkRuns).toBeGreaterThan(20);
    expect(tried).toBeGreaterThan(20);
  });

  it("draws every fault kind and overlapping faults", () => {
    const samples = fc.sample(scenarioArbitrary(), { seed: 1, numRuns: 300 });
    const kinds = new Set(samples.flatMap((s) => s.faults.map((f) => f.kind)));
    expect([...kinds].sort()).toEqual([...ALL_FAULT_KINDS].sort());
    const overlapping = samples.filter((s) => s.faults.some((a, i) => s.faults.some((b, j) => i < j && "forMs" in a && b.atMs < a.atMs + a.forMs)));
    expect(overlapping.length).toBeGreaterThan(30);
    expect(new Set(samples.map((s) => JSON.stringify(s.relay))).size).toBeGreaterThan(200);
  });

  it("respects the bounds it is given", () => {
    for (const s of fc.sample(scenarioArbitrary({ maxServers: 2, maxClients: 3, maxDocs: 1, maxFaults: 2, faultKinds: ["crash"], randomizeRelay: false, maxAttackers: 0 }), { seed: 2, numRuns: 100 })) {
      expect(s.topology.servers).toBeLessThanOrEqual(2);
      expect(s.topology.clients).toBeLessThanOrEqual(3);
      expect(s.topology.docs).toBe(1);
      expect(s.faults.length).toBeLessThanOrEqual(2);
      expect(s.faults.every((f) => f.kind === "crash")).toBe(true);
      expect(s.relay).toEqual({});
    }
  });
});
