import { describe, expect, it } from "vitest";
import { encodeRouted } from "../../relay/bus/routed.ts";
import { CloseCode } from "../../relay/protocol/messages.ts";
import { settle } from "./fakes.ts";
import { Cluster, send, update } from "./relay-harness.ts";

const ask = (requestId: string, stateVector?: string) => ({ type: "SNAPSHOT_REQUEST", payload: { requestId, stateVector } });

describe("snapshot flow", () => {
  it("asks a local client that holds state and hands its bytes to the requester only", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1");
    const [holder, bystander] = [await cluster.connect(relay), await cluster.connect(relay)];
    send(relay, holder.ws, update("AAAA"));
    const requester = await cluster.connect(relay);
    send(relay, requester.ws, ask("mine-1", "SV=="));
    const [toSource] = holder.ws.ofType("SNAPSHOT_REQUEST");
    expect(toSource!.payload.stateVector).toBe("SV==");
    send(relay, holder.ws, { type: "SNAPSHOT_RESPONSE", payload: { requestId: toSource!.payload.requestId, update: "U05MWQ==", stateVector: "HSV" } });
    expect(requester.ws.ofType("SNAPSHOT_RESPONSE").map((f) => f.payload)).toEqual([
      { requestId: "mine-1", update: "U05MWQ==", stateVector: "HSV", source: holder.id },
    ]);
    expect(bystander.ws.ofType("SNAPSHOT_RESPONSE")).toEqual([]);
    expect(holder.ws.ofType("SNAPSHOT_RESPONSE")).toEqual([]);
  });

  it("answers update:null at once when nobody anywhere holds the doc", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1");
    const requester = await cluster.connect(relay);
    send(relay, requester.ws, ask("r1"));
    await settle();
    expect(requester.ws.ofType("SNAPSHOT_RESPONSE").map((f) => f.payload)).toEqual([{ requestId: "r1", update: null, source: "none" }]);
    expect(relay.stats()).toMatchObject({ snapshotRequests: 1, snapshotFallbacks: 1 });
  });

  it("gets the doc from a client on another server through the bus", async () => {
    const cluster = new Cluster();
    const [s1, s2] = [cluster.relay("s1"), cluster.relay("s2")];
    const holder = await cluster.connect(s1);
    send(s1, holder.ws, update("AAAA"));
    const requester = await cluster.connect(s2);
    send(s2, requester.ws, ask("r2"));
    await settle();
    const [toSource] = holder.ws.ofType("SNAPSHOT_REQUEST");
    send(s1, holder.ws, { type: "SNAPSHOT_RESPONSE", payload: { requestId: toSource!.payload.requestId, update: "REMOTE" } });
    await settle();
    expect(requester.ws.ofType("SNAPSHOT_RESPONSE").map((f) => f.payload)).toEqual([{ requestId: "r2", update: "REMOTE", source: holder.id }]);
  });

  it("falls back as soon as every other server says it has no source", async () => {
    const cluster = new Cluster();
    const [s1, s2] = [cluster.relay("s1"), cluster.relay("s2")];
    await cluster.connect(s1); // a client without state
    const requester = await cluster.connect(s2);
    send(s2, requester.ws, ask("r3"));
    await settle();
    expect(requester.ws.ofType("SNAPSHOT_RESPONSE").map((f) => f.payload)).toEqual([{ requestId: "r3", update: null, source: "none" }]);
  });

  it("answers update:null after the timeout when the source never answers", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1", { snapshotTimeoutMs: 2000 });
    const holder = await cluster.connect(relay);
    send(relay, holder.ws, update("AAAA"));
    const requester = await cluster.connect(relay);
    send(relay, requester.ws, ask("r4"));
    await cluster.clock.advance(1999);
    expect(requester.ws.ofType("SNAPSHOT_RESPONSE")).toEqual([]);
    await cluster.clock.advance(1);
    expect(requester.ws.ofType("SNAPSHOT_RESPONSE").map((f) => f.payload)).toEqual([{ requestId: "r4", update: null, source: "none" }]);
    expect(cluster.events.get("s1")!.some((e) => e.type === "snapshot-fallback")).toBe(true);
  });

  it("tries another source when the chosen one disconnects before answering", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1");
    const [first, second] = [await cluster.connect(relay), await cluster.connect(relay)];
    send(relay, first.ws, update("AA"));
    send(relay, second.ws, update("AB"));
    const requester = await cluster.connect(relay);
    send(relay, requester.ws, ask("r5"));
    expect(first.ws.ofType("SNAPSHOT_REQUEST")).toHaveLength(1);
    relay.handleDisconnection(first.ws);
    const [toSecond] = second.ws.ofType("SNAPSHOT_REQUEST");
    send(relay, second.ws, { type: "SNAPSHOT_RESPONSE", payload: { requestId: toSecond!.payload.requestId, update: "SECOND" } });
    expect(requester.ws.ofType("SNAPSHOT_RESPONSE").map((f) => f.payload.update)).toEqual(["SECOND"]);
  });
});

