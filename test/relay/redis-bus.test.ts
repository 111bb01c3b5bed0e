import { describe, expect, it } from "vitest";
import type { BusEvent } from "../../relay/bus/message-bus.ts";
import { createRedisAdapter } from "../../relay/bus/create-redis-adapter.ts";
import { encodeRouted } from "../../relay/bus/routed.ts";
import { StatelessCollabRelay } from "../../relay/relay.ts";
import { FakeSocket, ManualClock, SeededRandom, quietLogger, settle } from "./fakes.ts";
import { MockRedisServer } from "./mock-redis.ts";
import { update } from "./relay-harness.ts";

function makeBus(redis: MockRedisServer, clock: ManualClock, limits = { queueMaxMessages: 100, queueMaxBytes: 1 << 20 }) {
  const events: BusEvent[] = [];
  const bus = createRedisAdapter({ connector: redis.connector, clock, random: new SeededRandom(), logger: quietLogger, reconnectBaseMs: 100, reconnectMaxMs: 1000, ...limits });
  bus.onEvent((event) => events.push(event));
  return { bus, events };
}

const dropped = (events: BusEvent[]) => events.reduce((sum, e) => sum + (e.type === "dropped" ? e.count : 0), 0);

describe("Redis bus over the connection port (ioredis-mock)", () => {
  it("queues doc traffic while down, bounded by count, overflow dropped oldest-first and counted", async () => {
    const redis = new MockRedisServer();
    const clock = new ManualClock();
    const { bus, events } = makeBus(redis, clock, { queueMaxMessages: 3, queueMaxBytes: 1 << 20 });
    await bus.connect();
    redis.outage();
    await settle();
    expect(bus.isConnected()).toBe(false);
    for (let i = 1; i <= 5; i++) bus.publish("lfcc:doc:d", `m${i}`, { queueWhenDown: true });
    bus.publish("lfcc:presence:d", "roster", { queueWhenDown: false });
    expect(bus.queueDepth().messages).toBe(3);
    expect(dropped(events)).toBe(2);
    const queueEvents = events.filter((e) => e.type === "queue");
    expect(queueEvents).toHaveLength(5);
    expect(queueEvents.every((e) => e.type === "queue" && e.depthMessages <= e.maxMessages)).toBe(true);

    const watcher = redis.client();
    const seen: string[] = [];
    watcher.on("message", (_channel: string, message: string) => seen.push(message));
    await watcher.subscribe("lfcc:doc:d");
    redis.restore();
    await clock.advance(1000);
    await settle();
    expect(bus.isConnected()).toBe(true);
    expect(seen).toEqual(["m3", "m4", "m5"]); // in order, the oldest two dropped
    expect(bus.queueDepth().messages).toBe(0);
    expect(events.at(-1)).toEqual({ type: "bus-status", connected: true, resumed: true });
    await bus.disconnect();
  });

  it("bounds the queue by bytes too", async () => {
    const redis = new MockRedisServer();
    const { bus, events } = makeBus(redis, new ManualClock(), { queueMaxMessages: 1000, queueMaxBytes: 100 });
    await bus.connect();
    redis.outage();
    await settle();
    for (let i = 0; i < 4; i++) bus.publish("lfcc:doc:d", "x".repeat(40), { queueWhenDown: true });
    expect(bus.queueDepth()).toEqual({ messages: 2, bytes: 80 });
    expect(dropped(events)).toBe(2);
  });

  it("re-subscribes every channel after reconnecting, with capped back-off", async () => {
    const redis = new MockRedisServer();
    const clock = new ManualClock();
    const { bus } = makeBus(redis, clock);
    const received: string[] = [];
    bus.onMessage((_c, m) => received.push(m));
    await bus.connect();
    await bus.subscribe("lfcc:doc:a");
    redis.outage();
    await settle();
    await bus.subscribe("lfcc:doc:b"); // subscribed while down: remembered
    await clock.advance(5000); // several failed attempts
    expect(bus.isConnected()).toBe(false);
    redis.restore();
    await clock.advance(1000); // the back-off never exceeds reconnectMaxMs
    expect(bus.isConnected()).toBe(true);
    const publisher = redis.client();
    await publisher.publish("lfcc:doc:a", "to-a");
    await publisher.publish("lfcc:doc:b", "to-b");
    await settle();
    expect(received).toEqual(["to-a", "to-b"]);
    expect(bus.activeSubscriptions()).toBe(2);
  });
});

