import { describe, expect, it } from "vitest";
import { runCheckers } from "../../lab/checkers/index.ts";
import { observations, scenario, TestWorld } from "./world.ts";

describe("runCheckers", () => {
  it("returns one result per expected invariant, in the fixed order", () => {
    const world = new TestWorld();
    world.insert(world.client("c1", 1), 1_000, "x");
    const obs = observations({ edits: world.edits, finalReplicas: world.finals(), endMs: 12_000 });
    const all = scenario({ noGhostPresence: { withinMs: 1_000 }, queueBound: true, noDataLoss: true, converge: { withinMs: 5_000 } });
    expect(runCheckers(all, obs).map((r) => [r.name, r.passed])).toEqual([
      ["converge", true],
      ["noDataLoss", true],
      ["queueBound", true],
      ["noGhostPresence", true],
    ]);
  });

  it("skips invariants that are absent or set to false", () => {
    const obs = observations({});
    expect(runCheckers(scenario({ noDataLoss: false, queueBound: true }), obs).map((r) => r.name)).toEqual(["queueBound"]);
    expect(runCheckers(scenario({}), obs)).toEqual([]);
  });
});
