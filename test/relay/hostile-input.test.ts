/**
 * PROTOCOL.md section 8 (hostile input) on in-process relays with fake sockets: every check the
 * relay makes, each failing on the code before issue 10 was fixed. The same attacks run against
 * real `lfcc serve` processes in test/integration/hostile-input.test.ts.
 */
import { describe, expect, it } from "vitest";
import { encodeRouted } from "../../relay/bus/routed.ts";
import { canonicalJson, TooDeepError } from "../../relay/bus/signing.ts";
import { createInMemoryMessageBus } from "../../relay/bus/in-memory-bus.ts";
import type { RelayConfig } from "../../relay/config.ts";
import { StatelessCollabRelay } from "../../relay/relay.ts";
import { FRAME_ATTACKS, nestedArrays, oversizeFrame, realUpdate } from "../attacks/corpus.ts";
import { FakeSocket, quietLogger, SeededRandom, settle } from "./fakes.ts";
import { Cluster, send } from "./relay-harness.ts";

const CHECKED: Partial<RelayConfig> = { validateCrdtPayloads: true };
const payloadFrames = (ws: FakeSocket) => ws.frames().filter((f) => !["WELCOME", "JOIN", "LEAVE"].includes(f.type));

describe("the attack corpus", () => {
  it.each(FRAME_ATTACKS.map((a) => [a.name, a] as const))("%s: ERROR to the sender, counted, routed to nobody, relay alive", async (_name, attack) => {
    const cluster = new Cluster();
    // The original crash: a cluster secret (signing) and batching (a flush from a timer).
    const config = { ...CHECKED, clusterSecret: "k", enableBatching: true };
    const [s1, s2] = [cluster.relay("s1", config), cluster.relay("s2", config)];
    const attacker = await cluster.connect(s1);
    const near = await cluster.connect(s1);
    const far = await cluster.connect(s2);
    for (let i = 0; i < 2; i++) send(s1, attacker.ws, attack.frame());
    await cluster.clock.advance(50);
    expect(attacker.ws.ofType("ERROR").map((f) => f.payload.code)).toEqual([attack.code, attack.code]);
    expect(s1.stats().rejected.client[attack.reason]).toBe(2);
    expect(cluster.events.get("s1")!.filter((e) => e.type === "input-rejected")).toContainEqual({ type: "input-rejected", reason: attack.reason, source: "client" });
    expect(payloadFrames(near.ws)).toEqual([]);
    expect(payloadFrames(far.ws)).toEqual([]);
    // Still serving: an honest update flows both ways.
    send(s1, attacker.ws, { type: "CRDT_UPDATE", payload: { update: realUpdate("ok") } });
    await cluster.clock.advance(50);
    expect(payloadFrames(near.ws).map((f) => f.type)).toEqual(["CRDT_UPDATE"]);
    expect(payloadFrames(far.ws).map((f) => f.type)).toEqual(["CRDT_UPDATE"]);
  });
});

describe("depth", () => {
  it("routes 64 levels, refuses 65", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1", CHECKED);
    const a = await cluster.connect(relay);
    const b = await cluster.connect(relay);
    send(relay, a.ws, { type: "PRESENCE", payload: { state: nestedArrays(62) } }); // envelope + payload + 62
    send(relay, a.ws, { type: "PRESENCE", payload: { state: nestedArrays(63) } });
    expect(b.ws.ofType("PRESENCE")).toHaveLength(1);
    expect(a.ws.ofType("ERROR").map((f) => f.payload.code)).toEqual(["BAD_MESSAGE"]);
  });

  it("canonicalJson refuses to recurse without bound (a RangeError once ended the process)", () => {
    expect(() => canonicalJson(nestedArrays(100_000))).toThrow(TooDeepError);
    expect(() => canonicalJson(nestedArrays(100_000))).toThrow(/nests deeper than/); // not a RangeError
    expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: null })).toBe('{"a":null,"b":[1,{"c":3,"d":2}]}');
  });

  it("drops a deep message published straight to Redis before verifying it", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1", { ...CHECKED, clusterSecret: "k" });
    const b = await cluster.connect(relay);
    const head = { v: 1, type: "PRESENCE", docId: "doc-1", senderId: "x", messageId: "d1", sourceServerId: "evil", ts: cluster.clock.now() };
    // Built as text: JSON.stringify itself recurses (a value this deep overflows it).
    const deep = `${JSON.stringify(head).slice(0, -1)},"payload":{"state":${"[".repeat(50_000)}${"]".repeat(50_000)}}}`;
    cluster.hub.publish("lfcc:presence:doc-1", deep);
    await settle();
    expect(payloadFrames(b.ws)).toEqual([]);
    expect(relay.stats().rejected.redis.depth).toBe(1);
  });
});

