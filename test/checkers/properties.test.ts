/**
 * Property tests: the checkers agree with an independent formulation of the same question, on
 * random histories of edits (inserts, deletes, map sets) and random partial deliveries.
 *   noDataLoss passes  <=>  merging every edit into each live replica changes nothing
 *   converge (final)   =>   every live replica shows the same text and map
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { checkConverge, checkNoDataLoss } from "../../lab/checkers/index.ts";
import { observations, scenario, TestWorld } from "./world.ts";

type Step =
  | { kind: "insert"; client: number; at: number; text: string }
  | { kind: "delete"; client: number; at: number; len: number }
  | { kind: "set"; client: number; key: string; value: number }
  | { kind: "sync"; from: number; to: number };

const CLIENTS = 3;
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), client: fc.nat(CLIENTS - 1), at: fc.nat(20), text: fc.string({ minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant("delete" as const), client: fc.nat(CLIENTS - 1), at: fc.nat(20), len: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("set" as const), client: fc.nat(CLIENTS - 1), key: fc.constantFrom("a", "b"), value: fc.nat(9) }),
  fc.record({ kind: fc.constant("sync" as const), from: fc.nat(CLIENTS - 1), to: fc.nat(CLIENTS - 1) }),
);

function play(steps: Step[]): TestWorld {
  const world = new TestWorld();
  const clients = Array.from({ length: CLIENTS }, (_, i) => world.client(`c${i + 1}`, 100 + i));
  steps.forEach((step, i) => {
    const tMs = i * 100;
    if (step.kind === "sync") {
      if (step.from !== step.to) world.sync(clients[step.from]!, clients[step.to]!);
      return;
    }
    const client = clients[step.client]!;
    const text = client.doc.getText("text");
    if (step.kind === "insert") world.insert(client, tMs, step.text);
    if (step.kind === "delete" && text.length > 0) {
      const at = step.at % text.length;
      world.edit(client, tMs, (doc) => doc.getText("text").delete(at, Math.min(step.len, text.length - at)));
    }
    if (step.kind === "set") world.edit(client, tMs, (doc) => doc.getMap("map").set(step.key, step.value));
  });
  return world;
}

function holdsEverything(replica: Uint8Array, edits: Uint8Array[]): boolean {
  const before = new Y.Doc();
  Y.applyUpdate(before, replica);
  const after = new Y.Doc();
  Y.applyUpdate(after, Y.mergeUpdates([replica, ...edits]));
  return Y.equalSnapshots(Y.snapshot(before), Y.snapshot(after));
}

function content(doc: Y.Doc): string {
  return JSON.stringify([doc.getText("text").toString(), doc.getMap("map").toJSON()]);
}

describe("checker properties on random histories", () => {
  it("noDataLoss passes exactly when no live replica would change by receiving every edit", () => {
    const seen = new Set<boolean>();
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        const world = play(steps);
        const finals = world.finals();
        const obs = observations({ edits: world.edits, finalReplicas: finals });
        const expected = finals.every((f) => holdsEverything(f.state, world.edits.map((e) => e.update)));
        expect(checkNoDataLoss(scenario({ noDataLoss: true }), obs).passed).toBe(expected);
        seen.add(expected);
      }),
      { numRuns: 150 },
    );
    expect([...seen].sort()).toEqual([false, true]); // both verdicts were exercised
  });

  it("converge's final check passing implies identical visible content, and full sync always passes", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        const world = play(steps);
        const within = 60_000;
        const partial = checkConverge(observations({ edits: world.edits, finalReplicas: world.finals() }), within);
        if (partial.passed) expect(new Set(world.clients.map((c) => content(c.doc))).size).toBe(1);
        world.syncAll();
        world.syncAll();
        expect(checkConverge(observations({ edits: world.edits, finalReplicas: world.finals() }), within).passed).toBe(true);
        expect(checkNoDataLoss(scenario({ noDataLoss: true }), observations({ edits: world.edits, finalReplicas: world.finals() })).passed).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
