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

  it("answers a peer with the structs past its vector and only the deletions it lacks", () => {
    const ours = docWith("abcdefgh", 1);
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(ours));
    ours.getText("t").delete(0, 2); // the peer gets this deletion...
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(ours));
    ours.getText("t").delete(4, 1); // ...but not this one, nor the insert
    ours.getText("t").insert(0, "XY");
    const known = new KnownContent(ours);
    const peerDeleteSet = Y.encodeStateAsUpdate(peer, Y.encodeStateVector(peer));
    const answer = known.answerFor(Y.encodeStateVector(peer), peerDeleteSet);

    const decoded = Y.decodeUpdate(answer);
    expect(decoded.structs.length).toBeGreaterThan(0);
    expect([...decoded.ds.clients.get(1)!].map((item) => [item.clock, item.len])).toEqual([[6, 1]]);
    Y.applyUpdate(peer, answer);
    expect(peer.getText("t").toString()).toBe(ours.getText("t").toString());
    expect(known.heldBy(Y.encodeStateVector(peer), Y.encodeStateAsUpdate(peer, Y.encodeStateVector(peer)))).toBe(true);
    expect(known.heldBy(Y.encodeStateVector(new Y.Doc()), peerDeleteSet)).toBe(false);
  });

  it("answers with a well-formed update while the doc holds pending updates, and never forwards them", () => {
    const author = docWith("ab", 1);
    const ours = new Y.Doc();
    Y.applyUpdate(ours, Y.encodeStateAsUpdate(author));
    author.getText("t").insert(2, "cd"); // ours never gets this directly
    const later = new Y.Doc();
    later.clientID = 2;
    Y.applyUpdate(later, Y.encodeStateAsUpdate(author));
    later.getText("t").insert(4, "Z"); // its origin is "d", which ours lacks
    later.getText("t").delete(0, 1);
    Y.applyUpdate(ours, Y.encodeStateAsUpdate(later, Y.encodeStateVector(author)));
    expect(ours.store.pendingStructs).not.toBeNull();
    const known = new KnownContent(ours);
    const peer = new Y.Doc();
    const answer = known.answerFor(Y.encodeStateVector(peer), new Uint8Array([0, 0]));
    Y.applyUpdate(peer, answer);
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(author));
    // What ours could not apply is not passed on (PROTOCOL.md section 8: a poisoned pending update
    // must not spread through answers)...
    expect(peer.getText("t").toString()).toBe("bcd");
    expect(peer.store.pendingStructs).toBeNull();
    Y.applyUpdate(ours, Y.encodeStateAsUpdate(author));
    expect(ours.getText("t").toString()).toBe("bcdZ");
    // ...and once it could be applied, it is.
    Y.applyUpdate(peer, known.answerFor(Y.encodeStateVector(peer), new Uint8Array([0, 0])));
    expect(peer.getText("t").toString()).toBe("bcdZ");
  });
});
