/**
 * The opt-in snapshot cache (docs/SNAPSHOT-CACHE.md) on relays over ioredis-mock: real Yjs
 * states, the real Redis bus, a manual clock. What a client sees stays an ordinary
 * SNAPSHOT_RESPONSE; what reaches the cache comes only from holders, is merged, bounded and
 * validated on the way back.
 */
import * as Y from "yjs";
import { afterEach, describe, expect, it } from "vitest";
import { createRedisAdapter } from "../../relay/bus/create-redis-adapter.ts";
import { evenSlotRanges, hashSlot, toClusterChannel } from "../../relay/bus/cluster-slots.ts";
import type { ShardedMessageBus } from "../../relay/bus/sharded-bus.ts";
import type { ClusterShard } from "../../relay/ports.ts";
import { channels } from "../../relay/protocol/messages.ts";
import { encodeCacheEntry, snapshotCacheKey } from "../../relay/core/cache-entry.ts";
import type { RelayConfig } from "../../relay/config.ts";
import type { RelayEvent } from "../../relay/events.ts";
import { StatelessCollabRelay } from "../../relay/relay.ts";
import type { Role } from "../../relay/protocol/messages.ts";
import { FakeSocket, ManualClock, SeededRandom, quietLogger, settle, type Frame } from "./fakes.ts";
import { MockRedisServer } from "./mock-redis.ts";
import { send } from "./relay-harness.ts";

const DOC = "notes";
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const EMPTY_SV = b64(Y.encodeStateVector(new Y.Doc()));

function docWith(text: string, clientId: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  doc.getText("t").insert(0, text);
  return doc;
}
const fullState = (doc: Y.Doc) => b64(Y.encodeStateAsUpdate(doc));
function textOf(update: string): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(update, "base64"));
  return doc.getText("t").toString();
}

class Setup {
  readonly redis = new MockRedisServer();
  readonly clock = new ManualClock();
  readonly events: RelayEvent[] = [];
  readonly relays: StatelessCollabRelay[] = [];
  private clients = 0;

  relay(config: Partial<RelayConfig> = {}): StatelessCollabRelay {
    const bus = createRedisAdapter({ connector: this.redis.connector });
    const relay = new StatelessCollabRelay({
      serverId: `s${this.relays.length + 1}`,
      enableBatching: false,
      enableSnapshotCache: true,
      snapshotCacheRefreshMs: 1000,
      ...config,
      redisAdapter: bus,
      ports: { clock: this.clock, random: new SeededRandom(this.relays.length + 3), logger: quietLogger },
      onEvent: (event) => this.events.push(event),
    });
    this.relays.push(relay);
    return relay;
  }

  async connect(relay: StatelessCollabRelay, role: Role = "editor"): Promise<FakeSocket> {
    const ws = new FakeSocket(`c${++this.clients}`);
    await relay.handleConnection(ws, DOC, ws.name, { role });
    await settle();
    return ws;
  }

  /** A holder: it sent its full state as an edit. */
  async holder(relay: StatelessCollabRelay, doc: Y.Doc): Promise<FakeSocket> {
    const ws = await this.connect(relay);
    send(relay, ws, { type: "CRDT_UPDATE", payload: { update: fullState(doc) } });
    await settle();
    return ws;
  }

  /** Answers the relay's refresh request (no state vector: the full state) with `update`. */
  async answerRefresh(relay: StatelessCollabRelay, ws: FakeSocket, update: string): Promise<void> {
    await this.clock.advance(1000);
    const request = ws.ofType("SNAPSHOT_REQUEST").at(-1);
    expect(request, "the relay asked the holder for its state").toBeDefined();
    expect(request!.payload.stateVector).toBeUndefined();
    send(relay, ws, { type: "SNAPSHOT_RESPONSE", payload: { requestId: request!.payload.requestId, update } });
    await settle();
  }

  /** A newcomer's snapshot request, as the provider sends it (empty state vector), and its answer. */
  async newcomerSnapshot(relay: StatelessCollabRelay): Promise<Frame> {
    const ws = await this.connect(relay);
    send(relay, ws, { type: "SNAPSHOT_REQUEST", payload: { requestId: "mine-1", stateVector: EMPTY_SV } });
    await settle();
    await this.clock.advance(600); // past the cache read bound (500 ms) at most
    const answer = ws.ofType("SNAPSHOT_RESPONSE");
    expect(answer).toHaveLength(1);
    return answer[0]!;
  }

