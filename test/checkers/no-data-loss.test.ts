import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { checkNoDataLoss } from "../../lab/checkers/index.ts";
import { observations, scenario, session, TestWorld } from "./world.ts";

const EXPECT = { noDataLoss: true, converge: { withinMs: 5_000 } };

function threeClients(): TestWorld {
  const world = new TestWorld();
  world.client("c1", 101);
  world.client("c2", 102);
  world.client("c3", 103);
  return world;
}

describe("noDataLoss", () => {
  it("passes when every live replica holds every edit (inserts, deletions, map sets)", () => {
    const world = threeClients();
    const [c1, c2, c3] = world.clients as [ReturnType<TestWorld["client"]>, ReturnType<TestWorld["client"]>, ReturnType<TestWorld["client"]>];
    world.insert(c1, 1_000, "abc");
    world.syncAll();
    world.edit(c2, 2_000, (doc) => doc.getText("text").delete(1, 1));
    world.edit(c3, 2_500, (doc) => doc.getMap("map").set("k", "v"));
    world.syncAll();
    const result = checkNoDataLoss(scenario(EXPECT), observations({ edits: world.edits, finalReplicas: world.finals() }));
    expect(result).toEqual({ name: "noDataLoss", passed: true, detail: "all 3 promised edits in all 3 live replicas" });
  });

  it("fails when an edit reached nobody else, even though all replicas agree with each other", () => {
    const world = threeClients();
    const [c1, c2] = world.clients;
    world.insert(c1!, 1_000, "abc");
    world.syncAll();
    const beforeLoss = Y.encodeStateAsUpdate(c1!.doc);
    world.insert(c2!, 3_000, "lost");
    // A relay bug that loses c2's edit everywhere, c2's own replica included (say a bad snapshot
    // fallback replaced its state): replicas agree with each other, so converge cannot see it.
    const finals = world.finals().map((replica) => ({ ...replica, state: beforeLoss }));
    const result = checkNoDataLoss(scenario(EXPECT), observations({ edits: world.edits, finalReplicas: finals }));
    expect(result.passed).toBe(false);
    expect(result.detail).toMatch(/^c1 \(d1\) lacks 1 edit of c2 \(clientID 102\) clocks 0\.\.3 made at 3s; c2 \(d1\) lacks/);
  });

  it("fails on a missing deletion and says it was deletions only", () => {
    const world = threeClients();
    const [c1, c2, c3] = world.clients;
    world.insert(c1!, 1_000, "abcdef");
    world.syncAll();
    world.edit(c2!, 2_000, (doc) => doc.getText("text").delete(0, 2));
    world.sync(c2!, c1!); // c3 never gets the deletion
    const result = checkNoDataLoss(scenario(EXPECT), observations({ edits: world.edits, finalReplicas: world.finals() }));
    expect(result.passed).toBe(false);
    expect(result.detail).toBe("c3 (d1) lacks 1 edit of c2 deletions only made at 2s");
    expect(c3!.doc.getText("text").toString()).toBe("abcdef");
  });

  describe("edits of clients that left", () => {
    function departedAuthor(sessionEndMs: number | null): { world: TestWorld; leftAtMs: number } {
      const world = threeClients();
      const [c1, , c3] = world.clients;
      world.insert(c1!, 1_000, "shared");
      world.syncAll();
      world.insert(c3!, 4_000, "undelivered"); // never synced to anyone
      return { world, leftAtMs: sessionEndMs ?? 4_500 };
    }

    it("does not promise an edit still in flight when its author left", () => {
      const { world, leftAtMs } = departedAuthor(4_500);
      const sessions = [session("c1", "a", 0, null), session("c2", "b", 0, null), session("c3", "c", 0, leftAtMs, { endReason: "leave" })];
      const obs = observations({ edits: world.edits, sessions, finalReplicas: world.finals(["c3"]) });
      const result = checkNoDataLoss(scenario(EXPECT), obs);
      expect(result).toEqual({ name: "noDataLoss", passed: true, detail: "all 1 promised edits in all 2 live replicas; 1 edits of departed clients not promised" });
    });

    it("promises it when its author stayed connected, fault-free, for the grace time after it", () => {
      const sessions = [session("c1", "a", 0, null), session("c2", "b", 0, null), session("c3", "c", 0, 9_500, { endReason: "leave" })];
      const { world } = departedAuthor(9_500);
      const obs = observations({ edits: world.edits, sessions, finalReplicas: world.finals(["c3"]) });
      const result = checkNoDataLoss(scenario(EXPECT), obs);
      expect(result.passed).toBe(false);
      expect(result.detail).toMatch(/^c1 \(d1\) lacks 1 edit of c3 \(clientID 103\) clocks 0\.\.10 made at 4s/);
    });

    it("does not promise it when a fault was acting during that window", () => {
      const sessions = [session("c1", "a", 0, null), session("c2", "b", 0, null), session("c3", "c", 0, 9_500, { endReason: "leave" })];
      const { world } = departedAuthor(9_500);
      const obs = observations({ edits: world.edits, sessions, finalReplicas: world.finals(["c3"]) });
      const outage = scenario(EXPECT, [{ atMs: 3_000, kind: "redisOutage", forMs: 2_000 }]);
      expect(checkNoDataLoss(outage, obs).passed).toBe(true);
    });

    it("promises it once any live replica holds it", () => {
      const { world } = departedAuthor(4_500);
      const [, c2, c3] = world.clients;
      world.sync(c3!, c2!); // c2 got it, c1 did not
      const sessions = [session("c3", "c", 0, 4_500, { endReason: "leave" })];
      const result = checkNoDataLoss(scenario(EXPECT), observations({ edits: world.edits, sessions, finalReplicas: world.finals(["c3"]) }));
      expect(result.passed).toBe(false);
      expect(result.detail).toContain("c1 (d1) lacks 1 edit of c3");
    });
  });
});
