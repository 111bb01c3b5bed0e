/**
 * When the opt-in snapshot cache reads and writes (docs/SNAPSHOT-CACHE.md). Off unless
 * `enableSnapshotCache` and the bus has keys (a Redis bus); then the relay wires it into the
 * snapshot broker:
 *   - READ: only when a local requester is about to get `update: null` (no source anywhere, or
 *     the snapshot timeout): the cached entry instead, `source: "cache"`, when there is a valid one;
 *   - WRITE from a snapshot passing through: a local holder's answer to a request for the FULL
 *     state (no or an empty state vector: a diff is not the document);
 *   - WRITE after edits: an edit of the document seen here (from a local client or another
 *     server) arms a per-document timer; when it fires, one local holder is asked for its full
 *     state (an ordinary SNAPSHOT_REQUEST, answered without spending its budget), and that answer
 *     is written. A written entry re-arms the timer at half the TTL, so an idle document's entry
 *     does not expire while a holder is online.
 * One server writes a document's entry at most once per snapshotCacheRefreshMs (per server: N
 * servers with holders of the document write up to N times, merged). Only holders (clients that
 * sent CRDT_UPDATE or SNAPSHOT_RESPONSE) are ever asked or written from, so viewers never write
 * it. The relay keeps only timers and last-write times of documents with local clients.
 */
import type { Clock, TimerHandle } from "../ports.ts";
import type { RelayEvent } from "../events.ts";
import * as Y from "yjs";
import { containedClock } from "./contained-clock.ts";
import type { RelayContext } from "./relay-context.ts";
import { SnapshotCache, type CacheOutcome, type CacheStore } from "./snapshot-cache.ts";
import { SERVER_SENDER } from "./outbound.ts";

/** Asks one local holder of the doc for its full state; false when there is none here. */
export type AskHolder = (docId: string, forSenderId: string, onUpdate: (update: string) => void) => boolean;

export class SnapshotCacheFlow {
  private readonly clock: Clock;
  private readonly cache: SnapshotCache;
  private readonly timers = new Map<string, { handle: TimerHandle; dueAtMs: number }>();
  private readonly lastWriteMs = new Map<string, number>();
  private stopped = false;


  /** The flow for this relay, or null when the cache is off or the bus cannot hold keys. */
  static create(ctx: RelayContext, askHolder: AskHolder): SnapshotCacheFlow | null {
    if (!ctx.config.enableSnapshotCache) return null;
    const { bus } = ctx;
    if (!bus.getKey || !bus.setKey) {
      ctx.logger.warn({ event: "snapshot-cache-unavailable", bus: bus.kind }, "snapshot cache needs a Redis bus; it stays off");
      return null;
    }
    const store: CacheStore = { getKey: (key) => bus.getKey!(key), setKey: (key, value, ttlMs) => bus.setKey!(key, value, ttlMs) };
    return new SnapshotCacheFlow(ctx, store, askHolder);
  }

  private constructor(
    private readonly ctx: RelayContext,
    store: CacheStore,
    private readonly askHolder: AskHolder,
  ) {
    const { config } = ctx;
    this.clock = containedClock(ctx.clock, (where, fn) => ctx.contain(where, "redis", fn), "snapshot-cache");
    const settings = { maxBytes: config.snapshotCacheMaxBytes, ttlMs: config.snapshotCacheTtlMs, redisTimeoutMs: config.snapshotCacheRedisTimeoutMs, clusterSecret: config.clusterSecret };
    this.cache = new SnapshotCache(store, this.clock, settings, (outcome) => this.count(outcome));
  }

  /** An edit of `docId` reached this server. */
  noteEdit(docId: string): void {
    if (this.ctx.docs.has(docId)) this.arm(docId, this.ctx.config.snapshotCacheRefreshMs);
  }

