import { describe, expect, it } from "vitest";
import { CloseCode } from "../../relay/protocol/messages.ts";
import { settle } from "./fakes.ts";
import { Cluster, send, update } from "./relay-harness.ts";

describe("connection lifecycle", () => {
  it("welcomes a client with its identity and peers, and tells the others it joined", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1");
    const a = await cluster.connect(relay);
    const b = await cluster.connect(relay);
    const welcome = b.ws.frames()[0]!;
    expect(welcome.type).toBe("WELCOME");
    expect(welcome.payload).toEqual({ senderId: b.id, serverId: "s1", docId: "doc-1", role: "editor", peers: [a.id] });
    expect(a.ws.ofType("JOIN").map((f) => f.payload.senderId)).toEqual([b.id]);
    expect(b.ws.ofType("JOIN")).toEqual([]);
  });

  it("refuses an invalid docId with close 1008 and keeps serving others", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1");
    const bad = await cluster.connect(relay, "bad doc id/");
    expect(bad.ws.closed?.code).toBe(CloseCode.POLICY);
    expect(bad.ws.sent).toEqual([]);
    const good = await cluster.connect(relay);
    expect(good.ws.ofType("WELCOME")).toHaveLength(1);
  });

  it("reports LEAVE to the others when a client disconnects", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1");
    const a = await cluster.connect(relay);
    const b = await cluster.connect(relay);
    relay.handleDisconnection(b.ws);
    expect(a.ws.ofType("LEAVE").map((f) => f.payload.senderId)).toEqual([b.id]);
    expect(relay.stats().activeConnections).toBe(1);
  });
});

describe("routing", () => {
  it("fans an update out to every other client, never back to the sender, with the server's senderId", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1");
    const [a, b, c] = [await cluster.connect(relay), await cluster.connect(relay), await cluster.connect(relay)];
    send(relay, a.ws, update("AAEC", { senderId: "spoofed", messageId: "m-1", docId: "doc-1" }));
    for (const peer of [b, c]) {
      const [frame] = peer.ws.ofType("CRDT_UPDATE");
      expect(frame).toMatchObject({ senderId: a.id, messageId: "m-1", docId: "doc-1", payload: { update: "AAEC" } });
      expect(typeof frame!.ts).toBe("number");
    }
    expect(a.ws.ofType("CRDT_UPDATE")).toEqual([]);
  });

  it("drops a repeated messageId from the same client", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1");
    const [a, b] = [await cluster.connect(relay), await cluster.connect(relay)];
    send(relay, a.ws, update("AA", { messageId: "dup" }));
    send(relay, a.ws, update("AA", { messageId: "dup" }));
    expect(b.ws.ofType("CRDT_UPDATE")).toHaveLength(1);
    expect(relay.stats().duplicatesDropped).toBe(1);
  });

  it("routes updates and presence across servers, with and without batching", async () => {
    for (const enableBatching of [false, true]) {
      const cluster = new Cluster();
      const [s1, s2] = [cluster.relay("s1", { enableBatching }), cluster.relay("s2", { enableBatching })];
      const a = await cluster.connect(s1);
      const b = await cluster.connect(s2);
      send(s1, a.ws, update("AQID"));
      send(s1, a.ws, { type: "PRESENCE", payload: { state: { cursor: 3 } } });
      send(s1, a.ws, update("BAUG"));
      await cluster.clock.advance(10);
      expect(b.ws.ofType("CRDT_UPDATE").map((f) => [f.senderId, f.payload.update])).toEqual([[a.id, "AQID"], [a.id, "BAUG"]]);
      expect(b.ws.ofType("PRESENCE")[0]).toMatchObject({ senderId: a.id, payload: { state: { cursor: 3 } } });
      expect(a.ws.ofType("CRDT_UPDATE")).toEqual([]);
      expect(s2.stats().remoteMessages).toBeGreaterThanOrEqual(3);
    }
  });

  it("announces remote clients: JOIN across servers and peers in WELCOME", async () => {
    const cluster = new Cluster();
    const [s1, s2] = [cluster.relay("s1"), cluster.relay("s2")];
    const a = await cluster.connect(s1);
    const b = await cluster.connect(s2);
    await settle();
    expect(a.ws.ofType("JOIN").map((f) => f.payload.senderId)).toContain(b.id);
    expect(b.ws.ofType("JOIN").map((f) => f.payload.senderId)).toContain(a.id); // learned from a's roster
    const c = await cluster.connect(s2);
    expect(c.ws.frames()[0]!.payload.peers.sort()).toEqual([a.id, b.id].sort());
    s1.handleDisconnection(a.ws);
    await settle();
    expect(b.ws.ofType("LEAVE").map((f) => f.payload.senderId)).toEqual([a.id]);
  });
});

describe("bad input", () => {
  const cases: Array<[string, string | object, string]> = [
    ["not JSON", "{nope", "BAD_MESSAGE"],
    ["not an object", "[1,2]", "BAD_MESSAGE"],
    ["unknown type", { type: "EXPLODE", payload: {} }, "BAD_MESSAGE"],
    ["missing payload", { type: "CRDT_UPDATE" }, "BAD_MESSAGE"],
    ["wrong field type", { type: "CRDT_UPDATE", payload: { update: 42 } }, "BAD_MESSAGE"],
    ["wrong docId type", { type: "CRDT_UPDATE", docId: 7, payload: { update: "AA" } }, "BAD_MESSAGE"],
    ["other doc", { type: "CRDT_UPDATE", docId: "doc-2", payload: { update: "AA" } }, "DOC_MISMATCH"],
    ["oversized", { type: "CRDT_UPDATE", payload: { update: "A".repeat(3000) } }, "TOO_LARGE"],
  ];
  for (const [name, frame, code] of cases) {
    it(`${name} -> ERROR ${code}, routed to nobody, socket stays open`, async () => {
      const cluster = new Cluster();
      const relay = cluster.relay("s1", { maxFrameBytes: 2048 });
      const [a, b] = [await cluster.connect(relay), await cluster.connect(relay)];
      b.ws.clear();
      send(relay, a.ws, frame);
      expect(a.ws.ofType("ERROR").map((f) => f.payload.code)).toEqual([code]);
      expect(b.ws.sent).toEqual([]);
      expect(a.ws.closed).toBeNull();
      send(relay, a.ws, update("AA"));
      expect(b.ws.ofType("CRDT_UPDATE")).toHaveLength(1);
    });
  }

  it("forbids a viewer to write, but lets it read", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1");
    const viewer = await cluster.connect(relay, "doc-1", "viewer");
    const editor = await cluster.connect(relay);
    send(relay, viewer.ws, update("AA"));
    send(relay, viewer.ws, { type: "SNAPSHOT_RESPONSE", payload: { requestId: "x", update: "AA" } });
    expect(viewer.ws.ofType("ERROR").map((f) => f.payload.code)).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    expect(viewer.ws.frames()[0]!.payload.role).toBe("viewer");
    send(relay, editor.ws, update("AB"));
    expect(viewer.ws.ofType("CRDT_UPDATE")).toHaveLength(1);
  });
});