  async rawGet(docId = DOC): Promise<string | null> {
    return this.redis.client().get(snapshotCacheKey(docId));
  }

  cacheEvents(result?: string): RelayEvent[] {
    return this.events.filter((e) => e.type === "snapshot-cache" && (result === undefined || e.result === result));
  }

  async close(): Promise<void> {
    for (const relay of this.relays) await relay.shutdown();
  }
}

let setup: Setup;
afterEach(async () => setup?.close());

describe("snapshot cache on the relay (ioredis-mock)", () => {
  it("after every holder left, a newcomer's request is answered from the cache as an ordinary SNAPSHOT_RESPONSE", async () => {
    setup = new Setup();
    const relay = setup.relay();
    const honest = docWith("hello", 1);
    const ws = await setup.holder(relay, honest);
    await setup.answerRefresh(relay, ws, fullState(honest));
    expect(setup.cacheEvents("written")).toHaveLength(1);
    relay.handleDisconnection(ws);
    await settle();

    const answer = await setup.newcomerSnapshot(relay);
    expect(answer.payload).toEqual({ requestId: "mine-1", update: expect.any(String), source: "cache" });
    expect(textOf(answer.payload.update as string)).toBe("hello");
    expect(relay.stats()).toMatchObject({ snapshotCacheHits: 1, snapshotCacheWrites: 1, snapshotFallbacks: 0, snapshotCacheErrors: 0 });
  });

  it("keeps no timer for a document once its last local client left", async () => {
    setup = new Setup();
    const relay = setup.relay();
    await setup.connect(relay).then((ws) => relay.handleDisconnection(ws)); // start-up timers settle
    await settle();
    const baseline = setup.clock.pendingTimers;
    const ws = await setup.holder(relay, docWith("x", 1));
    await setup.answerRefresh(relay, ws, fullState(docWith("x", 1))); // written: renewal armed at TTL/2
    expect(setup.clock.pendingTimers).toBeGreaterThan(baseline);
    relay.handleDisconnection(ws);
    await settle();
    expect(setup.clock.pendingTimers).toBe(baseline);
  });

  it("stores one signed-or-plain JSON entry per document at lfcc:snapshot:{docId} with the configured TTL", async () => {
    setup = new Setup();
    const relay = setup.relay({ snapshotCacheTtlMs: 60_000 });
    const ws = await setup.holder(relay, docWith("x", 1));
    await setup.answerRefresh(relay, ws, fullState(docWith("x", 1)));
    const entry = JSON.parse((await setup.rawGet())!) as Record<string, unknown>;
    expect(entry).toMatchObject({ v: 1, docId: DOC, update: expect.any(String) });
    expect(entry.sig).toBeUndefined();
    const pttl = await setup.redis.client().pttl(snapshotCacheKey(DOC));
    expect(pttl).toBeGreaterThan(50_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
  });

  it("is off by default: the same story ends in update:null, source none, and Redis holds no key", async () => {
    setup = new Setup();
    const relay = setup.relay({ enableSnapshotCache: false });
    const ws = await setup.holder(relay, docWith("hello", 1));
    await setup.clock.advance(5000);
    expect(ws.ofType("SNAPSHOT_REQUEST")).toHaveLength(0); // no refresh requests either
    relay.handleDisconnection(ws);
    await settle();
    const answer = await setup.newcomerSnapshot(relay);
    expect(answer.payload).toEqual({ requestId: "mine-1", update: null, source: "none" });
    expect(await setup.rawGet()).toBeNull();
  });

  it("merges: a holder answering with an empty or partial state cannot take content out of the entry", async () => {
    setup = new Setup();
    const relay = setup.relay();
    const honestWs = await setup.holder(relay, docWith("honest", 1));
    await setup.answerRefresh(relay, honestWs, fullState(docWith("honest", 1)));
    relay.handleDisconnection(honestWs);
    await settle();
    const hostile = await setup.holder(relay, docWith("mine", 2));
    await setup.answerRefresh(relay, hostile, b64(Y.encodeStateAsUpdate(new Y.Doc()))); // "the doc is empty"
    relay.handleDisconnection(hostile);
    await settle();
    const answer = await setup.newcomerSnapshot(relay);
    expect(textOf(answer.payload.update as string)).toContain("honest");
    expect(setup.cacheEvents("written")).toHaveLength(2);
  });

  it("a snapshot passing through is cached only when the requester asked for the whole document", async () => {
    setup = new Setup();
    const relay = setup.relay({ snapshotCacheRefreshMs: 60_000 });
    const source = await setup.holder(relay, docWith("abc", 1));
    // A requester that already holds something gets a diff: not the document, not cached.
    const partial = await setup.connect(relay);
    send(relay, partial, { type: "SNAPSHOT_REQUEST", payload: { requestId: "p", stateVector: b64(Y.encodeStateVector(docWith("zz", 9))) } });
    await settle();
    const asked = source.ofType("SNAPSHOT_REQUEST").at(-1)!;
    send(relay, source, { type: "SNAPSHOT_RESPONSE", payload: { requestId: asked.payload.requestId, update: fullState(docWith("abc", 1)) } });
    await settle();
    expect(await setup.rawGet()).toBeNull();
    // A newcomer (empty state vector): its answer is the full state, written through.
    const newcomer = await setup.connect(relay);
    send(relay, newcomer, { type: "SNAPSHOT_REQUEST", payload: { requestId: "n", stateVector: EMPTY_SV } });
    await settle();
    const asked2 = source.ofType("SNAPSHOT_REQUEST").at(-1)!;
    send(relay, source, { type: "SNAPSHOT_RESPONSE", payload: { requestId: asked2.payload.requestId, update: fullState(docWith("abc", 1)) } });
    await settle();
    expect(newcomer.ofType("SNAPSHOT_RESPONSE")[0]!.payload).toMatchObject({ requestId: "n", source: source.name });
    expect(await setup.rawGet()).not.toBeNull();
  });

  it("viewers never write it: they are never asked, and their unsolicited answers are FORBIDDEN", async () => {
    setup = new Setup();
    const relay = setup.relay();
    const viewer = await setup.connect(relay, "viewer");
    send(relay, viewer, { type: "SNAPSHOT_RESPONSE", payload: { requestId: "x", update: fullState(docWith("evil", 6)) } });
    const editor = await setup.connect(relay);
    send(relay, editor, { type: "CRDT_UPDATE", payload: { update: fullState(docWith("e", 7)) } });
    await settle();
    await setup.clock.advance(1000);
    expect(viewer.ofType("ERROR")[0]!.payload.code).toBe("FORBIDDEN");
    expect(viewer.ofType("SNAPSHOT_REQUEST")).toHaveLength(0);
    expect(editor.ofType("SNAPSHOT_REQUEST")).toHaveLength(1);
  });

  it("refuses entries it did not write: garbage, another document's, undecodable, oversized, unsigned under a cluster secret", async () => {
    setup = new Setup();
    const relay = setup.relay({ clusterSecret: "k", snapshotCacheMaxBytes: 4096 });
    const raw = setup.redis.client();
    const good = fullState(docWith("real", 1));
    const cases: Array<[string, string]> = [
      ["malformed", "not json {"],
      // Extra fields, deep ones above all, are refused before anything walks them (signing would recurse).
      ["malformed", JSON.stringify({ ...JSON.parse(encodeCacheEntry(DOC, good, 1, "k")), extra: JSON.parse("[".repeat(200) + "]".repeat(200)) })],
      ["malformed", JSON.stringify({ ...JSON.parse(encodeCacheEntry(DOC, good, 1, "k")), extra: 1 })],
      ["doc-mismatch", encodeCacheEntry("other-doc", good, 1, "k")],
      ["forged", encodeCacheEntry(DOC, good, 1, undefined)],
      ["forged", encodeCacheEntry(DOC, good, 1, "wrong-secret")],
      ["bad-update", encodeCacheEntry(DOC, "BQ==", 1, "k")],
      ["oversize", encodeCacheEntry(DOC, good + "A".repeat(5000), 1, "k")],
    ];
    for (const [reason, value] of cases) {
      await raw.set(snapshotCacheKey(DOC), value);
      const answer = await setup.newcomerSnapshot(relay);
      expect(answer.payload, reason).toEqual({ requestId: "mine-1", update: null, source: "none" });
    }
    expect(relay.stats().rejected.redis).toEqual({ "cache-malformed": 3, "cache-doc-mismatch": 1, "cache-forged": 2, "cache-bad-update": 1, "cache-oversize": 1 });
    // ...and what it wrote itself, signed, it accepts.
    await raw.set(snapshotCacheKey(DOC), encodeCacheEntry(DOC, good, 1, "k"));
    expect((await setup.newcomerSnapshot(relay)).payload.source).toBe("cache");
  });

  it("skips a state over snapshotCacheMaxBytes, counted, and keeps serving", async () => {
    setup = new Setup();
    const relay = setup.relay({ snapshotCacheMaxBytes: 200 });
    const big = docWith("y".repeat(500), 1);
    const ws = await setup.holder(relay, big);
    await setup.answerRefresh(relay, ws, fullState(big));
    expect(await setup.rawGet()).toBeNull();
    expect(relay.stats().snapshotCacheSkipped).toBe(1);
    expect(setup.cacheEvents("too-large")).toHaveLength(1);
  });

  it("never stores an undecodable state, even with client-frame validation off (the benchmarks' switch)", async () => {
    setup = new Setup();
    const relay = setup.relay({ validateCrdtPayloads: false });
    const ws = await setup.connect(relay);
    send(relay, ws, { type: "CRDT_UPDATE", payload: { update: "BQ==" } });
    await settle();
    await setup.answerRefresh(relay, ws, "BQ==");
    expect(await setup.rawGet()).toBeNull();
    expect(setup.cacheEvents("bad-state")).toHaveLength(1);
    expect(relay.stats().snapshotCacheSkipped).toBe(1);
  });

  it("Redis down: reads and writes fail fast, are counted, and the requester still gets its answer", async () => {
    setup = new Setup();
    const relay = setup.relay();
    const ws = await setup.holder(relay, docWith("hello", 1));
    setup.redis.outage();
    await settle();
    await setup.answerRefresh(relay, ws, fullState(docWith("hello", 1)));
    relay.handleDisconnection(ws);
    await settle();
    const answer = await setup.newcomerSnapshot(relay);
    expect(answer.payload).toEqual({ requestId: "mine-1", update: null, source: "none" });
    expect(relay.stats().snapshotCacheErrors).toBe(2); // the write's GET, the read's GET
    expect(relay.stats().snapshotFallbacks).toBe(1);
  });
});

describe("snapshot cache keys on a Redis Cluster (two ioredis-mock masters)", () => {
  it("a document's key goes to the master that carries its channels, and is read back from there", async () => {
    const masters = [new MockRedisServer(), new MockRedisServer()];
    const ranges = evenSlotRanges(2);
    const shards: ClusterShard[] = masters.map((_, i) => ({ id: `m${i}`, address: `m${i}:1`, slots: [ranges[i]!] }));
    const bus = createRedisAdapter({
      clusterConnector: { discover: () => Promise.resolve(shards), connect: (shard) => masters[Number(shard.id.slice(1))]!.connector("pub") },
      clock: new ManualClock(), random: new SeededRandom(), logger: quietLogger,
    }) as ShardedMessageBus;
    await bus.connect();
    await settle();
    // Documents on both shards: each key lands where its doc channel lives, nowhere else.
    const docs = ["a", "b", "c", "d", "e", "f"];
    for (const docId of docs) await bus.setKey(snapshotCacheKey(docId), `v-${docId}`, 10_000);
    const owners = new Set<number>();
    for (const docId of docs) {
      const owner = bus.shardIndexOf(channels.doc(docId));
      owners.add(owner);
      expect(hashSlot(snapshotCacheKey(docId))).toBe(hashSlot(toClusterChannel(channels.doc(docId))));
      expect(await masters[owner]!.client().get(snapshotCacheKey(docId))).toBe(`v-${docId}`);
      expect(await masters[1 - owner]!.client().get(snapshotCacheKey(docId))).toBeNull();
      expect(await bus.getKey(snapshotCacheKey(docId))).toBe(`v-${docId}`);
    }
    expect(owners.size).toBe(2);
    // A lost master: its documents' keys fail fast, the other shard's still answer.
    const lost = bus.shardIndexOf(channels.doc("a"));
    masters[lost]!.outage();
    await settle();
    await expect(bus.getKey(snapshotCacheKey("a"))).rejects.toThrow();
    const survivor = docs.find((docId) => bus.shardIndexOf(channels.doc(docId)) !== lost)!;
    expect(await bus.getKey(snapshotCacheKey(survivor))).toBe(`v-${survivor}`);
    await bus.disconnect();
  });
});