  /** A relay event: edits from other servers arrive as `remote-message` CRDT_UPDATEs. */
  observe(event: RelayEvent): void {
    if (event.type === "remote-message" && event.messageType === "CRDT_UPDATE") this.noteEdit(event.docId);
  }

  /** A local holder answered a snapshot request (SnapshotHost.onSourceAnswer). */
  sourceAnswered(docId: string, update: string, askedStateVector: string | undefined): void {
    if (!asksFullState(askedStateVector)) return;
    const last = this.lastWriteMs.get(docId);
    if (last !== undefined && this.clock.now() - last < this.ctx.config.snapshotCacheRefreshMs) return;
    this.write(docId, update);
  }

  /**
   * A client of `docId` left (it is marked gone, still in the doc's set): when it was the last
   * one, the document's timer and last-write time go, so nothing lingers for documents this
   * server no longer serves.
   */
  clientGone(docId: string): void {
    for (const conn of this.ctx.docs.get(docId) ?? []) if (!conn.gone) return;
    this.forget(docId);
  }

  /** SnapshotHost.readCache: `done` runs contained, once the read settled. */
  read(docId: string, done: (update: string | null) => void): void {
    void this.cache.read(docId).then((update) => this.ctx.contain("snapshot-cache-read", "redis", () => done(update)));
  }

  stop(): void {
    this.stopped = true;
    for (const { handle } of this.timers.values()) this.clock.clearTimeout(handle);
    this.timers.clear();
  }

  private write(docId: string, update: string): void {
    if (this.stopped) return;
    this.lastWriteMs.set(docId, this.clock.now());
    this.cache.write(docId, update);
    this.arm(docId, Math.floor(this.ctx.config.snapshotCacheTtlMs / 2));
  }

  /** The document's timer fires within `delayMs` (an earlier one is kept). */
  private arm(docId: string, delayMs: number): void {
    if (this.stopped) return;
    const dueAtMs = this.clock.now() + delayMs;
    const current = this.timers.get(docId);
    if (current && current.dueAtMs <= dueAtMs) return;
    if (current) this.clock.clearTimeout(current.handle);
    this.timers.set(docId, { handle: this.clock.setTimeout(() => this.refresh(docId), delayMs), dueAtMs });
  }

  private refresh(docId: string): void {
    this.timers.delete(docId);
    if (!this.ctx.docs.has(docId)) return this.forget(docId);
    this.askHolder(docId, SERVER_SENDER, (update) => this.write(docId, update));
  }

  private forget(docId: string): void {
    const timer = this.timers.get(docId);
    if (timer) this.clock.clearTimeout(timer.handle);
    this.timers.delete(docId);
    this.lastWriteMs.delete(docId);
  }

  private count(outcome: CacheOutcome): void {
    const { counters } = this.ctx;
    if (outcome.result === "rejected") {
      // A refused entry is an input refused (counted by reason), and for a reader a miss.
      if (outcome.op === "read") counters.snapshotCacheMisses++;
      this.ctx.reject(`cache-${outcome.reason}`, "redis");
    } else if (outcome.result === "hit") counters.snapshotCacheHits++;
    else if (outcome.result === "miss") counters.snapshotCacheMisses++;
    else if (outcome.result === "written") counters.snapshotCacheWrites++;
    else if (outcome.result === "too-large" || outcome.result === "bad-state") counters.snapshotCacheSkipped++;
    else counters.snapshotCacheErrors++;
    const event: RelayEvent = { type: "snapshot-cache", docId: outcome.docId, op: outcome.op, result: outcome.result };
    if (outcome.result === "written") event.bytes = outcome.bytes;
    this.ctx.emit(event);
  }
}

/** A request without a state vector, or with an empty one, asks for the whole document. */
function asksFullState(stateVector: string | undefined): boolean {
  if (stateVector === undefined) return true;
  try {
    return Y.decodeStateVector(Buffer.from(stateVector, "base64")).size === 0;
  } catch {
    return false;
  }
}
