/**
 * One entry of the opt-in snapshot cache (docs/SNAPSHOT-CACHE.md): the JSON text stored at
 * `lfcc:snapshot:{docId}`, how it is written, and how an entry read back is judged.
 *
 * Anyone who can write to Redis can write this key, so an entry read back is checked like any
 * routed input before a client sees it: JSON of the expected shape, for this very document, within
 * the size bound, a decodable Yjs update, and with a cluster secret an HMAC-SHA256 signature that
 * binds the key (so an entry cannot be copied to another document's key either).
 */
import { crdtPayloadError } from "../protocol/crdt-payloads.ts";
import { jsonDepthExceeds } from "../protocol/json-depth.ts";
import { MessageType } from "../protocol/messages.ts";
import { hasValidSignature, signMessage } from "../bus/signing.ts";

export const CACHE_ENTRY_VERSION = 1;

/**
 * The key of a document's entry. The `{docId}` hash tag puts it in the slot of the document's
 * channels on a Redis Cluster (relay/bus/cluster-slots.ts), so it lives on the same shard; single
 * Redis keeps the same name, so one name works in both modes.
 */
export function snapshotCacheKey(docId: string): string {
  return `lfcc:snapshot:{${docId}}`;
}

interface CacheEntry {
  v: typeof CACHE_ENTRY_VERSION;
  docId: string;
  /** base64 Yjs v1 update: the document's full state as the relays last merged it. */
  update: string;
  /** When it was written (the writer's clock, ms): for operators, never trusted for anything. */
  ts: number;
  sig?: string;
}

export function encodeCacheEntry(docId: string, update: string, ts: number, clusterSecret: string | undefined): string {
  const entry: CacheEntry = { v: CACHE_ENTRY_VERSION, docId, update, ts };
  if (clusterSecret) entry.sig = signMessage(entry, clusterSecret, snapshotCacheKey(docId));
  return JSON.stringify(entry);
}

/** Why an entry read back was refused; counted as `cache-<reason>` (source "redis"). */
export type CacheEntryRejection = "oversize" | "malformed" | "doc-mismatch" | "forged" | "bad-update";

export type DecodedCacheEntry = { ok: true; update: string } | { ok: false; reason: CacheEntryRejection };

export interface CacheEntryLimits {
  maxBytes: number;
  clusterSecret: string | undefined;
}

/** Never throws: whatever is in the key, the answer is a verdict. */
export function decodeCacheEntry(text: string, docId: string, limits: CacheEntryLimits): DecodedCacheEntry {
  try {
    return judge(text, docId, limits);
  } catch {
    return { ok: false, reason: "malformed" }; // a bug of ours on a weird value: refuse it, never throw on
  }
}

function judge(text: string, docId: string, limits: CacheEntryLimits): DecodedCacheEntry {
  // Measured before parsing: an oversized value costs no JSON work (UTF-16 length <= UTF-8 bytes).
  if (text.length > limits.maxBytes || Buffer.byteLength(text, "utf8") > limits.maxBytes) return { ok: false, reason: "oversize" };
  // Depth before parsing, as for routed messages: an entry is flat, so anything nested is garbage.
  if (jsonDepthExceeds(text, 1)) return { ok: false, reason: "malformed" };
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!isEntryShape(entry)) return { ok: false, reason: "malformed" };
  if (entry.docId !== docId) return { ok: false, reason: "doc-mismatch" };
  if (limits.clusterSecret && !hasValidSignature(entry, limits.clusterSecret, snapshotCacheKey(docId))) return { ok: false, reason: "forged" };
  if (crdtPayloadError(MessageType.CRDT_UPDATE, { update: entry.update }) !== null) return { ok: false, reason: "bad-update" };
  return { ok: true, update: entry.update };
}

const ENTRY_KEYS: ReadonlySet<string> = new Set(["v", "docId", "update", "ts", "sig"]);

/** Exactly the entry's fields, all primitives: nothing else is ever walked (signature, checks). */
function isEntryShape(value: unknown): value is CacheEntry {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const entry = value as Record<string, unknown>;
  if (Object.keys(entry).some((key) => !ENTRY_KEYS.has(key))) return false;
  return (
    entry.v === CACHE_ENTRY_VERSION &&
    typeof entry.docId === "string" &&
    typeof entry.update === "string" &&
    typeof entry.ts === "number" &&
    (entry.sig === undefined || typeof entry.sig === "string")
  );
}
