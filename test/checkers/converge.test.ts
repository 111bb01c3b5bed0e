import { describe, expect, it } from "vitest";
import { checkConverge, convergenceMs } from "../../lab/checkers/index.ts";
import type { ReplicaSample } from "../../lab/observations.ts";
import { observations, TestWorld } from "./world.ts";

const QUIESCENCE_MS = 10_000;

function samples(times: number[], digestsAt: (t: number) => Record<string, string>): ReplicaSample[] {
  return times.map((tMs) => ({ tMs, docId: "d1", digests: digestsAt(tMs) }));
}

/** Replicas differ until `healedAtMs`, then all agree. */
function healingSamples(healedAtMs: number): ReplicaSample[] {
  const times = [9_000, 10_000, 10_500, 11_800, 14_000, 22_000, 29_000];
  return samples(times, (t) => (t < healedAtMs ? { c1: "a", c2: "b", c3: "a" } : { c1: "z", c2: "z", c3: "z" }));
}

function convergedWorld(): TestWorld {
  const world = new TestWorld();
  const [c1, c2, c3] = [world.client("c1", 101), world.client("c2", 102), world.client("c3", 103)];
  world.insert(c1, 1_000, "hello");
  world.insert(c2, 2_000, "world");
  world.edit(c3, 3_000, (doc) => doc.getMap("map").set("k", 1));
  world.syncAll();
  world.edit(c1, 4_000, (doc) => doc.getText("text").delete(0, 3));
  world.syncAll();
  return world;
}

describe("converge", () => {
  it("passes when replicas agree soon after heal and stay equal, and reports the time", () => {
    const world = convergedWorld();
    const obs = observations({ quiescenceMs: QUIESCENCE_MS, edits: world.edits, replicaSamples: healingSamples(11_800), finalReplicas: world.finals() });
    const result = checkConverge(obs, 10_000);
    expect(result).toEqual({ name: "converge", passed: true, detail: "converged 1.8s after heal" });
    expect(convergenceMs(obs)).toBe(1_800);
  });

  it("fails when a final replica misses an insert, naming the replica, author, clientID and clocks", () => {
    const world = convergedWorld();
    const [c1, , c3] = world.clients;
    world.insert(c1!, 5_000, "late");
    world.sync(c1!, world.clients[1]!); // c2 gets it, c3 never does
    const obs = observations({ edits: world.edits, replicaSamples: healingSamples(11_800), finalReplicas: world.finals() });
    const result = checkConverge(obs, 10_000);
    expect(result.passed).toBe(false);
    expect(result.detail).toContain("d1: final replicas differ, 2 distinct states {c1,c2} / {c3}");
    expect(result.detail).toMatch(/c3 lacks c1 \(clientID 101\) clocks \d+\.\.\d+/);
    expect(c3!.doc.getText("text").toString()).not.toContain("late");
    expect(convergenceMs(obs)).toBeNull();
  });

  it("fails when a replica misses only a deletion (same state vector, different delete set)", () => {
    const world = convergedWorld();
    const [c1, c2] = world.clients;
    world.edit(c2!, 5_000, (doc) => doc.getText("text").delete(0, 2));
    world.sync(c2!, world.clients[2]!);
    const obs = observations({ edits: world.edits, finalReplicas: world.finals() });
    const result = checkConverge(obs, 10_000);
    expect(result.passed).toBe(false);
    expect(result.detail).toContain("c1 lacks deletion of");
    expect(c1!.doc.getText("text").toString()).not.toBe(c2!.doc.getText("text").toString());
  });

  it("fails when replicas agree only after the allowed time", () => {
    const world = convergedWorld();
    const obs = observations({ edits: world.edits, replicaSamples: healingSamples(22_000), finalReplicas: world.finals() });
    const result = checkConverge(obs, 10_000);
    expect(result.passed).toBe(false);
    expect(result.detail).toBe("d1 converged only 12s after heal (allowed 10s; heal at 10s)");
    expect(convergenceMs(obs)).toBe(12_000);
  });

  it("does not count a moment of agreement that is followed by divergence", () => {
    const world = convergedWorld();
    const flapping = samples([10_500, 12_000, 20_000, 21_000], (t) => (t === 12_000 ? { c1: "b", c2: "a" } : { c1: "a", c2: "a" }));
    const obs = observations({ edits: world.edits, replicaSamples: flapping, finalReplicas: world.finals() });
    expect(convergenceMs(obs)).toBe(10_000);
  });

  it("ignores replicas of clients that left", () => {
    const world = convergedWorld();
    world.insert(world.clients[2]!, 6_000, "unsent");
    const obs = observations({ edits: world.edits, replicaSamples: healingSamples(11_800), finalReplicas: world.finals(["c3"]) });
    expect(checkConverge(obs, 10_000).passed).toBe(true);
  });

  it("without samples after heal, only the final replicas prove convergence, at the end of the run", () => {
    const world = convergedWorld();
    const obs = observations({ quiescenceMs: 10_000, endMs: 30_000, edits: world.edits, finalReplicas: world.finals() });
    expect(convergenceMs(obs)).toBe(20_000);
    expect(checkConverge(obs, 10_000).passed).toBe(false);
    expect(checkConverge(obs, 20_000).passed).toBe(true);
  });
});
