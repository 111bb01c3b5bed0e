/**
 * The fuzzing loop with a stand-in runner (no simulator): a "bug" that needs a crash fault on a
 * multi-server cluster. Checks that exploration finds it, that shrinking removes everything that is
 * not needed, and that a seed reproduces the same exploration.
 */
import { describe, expect, it } from "vitest";
import { fuzz, type ScenarioRunner } from "../../lab/fuzz/explore.ts";
import type { RunRecord } from "../../lab/record.ts";
import type { Scenario } from "../../lab/scenario/types.ts";

function fakeRecord(scenario: Scenario, violated: string[]): RunRecord {
  return {
    scenario: scenario.name, seed: scenario.seed, mode: "sim", passed: violated.length === 0,
    traceHash: "0".repeat(64), virtualMs: scenario.durationMs, wallMs: 1,
    invariants: ["converge", "noDataLoss"].map((name) => ({ name, passed: !violated.includes(name), detail: "" })),
    metrics: { edits: 0, deliveries: 0, crossServerMessages: 0, queuedMax: 0, dropped: 0, snapshotRequests: 0, snapshotFallbacks: 0, reconnects: 0, convergenceMs: 0 },
    failureFile: null,
  };
}

/** Loses data whenever a server crashes in a cluster of two or more. */
const crashBug: ScenarioRunner = async (scenario) =>
  fakeRecord(scenario, scenario.topology.servers >= 2 && scenario.faults.some((f) => f.kind === "crash") ? ["noDataLoss"] : []);

describe("fuzz loop", () => {
  it("finds a failure and shrinks it to the smallest scenario that still fails", async () => {
    const result = await fuzz({ seed: 11, runs: 200, run: crashBug });
    const failure = result.failure!;
    expect(failure).not.toBeNull();
    expect(failure.violated).toEqual(["noDataLoss"]);
    expect(failure.scenario.faults.map((f) => f.kind)).toEqual(["crash"]);
    expect(failure.scenario.topology).toEqual({ servers: 2, docs: 1, clients: 2 });
    expect(failure.scenario.durationMs).toBe(5_000);
    expect(failure.scenario.workload.editsPerSecond).toBe(1);
    expect(failure.scenario.relay).toEqual({});
    expect(failure.shrinkSteps).toBeGreaterThan(0);
    await expect(crashBug(failure.scenario)).resolves.toMatchObject({ passed: false });
  });

  it("reports every explored run and passes when nothing fails", async () => {
    const seen: number[] = [];
    const result = await fuzz({ seed: 3, runs: 25, run: async (s) => fakeRecord(s, []), onRun: (e) => seen.push(e.index) });
    expect(result).toMatchObject({ runs: 25, failure: null });
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it("explores the same scenarios for the same seed", async () => {
    const names = async (seed: number) => {
      const seen: string[] = [];
      await fuzz({ seed, runs: 10, run: async (s) => fakeRecord(s, []), onRun: (e) => seen.push(e.scenario.name) });
      return seen;
    };
    expect(await names(5)).toEqual(await names(5));
    expect(await names(5)).not.toEqual(await names(6));
  });

  it("treats a run that throws as a failure", async () => {
    const result = await fuzz({ seed: 1, runs: 20, run: async (s) => { if (s.topology.clients > 3) throw new Error("boom"); return fakeRecord(s, []); } });
    expect(result.failure?.violated).toEqual(["run-error"]);
    expect(result.failure?.error).toContain("boom");
    expect(result.failure?.scenario.topology.clients).toBe(4);
  });
});