describe("relays over the Redis bus (ioredis-mock)", () => {
  async function twoRelays(config: object = {}) {
    const redis = new MockRedisServer();
    const clock = new ManualClock();
    const relays = ["s1", "s2"].map(
      (serverId, i) =>
        new StatelessCollabRelay({
          serverId,
          enableBatching: false,
          validateCrdtPayloads: false, // placeholder update strings
          heartbeatIntervalMs: 1000,
          presenceTimeoutMs: 3000,
          ...config,
          redisAdapter: createRedisAdapter({ connector: redis.connectorFor(serverId) }),
          ports: { clock, random: new SeededRandom(i + 1), logger: quietLogger },
        }),
    );
    const sockets = [new FakeSocket("a"), new FakeSocket("b")];
    for (const [i, relay] of relays.entries()) {
      await relay.initialize();
      await settle();
      await relay.handleConnection(sockets[i]!, "doc-1", `client-${i}`);
    }
    await settle();
    return { redis, clock, relays, sockets };
  }

  it("after a full outage both sides flush and resync their clients; peers unseen for presenceTimeoutMs left and come back", async () => {
    const { redis, clock, relays, sockets } = await twoRelays();
    const [s1, s2] = relays as [StatelessCollabRelay, StatelessCollabRelay];
    redis.outage();
    await settle();
    expect([s1.health().status, s2.health().status]).toEqual(["degraded", "degraded"]);
    s1.handleMessage(sockets[0]!, JSON.stringify(update("DURING")));
    expect(s1.stats().queuedMessages).toBe(1);
    await clock.advance(8000); // longer than presenceTimeoutMs: the other side is unreachable
    for (const [i, socket] of sockets.entries()) {
      expect(socket.ofType("LEAVE").map((f) => f.payload.senderId)).toEqual([`client-${1 - i}`]);
    }
    redis.restore();
    await clock.advance(3000);
    // Whichever server came back first may have flushed before the other re-subscribed (pub/sub
    // is at-most-once): that is why every client is told to RESYNC, on both servers.
    for (const [i, socket] of sockets.entries()) {
      expect(socket.ofType("RESYNC").length).toBeGreaterThanOrEqual(1);
      expect(socket.ofType("JOIN").map((f) => f.payload.senderId)).toContain(`client-${1 - i}`); // rosters again
    }
    expect(s1.stats()).toMatchObject({ reconnects: 1, queuedMessages: 0, redisConnected: true });
  });

  it("when one server's link drops, its queued traffic reaches the other server after reconnect", async () => {
    const { redis, clock, relays, sockets } = await twoRelays();
    const [s1, s2] = relays as [StatelessCollabRelay, StatelessCollabRelay];
    const [a, b] = sockets as [FakeSocket, FakeSocket];
    s1.handleMessage(a, JSON.stringify(update("BEFORE")));
    await settle();
    expect(b.ofType("CRDT_UPDATE").map((f) => f.payload.update)).toEqual(["BEFORE"]);

    redis.cut("s1");
    await settle();
    expect(s1.health().status).toBe("degraded");
    expect(s2.health().status).toBe("healthy");
    s1.handleMessage(a, JSON.stringify(update("DURING")));
    expect(s1.stats().queuedMessages).toBe(1);
    await clock.advance(1000);
    expect(b.ofType("CRDT_UPDATE").map((f) => f.payload.update)).toEqual(["BEFORE", "DURING"]);
    expect(a.ofType("RESYNC")).toHaveLength(1);
    expect(b.ofType("RESYNC")).toHaveLength(1); // s1 asked s2's clients too
    expect(s1.stats()).toMatchObject({ reconnects: 1, queuedMessages: 0, redisConnected: true });
  });

  it("delivers a routed message once even when Redis carries it twice", async () => {
    const { redis, relays, sockets } = await twoRelays();
    const publisher = redis.client();
    const routed = { v: 1, type: "CRDT_UPDATE", docId: "doc-1", senderId: "x", messageId: "same", sourceServerId: "s9", ts: 1, payload: { update: "DUP" } };
    await publisher.publish("lfcc:doc:doc-1", JSON.stringify(routed));
    await publisher.publish("lfcc:doc:doc-1", JSON.stringify(routed));
    await settle();
    expect(sockets[1]!.ofType("CRDT_UPDATE").map((f) => f.payload.update)).toEqual(["DUP"]);
    expect(relays[1]!.stats().duplicatesDropped).toBe(1);
  });

  it("with a cluster secret accepts signed messages and drops unsigned ones", async () => {
    const { redis, clock, relays, sockets } = await twoRelays({ clusterSecret: "k" });
    await clock.advance(100); // signed relays exchange nonces (replay floors) before they trust each other
    const publisher = redis.client();
    // As if s1 published it (a message of a server that never proved its clock would wait, then drop).
    const base = { v: 1, type: "CRDT_UPDATE", docId: "doc-1", senderId: "x", sourceServerId: "s1", ts: clock.now() };
    await publisher.publish("lfcc:doc:doc-1", encodeRouted({ ...base, messageId: "ok", payload: { update: "GOOD" } }, "k", "lfcc:doc:doc-1"));
    await publisher.publish("lfcc:doc:doc-1", JSON.stringify({ ...base, messageId: "bad", payload: { update: "BAD" } }));
    await settle();
    expect(sockets[1]!.ofType("CRDT_UPDATE").map((f) => f.payload.update)).toEqual(["GOOD"]);
    expect(relays[1]!.stats().forgedDropped).toBe(1);
  });
});
