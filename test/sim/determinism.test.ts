import { describe, expect, it } from "vitest";
import { runScenario } from "../../sim/index.ts";
import { scenario } from "./scenario-helper.ts";

const story = scenario({
  durationMs: 4_000,
  topology: { servers: 2, docs: 2, clients: 6 },
  faults: [
    { atMs: 1_000, kind: "crash", server: "s2", restartAfterMs: 1_000 },
    { atMs: 2_500, kind: "redisOutage", forMs: 500 },
  ],
  expect: { converge: { withinMs: 5_000 }, noDataLoss: true },
});

describe("determinism", () => {
  it("same scenario and seed twice give the same trace hash and metrics", async () => {
    const a = await runScenario(story, { seed: 11 });
    const b = await runScenario(story, { seed: 11 });
    expect(a.record.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.record.traceHash).toBe(a.record.traceHash);
    expect(b.record.metrics).toEqual(a.record.metrics);
    expect(a.record.metrics.edits).toBeGreaterThan(0);
  });

  it("different seeds give different traces", async () => {
    const a = await runScenario(story, { seed: 1 });
    const b = await runScenario(story, { seed: 2 });
    expect(a.record.traceHash).not.toBe(b.record.traceHash);
  });

  it("two runs interleaved in one process stay independent", async () => {
    const alone = await runScenario(story, { seed: 5 });
    const [x, y] = await Promise.all([runScenario(story, { seed: 5 }), runScenario(story, { seed: 6 })]);
    expect(x.record.traceHash).toBe(alone.record.traceHash);
    const aloneOther = await runScenario(story, { seed: 6 });
    expect(y.record.traceHash).toBe(aloneOther.record.traceHash);
  });

  it("keeps the full trace only when asked, and it hashes to the same value", async () => {
    const kept = await runScenario(story, { seed: 3, keepTrace: true });
    const plain = await runScenario(story, { seed: 3 });
    expect(kept.trace!.length).toBeGreaterThan(1000);
    expect(plain.trace).toBeUndefined();
    expect(kept.record.traceHash).toBe(plain.record.traceHash);
  });
});
