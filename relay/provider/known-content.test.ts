import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { KnownContent } from "./known-content.ts";

function docWith(text: string, clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText("t").insert(0, text);
  return doc;
}

describe("KnownContent", () => {
  it("holds an update whose structs and deletions the doc already has", () => {
    const a = docWith("hello world", 1);
    a.getText("t").delete(0, 6);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const known = new KnownContent(b);
    expect(known.holds(Y.encodeStateAsUpdate(a))).toBe(true);
    expect(known.holds(Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))).toBe(true);
  });

  it("does not hold an update with a struct the doc lacks", () => {
    const a = docWith("hi", 1);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const known = new KnownContent(b);
    const before = Y.encodeStateVector(a);
    a.getText("t").insert(2, "!");
    expect(known.holds(Y.encodeStateAsUpdate(a, before))).toBe(false);
    expect(known.holds(Y.encodeStateAsUpdate(a))).toBe(false);
  });

  it("does not hold a deletion the doc lacks, even when it has every struct", () => {
    const a = docWith("abcdef", 1);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const known = new KnownContent(b);
    expect(known.holds(Y.encodeStateAsUpdate(a))).toBe(true);
    a.getText("t").delete(2, 2); // a delete-only change: state vectors stay equal
    const update = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
    expect(known.holds(update)).toBe(false);
    Y.applyUpdate(b, update);
    expect(b.getText("t").toString()).toBe("abef");
    expect(known.holds(update)).toBe(true); // the cached delete set was refreshed by the transaction
  });

  it("does not hold a deletion that extends past a deleted range the doc has", () => {
    const a = docWith("abcdef", 1);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    b.getText("t").delete(1, 1);
    a.getText("t").delete(1, 3);
    const known = new KnownContent(b);
    expect(known.holds(Y.encodeStateAsUpdate(a))).toBe(false);
  });

  it("skipping held updates leaves replicas converged the same way as applying them", () => {
    const a = docWith("shared text", 1);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    a.getText("t").delete(0, 7);
    b.getText("t").insert(0, ">");
    const known = new KnownContent(b);
    for (const update of [Y.encodeStateAsUpdate(a), Y.encodeStateAsUpdate(a)]) {
      if (!known.holds(update)) Y.applyUpdate(b, update);
    }
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    expect(b.getText("t").toString()).toBe(a.getText("t").toString());
    expect(b.getText("t").toString()).toBe(">text");
  });
});
