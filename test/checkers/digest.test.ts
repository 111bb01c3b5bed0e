/** Replica digests compare content only (lab/digest.ts). */
import { expect, it } from "vitest";
import * as Y from "yjs";
import { hostileDeleteOnlyUpdate } from "../../lab/attack/frames.ts";
import { replicaDigest } from "../../lab/digest.ts";

function replicaWith(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = 1;
  doc.getText("text").insert(0, text);
  return doc;
}

it("ignores pending state that can never integrate (a hostile editor's delete of an unknown client)", () => {
  const poisoned = replicaWith("same");
  Y.applyUpdate(poisoned, Buffer.from(hostileDeleteOnlyUpdate(424242), "base64"));
  expect(poisoned.store.pendingDs).not.toBeNull();
  expect(replicaDigest(poisoned)).toBe(replicaDigest(replicaWith("same")));
});

it("still tells different content apart (what one replica lacks)", () => {
  expect(replicaDigest(replicaWith("a"))).not.toBe(replicaDigest(replicaWith("ab")));
});
