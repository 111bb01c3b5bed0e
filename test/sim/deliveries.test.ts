/**
 * lab/deliveries.ts on hand-built Y.Docs: the state-vector bookkeeping both the simulator and
 * `lfcc chaos` use to count deliveries and their latency.
 */
import { describe, expect, test } from "vitest";
import * as Y from "yjs";
import { DeliveryTracker, quantile } from "../../lab/deliveries.ts";

const REMOTE = "remote";

/** Two replicas of one doc whose updates are carried by hand, on a clock the test sets. */
function pair() {
  let now = 0;
  const tracker = new DeliveryTracker(() => now);
  const docs = { a: new Y.Doc(), b: new Y.Doc() };
  docs.a.clientID = 1;
  docs.b.clientID = 2;
  for (const [name, doc] of Object.entries(docs)) {
    tracker.addReplica(name, "doc", doc.clientID);
    doc.on("update", (_update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) tracker.remoteApplied(name, "doc", doc);
      else tracker.localEdit(doc);
    });
  }
  const carry = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), REMOTE);
  return { tracker, docs, carry, at: (ms: number) => (now = ms) };
}

describe("DeliveryTracker", () => {
  test("an edit applied at another replica later is one delivery with latency = apply time - edit time", () => {
    const { tracker, docs, carry, at } = pair();
    at(100);
    docs.a.getText("t").insert(0, "hello");
    at(175);
    carry(docs.a, docs.b);
    expect(tracker.count).toBe(1);
    expect(tracker.takeWindow()).toEqual({ p50: 75, p90: 75, p99: 75, max: 75, count: 1 });
    // The window restarts empty, and applying the same state again delivers nothing new.
    carry(docs.a, docs.b);
    expect(tracker.count).toBe(1);
    expect(tracker.takeWindow()).toEqual({ p50: 0, p90: 0, p99: 0, max: 0, count: 0 });
  });

  test("several edits arriving in one update are each delivered, each with its own latency", () => {
    const { tracker, docs, carry, at } = pair();
    at(0);
    docs.a.getText("t").insert(0, "x");
    at(40);
    docs.a.getText("t").insert(1, "y");
    at(100);
    carry(docs.a, docs.b);
    expect(tracker.count).toBe(2);
    expect(tracker.takeWindow()).toMatchObject({ p50: 60, max: 100 });
  });

  test("a delete-only edit advances no clock, so it is not counted as a delivery", () => {
    const { tracker, docs, carry, at } = pair();
    docs.a.getText("t").insert(0, "abc");
    carry(docs.a, docs.b);
    expect(tracker.count).toBe(1);
    at(50);
    docs.a.getText("t").delete(0, 2);
    at(90);
    carry(docs.a, docs.b);
    expect(docs.b.getText("t").toString()).toBe("c");
    expect(tracker.count).toBe(1);
  });

  test("a replica added later is not owed the edits made before it existed", () => {
    const { tracker, docs, carry } = pair();
    docs.a.getText("t").insert(0, "early");
    const late = new Y.Doc();
    late.clientID = 3;
    tracker.addReplica("late", "doc", late.clientID);
    late.on("update", () => tracker.remoteApplied("late", "doc", late));
    carry(docs.a, late);
    expect(tracker.count).toBe(0);
    docs.a.getText("t").insert(0, "new");
    carry(docs.a, late);
    carry(docs.a, docs.b);
    // "new" reaches both other replicas; "early" counts only at b, which existed when it was made.
    expect(tracker.count).toBe(3);
  });
});

describe("quantile", () => {
  test("nearest rank on sorted values, 0 for none", () => {
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4);
  });
});