describe("containment", () => {
  it("a batch flush that throws from its timer is counted, not thrown, and the relay carries on", async () => {
    const cluster = new Cluster();
    const bus = createInMemoryMessageBus(cluster.hub);
    const publish = bus.publish.bind(bus);
    let failPublishes = true;
    bus.publish = (...args) => {
      if (failPublishes) throw new Error("publish exploded");
      return publish(...args);
    };
    const relay = new StatelessCollabRelay({
      serverId: "s1", enableBatching: true, redisAdapter: bus,
      ports: { clock: cluster.clock, random: new SeededRandom(3), logger: quietLogger },
    });
    const a = await cluster.connect(relay);
    const b = await cluster.connect(relay);
    for (let i = 0; i < 3; i++) send(relay, a.ws, { type: "PRESENCE", payload: { state: i } });
    await cluster.clock.advance(100); // the flush timer fires and throws inside: contained
    expect(relay.stats().rejected.client["callback-error"]).toBeGreaterThanOrEqual(2);
    failPublishes = false;
    send(relay, a.ws, { type: "PRESENCE", payload: { state: "after" } });
    expect(b.ws.ofType("PRESENCE").map((f) => f.payload.state)).toEqual([0, 1, 2, "after"]);
  });
});

describe("no amplification", () => {
  it("an update addressed with `to` reaches that client only, on this server or another", async () => {
    const cluster = new Cluster();
    const [s1, s2] = [cluster.relay("s1", CHECKED), cluster.relay("s2", CHECKED)];
    const [a, b, c] = [await cluster.connect(s1), await cluster.connect(s1), await cluster.connect(s1)];
    const d = await cluster.connect(s2);
    const e = await cluster.connect(s2);
    send(s1, a.ws, { type: "CRDT_UPDATE", payload: { update: realUpdate("for b"), to: b.id } });
    send(s1, a.ws, { type: "CRDT_UPDATE", payload: { update: realUpdate("for d"), to: d.id } });
    await settle();
    expect([b, c, d, e].map((x) => x.ws.ofType("CRDT_UPDATE").length)).toEqual([1, 0, 1, 0]);
  });

  it("a source is asked once per pending request per requester; the answer carries the newest requestId", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1", CHECKED);
    const source = await cluster.connect(relay);
    const asker = await cluster.connect(relay, "doc-1", "viewer");
    send(relay, source.ws, { type: "CRDT_UPDATE", payload: { update: realUpdate("doc") } });
    for (const requestId of ["r1", "r2", "r3"]) send(relay, asker.ws, { type: "SNAPSHOT_REQUEST", payload: { requestId } });
    const asks = source.ws.ofType("SNAPSHOT_REQUEST");
    expect(asks).toHaveLength(1);
    send(relay, source.ws, { type: "SNAPSHOT_RESPONSE", payload: { requestId: asks[0]!.payload.requestId, update: realUpdate("doc") } });
    expect(asker.ws.ofType("SNAPSHOT_RESPONSE").map((f) => f.payload.requestId)).toEqual(["r3"]);
  });

  it("state requests have their own budget, smaller for viewers", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1", CHECKED);
    const editor = await cluster.connect(relay);
    const viewer = await cluster.connect(relay, "doc-1", "viewer");
    const step1 = { type: "SYNC_STEP1", payload: { stateVector: "AA==" } };
    for (let i = 0; i < 15; i++) send(relay, viewer.ws, step1);
    expect(viewer.ws.ofType("ERROR").map((f) => f.payload.code)).toEqual(Array(5).fill("RATE_LIMITED"));
    expect(editor.ws.ofType("SYNC_STEP1")).toHaveLength(10);
    expect(relay.stats().rejected.client["state-request-budget"]).toBe(5);
  });

  it("answering never spends the source's own budget", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1", { ...CHECKED, rateLimitBurstMessages: 4, rateLimitMessagesPerSecond: 0.001 });
    const source = await cluster.connect(relay);
    send(relay, source.ws, { type: "CRDT_UPDATE", payload: { update: realUpdate("doc") } });
    const askers = [];
    for (let i = 0; i < 8; i++) askers.push(await cluster.connect(relay, "doc-1", "viewer"));
    for (const [i, asker] of askers.entries()) {
      send(relay, asker.ws, { type: "SNAPSHOT_REQUEST", payload: { requestId: `r${i}` } });
      const ask = source.ws.ofType("SNAPSHOT_REQUEST").at(-1)!;
      send(relay, source.ws, { type: "SNAPSHOT_RESPONSE", payload: { requestId: ask.payload.requestId, update: realUpdate("doc") } });
      send(relay, asker.ws, { type: "SYNC_STEP1", payload: { stateVector: "AA==" } });
      send(relay, source.ws, { type: "CRDT_UPDATE", payload: { update: realUpdate("doc"), to: asker.id } });
      send(relay, source.ws, { type: "SYNC_STEP1", payload: { stateVector: "AA==", to: asker.id } });
    }
    expect(source.ws.ofType("ERROR")).toEqual([]);
    expect(askers.map((a) => a.ws.ofType("SNAPSHOT_RESPONSE").length)).toEqual(Array(8).fill(1));
    // Its own edits still spend it: an unaddressed update is its own traffic.
    for (let i = 0; i < 5; i++) send(relay, source.ws, { type: "CRDT_UPDATE", payload: { update: realUpdate("mine") } });
    expect(source.ws.ofType("ERROR").map((f) => f.payload.code)).toContain("RATE_LIMITED");
  });
});

