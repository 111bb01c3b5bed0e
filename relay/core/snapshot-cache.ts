/**
 * The opt-in snapshot cache's Redis side (docs/SNAPSHOT-CACHE.md): read a document's entry, and
 * write a fresh full state into it. What decides WHEN to read or write is above this
 * (relay/core/cache-flow.ts); how an entry looks and is judged is relay/core/cache-entry.ts.
 *
 * Nothing here may block or crash the relay: every Redis command has a time bound, a failure is
 * reported (and counted by the caller) and treated as "no entry" / "not written", and neither
 * method ever rejects.
 *
 * A write MERGES the fresh state into the entry it finds (Y.mergeUpdates) instead of replacing
 * it: the entry only ever gains content, so a holder that lags behind (or a hostile editor that
 * answers with an empty or partial state) cannot take content out of it. When the merge no longer
 * fits the size bound, the fresh state alone replaces it (a holder's full state is complete on its
 * own); when even that does not fit, nothing is written.
 */
import * as Y from "yjs";
import type { Clock } from "../ports.ts";
import { crdtPayloadError } from "../protocol/crdt-payloads.ts";
import { MessageType } from "../protocol/messages.ts";
import { decodeCacheEntry, encodeCacheEntry, snapshotCacheKey, type CacheEntryRejection } from "./cache-entry.ts";

/** The two key commands of the bus (MessageBus.getKey / setKey). */
export interface CacheStore {
  getKey(key: string): Promise<string | null>;
  setKey(key: string, value: string, ttlMs: number): Promise<void>;
}

export interface SnapshotCacheSettings {
  maxBytes: number;
  ttlMs: number;
  redisTimeoutMs: number;
  clusterSecret: string | undefined;
}

export type CacheOutcome =
  | { op: "read"; docId: string; result: "hit" | "miss" | "error" }
  | { op: "read" | "write"; docId: string; result: "rejected"; reason: CacheEntryRejection }
  | { op: "write"; docId: string; result: "written"; bytes: number; merged: boolean }
  /** too-large: over snapshotCacheMaxBytes even alone; bad-state: not a decodable Yjs update. */
  | { op: "write"; docId: string; result: "too-large" | "bad-state" | "error" };

export class SnapshotCache {
  /** Documents with a write in flight, and the newest state that waits for it to finish. */
  private readonly writing = new Set<string>();
  private readonly waiting = new Map<string, string>();

  constructor(
    private readonly store: CacheStore,
    private readonly clock: Clock,
    private readonly settings: SnapshotCacheSettings,
    private readonly report: (outcome: CacheOutcome) => void,
  ) {}

  /** The cached full state of the document (base64 Yjs update), or null. Never rejects. */
  async read(docId: string): Promise<string | null> {
    let text: string | null;
    try {
      text = await this.bounded(this.store.getKey(snapshotCacheKey(docId)));
    } catch {
      this.report({ op: "read", docId, result: "error" });
      return null;
    }
    if (text === null) {
      this.report({ op: "read", docId, result: "miss" });
      return null;
    }
    const decoded = decodeCacheEntry(text, docId, this.settings);
    if (!decoded.ok) {
      this.report({ op: "read", docId, result: "rejected", reason: decoded.reason });
      return null;
    }
    this.report({ op: "read", docId, result: "hit" });
    return decoded.update;
  }

  /**
   * Merges `update` (a holder's full state, base64, already validated as a client frame) into
   * the document's entry. One write per document at a time; states that arrive meanwhile are
   * coalesced to the newest. Fire and forget.
   */
  write(docId: string, update: string): void {
    if (this.writing.has(docId)) {
      this.waiting.set(docId, update);
      return;
    }
    this.writing.add(docId);
    void this.writeNow(docId, update)
      .catch(() => this.report({ op: "write", docId, result: "error" })) // our bug, never the process's end
      .finally(() => {
        this.writing.delete(docId);
        const next = this.waiting.get(docId);
        this.waiting.delete(docId);
        if (next !== undefined) this.write(docId, next);
      });
  }

  private async writeNow(docId: string, fresh: string): Promise<void> {
    const { clusterSecret, maxBytes, ttlMs } = this.settings;
    // Client frames were checked already unless validateCrdtPayloads is off (benchmarks only): the
    // cache checks for itself, so what it stores never depends on that switch.
    if (crdtPayloadError(MessageType.CRDT_UPDATE, { update: fresh }) !== null) {
      return this.report({ op: "write", docId, result: "bad-state" });
    }
    const freshText = encodeCacheEntry(docId, fresh, this.clock.now(), clusterSecret);
    if (Buffer.byteLength(freshText, "utf8") > maxBytes) return this.report({ op: "write", docId, result: "too-large" });
    const prior = await this.priorUpdate(docId);
    if (prior === "error") return;
    const merged = prior === null ? null : mergeStates(prior, fresh);
    const mergedText = merged === null ? null : encodeCacheEntry(docId, merged, this.clock.now(), clusterSecret);
    const text = mergedText !== null && Buffer.byteLength(mergedText, "utf8") <= maxBytes ? mergedText : freshText;
    try {
      await this.bounded(this.store.setKey(snapshotCacheKey(docId), text, ttlMs));
    } catch {
      return this.report({ op: "write", docId, result: "error" });
    }
    this.report({ op: "write", docId, result: "written", bytes: Buffer.byteLength(text, "utf8"), merged: text === mergedText });
  }

  /** The entry's update as it stands (null: none, or one we refuse to build on), or "error". */
  private async priorUpdate(docId: string): Promise<string | null | "error"> {
    let text: string | null;
    try {
      text = await this.bounded(this.store.getKey(snapshotCacheKey(docId)));
    } catch {
      this.report({ op: "write", docId, result: "error" });
      return "error";
    }
    if (text === null) return null;
    const decoded = decodeCacheEntry(text, docId, this.settings);
    if (decoded.ok) return decoded.update;
    this.report({ op: "write", docId, result: "rejected", reason: decoded.reason });
    return null; // garbage in the key is replaced by the fresh state, never merged with
  }

  /** A Redis command that has not answered within redisTimeoutMs counts as failed. */
  private bounded<T>(command: Promise<T>): Promise<T> {
    let timer: ReturnType<Clock["setTimeout"]> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(() => reject(new Error("snapshot cache: redis did not answer in time")), this.settings.redisTimeoutMs);
    });
    return Promise.race([command, timeout]).finally(() => this.clock.clearTimeout(timer));
  }
}

/** Both full states in one (the union of their content), or null when Yjs cannot merge them. */
function mergeStates(prior: string, fresh: string): string | null {
  try {
    const merged = Y.mergeUpdates([Buffer.from(prior, "base64"), Buffer.from(fresh, "base64")]);
    return Buffer.from(merged).toString("base64");
  } catch {
    return null;
  }
}