describe("presence across servers", () => {
  it("reports LEAVE server-timeout for every client of a server whose rosters stop", async () => {
    const cluster = new Cluster();
    const config = { heartbeatIntervalMs: 1000, presenceTimeoutMs: 3000 };
    const [s1, s2] = [cluster.relay("s1", config), cluster.relay("s2", config)];
    const watcher = await cluster.connect(s1);
    const [g1, g2] = [await cluster.connect(s2), await cluster.connect(s2)];
    await cluster.clock.advance(5000);
    expect(watcher.ws.ofType("LEAVE")).toEqual([]); // alive: rosters keep arriving
    await (s2 as unknown as { bus: { disconnect(): Promise<void> } }).bus.disconnect(); // s2 "crashes": silent from now on
    await cluster.clock.advance(4000);
    const leaves = watcher.ws.ofType("LEAVE").map((f) => [f.payload.senderId, f.payload.reason]);
    expect(leaves.sort()).toEqual([[g1.id, "server-timeout"], [g2.id, "server-timeout"]]);
  });

  it("synthesizes LEAVE when a client vanishes from its server's roster", async () => {
    const cluster = new Cluster();
    const [s1, s2] = [cluster.relay("s1"), cluster.relay("s2")];
    const watcher = await cluster.connect(s1);
    const ghost = await cluster.connect(s2);
    // The routed LEAVE is lost (at-most-once): only the roster can tell.
    const bus = (s2 as unknown as { bus: { publish: (...a: unknown[]) => void } }).bus;
    const realPublish = bus.publish.bind(bus);
    bus.publish = (channel, message, options) => (String(message).includes('"LEAVE"') ? undefined : realPublish(channel, message, options));
    s2.handleDisconnection(ghost.ws);
    await settle();
    expect(watcher.ws.ofType("LEAVE")).toEqual([]);
    await cluster.connect(s2); // keeps s2 publishing rosters for the doc
    await cluster.clock.advance(2100);
    expect(watcher.ws.ofType("LEAVE").map((f) => f.payload.senderId)).toEqual([ghost.id]);
  });
});

describe("abuse and slow clients", () => {
  it("rate-limits with retryAfterMs, routes nothing over budget, and closes on sustained abuse", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1", { rateLimitBurstMessages: 5, rateLimitMessagesPerSecond: 10, rateLimitCloseAfterViolations: 3 });
    const [a, b] = [await cluster.connect(relay), await cluster.connect(relay)];
    for (let i = 0; i < 7; i++) send(relay, a.ws, update(`U${i}`));
    expect(b.ws.ofType("CRDT_UPDATE")).toHaveLength(5);
    const errors = a.ws.ofType("ERROR");
    expect(errors.map((f) => f.payload.code)).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
    expect(errors[0]!.payload.retryAfterMs).toBeGreaterThan(0);
    expect(a.ws.closed).toBeNull();
    await cluster.clock.advance(200); // two tokens back
    send(relay, a.ws, update("later"));
    expect(b.ws.ofType("CRDT_UPDATE")).toHaveLength(6);
    for (let i = 0; i < 6; i++) send(relay, a.ws, update(`V${i}`));
    expect(a.ws.closed?.code).toBe(CloseCode.POLICY);
    expect(relay.stats().rateLimited).toBeGreaterThanOrEqual(3);
  });

  it("drops a client whose socket buffer is over the bound, and tells the others", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1", { maxBufferedBytes: 1000 });
    const [a, slow] = [await cluster.connect(relay), await cluster.connect(relay)];
    slow.ws.bufferedAmount = 5000;
    send(relay, a.ws, update("AA"));
    expect(slow.ws.closed?.code).toBe(CloseCode.SLOW_CONSUMER);
    expect(a.ws.ofType("LEAVE").map((f) => f.payload.senderId)).toEqual([slow.id]);
    expect(relay.stats()).toMatchObject({ slowConsumers: 1, activeConnections: 1 });
  });

  it("treats a socket whose send throws as gone", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1");
    const [a, broken] = [await cluster.connect(relay), await cluster.connect(relay)];
    broken.ws.throwOnSend = true;
    send(relay, a.ws, update("AA"));
    expect(a.ws.ofType("LEAVE").map((f) => f.payload.senderId)).toEqual([broken.id]);
  });
});

describe("cluster secret", () => {
  it("delivers signed routed messages and drops unsigned or wrongly signed ones", async () => {
    const cluster = new Cluster();
    const config = { clusterSecret: "s3cret" };
    const [s1, s2] = [cluster.relay("s1", config), cluster.relay("s2", config)];
    const a = await cluster.connect(s1);
    const b = await cluster.connect(s2);
    await cluster.clock.advance(100); // signed relays exchange nonces (replay floors) before they trust each other
    send(s1, a.ws, update("SIGNED"));
    await settle();
    expect(b.ws.ofType("CRDT_UPDATE").map((f) => f.payload.update)).toEqual(["SIGNED"]);
    const forged = { v: 1, type: "CRDT_UPDATE", docId: "doc-1", senderId: "evil", messageId: "f1", sourceServerId: "x", ts: 1, payload: { update: "EVIL" } };
    cluster.hub.publish("lfcc:doc:doc-1", JSON.stringify(forged));
    cluster.hub.publish("lfcc:doc:doc-1", encodeRouted({ ...forged, messageId: "f2" }, "wrong-secret", "lfcc:doc:doc-1"));
    cluster.hub.publish("lfcc:doc:doc-1", "garbage{");
    await settle();
    expect(b.ws.ofType("CRDT_UPDATE").map((f) => f.payload.update)).toEqual(["SIGNED"]);
    expect(s2.stats().forgedDropped).toBe(2);
    expect(s2.stats().malformedDropped).toBe(1);
  });
});

describe("graceful shutdown", () => {
  it("closes its sockets with 1001 and peers hear LEAVE for them", async () => {
    const cluster = new Cluster();
    const [s1, s2] = [cluster.relay("s1"), cluster.relay("s2")];
    const watcher = await cluster.connect(s1);
    const leaving = await cluster.connect(s2);
    await s2.shutdown();
    await settle();
    expect(leaving.ws.closed?.code).toBe(CloseCode.GOING_AWAY);
    expect(watcher.ws.ofType("LEAVE").map((f) => [f.payload.senderId, f.payload.reason])).toEqual([[leaving.id, "server-shutdown"]]);
  });
});