describe("oversized frames are charged", () => {
  it("a flood ends in RATE_LIMITED and then a 1008 close", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1", {
      ...CHECKED, maxFrameBytes: 1024, rateLimitBurstBytes: 8192, rateLimitBytesPerSecond: 1024, rateLimitCloseAfterViolations: 5,
    });
    const a = await cluster.connect(relay);
    for (let i = 0; i < 20 && !a.ws.closed; i++) send(relay, a.ws, oversizeFrame(4096));
    const codes = a.ws.ofType("ERROR").map((f) => f.payload.code);
    expect(codes).toContain("TOO_LARGE");
    expect(codes).toContain("RATE_LIMITED");
    expect(a.ws.closed?.code).toBe(1008);
    expect(relay.stats().rejected.client.oversize).toBeGreaterThan(0);
  });
});

describe("replay with a cluster secret", () => {
  async function signedPair() {
    const cluster = new Cluster();
    const config = { ...CHECKED, clusterSecret: "k" };
    const [s1, s2] = [cluster.relay("s1", config), cluster.relay("s2", config)];
    const listener = await cluster.connect(s2);
    await s1.initialize();
    await cluster.clock.advance(100); // signed relays exchange nonces (replay floors) before they trust each other
    return { cluster, s1, s2, listener };
  }
  /** As if s1 published it. */
  const routed = (ts: number, messageId: string) => ({
    v: 1, type: "PRESENCE", docId: "doc-1", senderId: "c-x", messageId, sourceServerId: "s1", ts, payload: { state: messageId },
  });

  it("drops signed messages outside the freshness window, either way, and one signed for another channel", async () => {
    const { cluster, s2, listener } = await signedPair();
    const now = cluster.clock.now();
    const channel = "lfcc:presence:doc-1";
    cluster.hub.publish(channel, encodeRouted(routed(now - 31_000, "old"), "k", channel));
    cluster.hub.publish(channel, encodeRouted(routed(now + 31_000, "future"), "k", channel));
    cluster.hub.publish(channel, encodeRouted(routed(now, "elsewhere"), "k", "lfcc:doc:doc-1"));
    cluster.hub.publish(channel, encodeRouted(routed(now - 1, "fresh"), "k", channel));
    await settle();
    // Out of the window by the bound we have of s1's clock: they wait for a fresh one (our clock may
    // have jumped), drawn at the next heartbeat, and are dropped then.
    await cluster.clock.advance(3000);
    expect(listener.ws.ofType("PRESENCE").map((f) => f.payload.state)).toEqual(["fresh"]);
    expect(s2.stats().rejected.redis).toMatchObject({ stale: 1, future: 1, forged: 1 });
  });

  it("a genuine message captured off Redis and republished after 62 s is dropped", async () => {
    const { cluster, s1, s2, listener } = await signedPair();
    const speaker = await cluster.connect(s1);
    const captured: string[] = [];
    const bus = createInMemoryMessageBus(cluster.hub);
    await bus.connect();
    bus.onMessage((_channel, message) => captured.push(message));
    await bus.subscribe("lfcc:presence:doc-1");
    send(s1, speaker.ws, { type: "PRESENCE", payload: { state: "genuine" } });
    await settle();
    expect(listener.ws.ofType("PRESENCE")).toHaveLength(1);
    const presence = captured.find((m) => m.includes("genuine"))!;
    await cluster.clock.advance(62_000);
    cluster.hub.publish("lfcc:presence:doc-1", presence);
    await cluster.clock.advance(3000); // judged by a fresh bound of s1's clock (next heartbeat)
    expect(listener.ws.ofType("PRESENCE")).toHaveLength(1);
    expect(s2.stats().rejected.redis.stale).toBe(1);
  });
});

describe("process-wide buffer bound", () => {
  it("over maxBufferedBytesTotal, the largest buffers are closed with 4008 until under", async () => {
    const cluster = new Cluster();
    const relay = cluster.relay("s1", { maxBufferedBytes: 1_000_000, maxBufferedBytesTotal: 1000 });
    const speaker = await cluster.connect(relay);
    const readers = [await cluster.connect(relay), await cluster.connect(relay), await cluster.connect(relay)];
    const paused = [300, 500, 450];
    for (const [i, reader] of readers.entries()) {
      const ws = reader.ws;
      const realSend = ws.send.bind(ws);
      ws.send = (data: string) => {
        realSend(data);
        ws.bufferedAmount = paused[i]!; // a paused reader: what it was sent stays buffered
      };
    }
    send(relay, speaker.ws, { type: "PRESENCE", payload: { state: "big" } });
    expect(readers.map((r) => r.ws.closed?.code ?? null)).toEqual([null, 4008, null]);
    expect(relay.stats().rejected.client["slow-consumer-total"]).toBe(1);
  });
});
