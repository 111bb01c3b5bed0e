import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { isDecodableStateVector, isDecodableYjsUpdate } from "./yjs-update-check.ts";

/** Updates with every content type Yjs writes (strings, formats, embeds, Any, binary, types, subdocs, deletions). */
function everyKindOfUpdate(clientId = 1234): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  const text = doc.getText("t");
  text.insert(0, "hello wörld 🎉");
  text.format(0, 3, { bold: true });
  text.insertEmbed(2, { img: "x" });
  doc.getMap("m").set("k", { nested: [1, 2.5, "s", null, true, { d: new Uint8Array([1, 2]) }] });
  doc.getArray("a").push([new Uint8Array([1, 2, 3]), -5, 1e100]);
  doc.getMap("m").set("sub", new Y.Map());
  doc.getMap("m").set("doc", new Y.Doc());
  doc.getXmlFragment("x").insert(0, [new Y.XmlElement("p"), new Y.XmlText("hi")]);
  text.delete(1, 3);
  return [...updates, Y.encodeStateAsUpdate(doc)];
}

describe("isDecodableYjsUpdate", () => {
  it("accepts every update Yjs writes, and state vectors as state vectors", () => {
    for (const update of everyKindOfUpdate()) expect(isDecodableYjsUpdate(update)).toBe(true);
    expect(isDecodableStateVector(Y.encodeStateVector(new Y.Doc()))).toBe(true);
  });

  // Client ids change the bytes and so what each corruption hits (random ids once found a
  // ContentDoc whose options decoded to null, which Yjs dereferences).
  it.each([1234, 98_765_432, 2_147_483_000])("is sound: whatever it accepts among 8,000 corrupted updates (client %i), Y.decodeUpdate reads", (clientId) => {
    const updates = everyKindOfUpdate(clientId);
    let accepted = 0;
    for (let i = 0; i < 8_000; i++) {
      const corrupt = updates[i % updates.length]!.slice();
      for (let k = 0; k <= i % 3; k++) corrupt[(i * 7919 + k * 104729) % corrupt.length] = (i * 31 + k * 17) & 0xff;
      const bytes = i % 5 === 0 ? corrupt.subarray(0, corrupt.length - (i % 7)) : corrupt;
      if (!isDecodableYjsUpdate(bytes)) continue;
      accepted++;
      expect(() => Y.decodeUpdate(bytes)).not.toThrow();
    }
    expect(accepted).toBeGreaterThan(400); // it is not simply refusing everything
  });
});
