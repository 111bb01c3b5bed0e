/**
 * Routed messages: the JSON a relay publishes to Redis for the other relays (PROTOCOL.md
 * section 6). Encoding signs with the cluster secret; decoding validates everything, because
 * anyone who can publish to Redis can send garbage: a bad message is dropped, never crashes the
 * relay, and never reaches a client malformed.
 */
import { crdtPayloadError } from "../protocol/crdt-payloads.ts";
import { jsonDepthExceeds } from "../protocol/json-depth.ts";
import { DOC_ID_PATTERN, MessageType, PROTOCOL_VERSION, type RoutedMessage } from "../protocol/messages.ts";
import { isPlainObject, PAYLOAD_CHECKS } from "../protocol/payloads.ts";
import { hasValidSignature, MAX_CANONICAL_DEPTH, signMessage } from "./signing.ts";

/** Relay-to-relay types beyond the client ones (documented in docs/PROTOCOL-EXTENSIONS.md). */
export const RoutedType = {
  /** Several routed messages of one channel in one publish: `payload.messages: RoutedMessage[]`. */
  BATCH: "BATCH",
  /**
   * A server's clients of one doc: `payload.clients: string[]`, with `reply: true` asking every
   * other holder of the doc for theirs. Sent when a server starts holding a doc, after its Redis
   * link (or a shard) comes back, and when a peer's beats show it may have missed presence.
   */
  ROSTER: "ROSTER",
  /**
   * A server's liveness beat on BEAT_CHANNEL every heartbeat: `payload.seq` counts up by one. One
   * publish per server (per shard on a cluster) whatever the number of documents: receivers keep
   * that server's remote clients alive with it, and a gap in `seq` asks for rosters again.
   */
  BEAT: "BEAT",
} as const;

/** Every server subscribes and beats here (relay/core/liveness.ts). */
export const BEAT_CHANNEL = "lfcc:beat";

const ROUTED_TYPES: ReadonlySet<string> = new Set([
  MessageType.CRDT_UPDATE,
  MessageType.PRESENCE,
  MessageType.SYNC_STEP1,
  MessageType.JOIN,
  MessageType.LEAVE,
  MessageType.RESYNC,
  MessageType.SNAPSHOT_REQUEST,
  MessageType.SNAPSHOT_RESPONSE,
  RoutedType.ROSTER,
  RoutedType.BATCH,
  RoutedType.BEAT,
]);

const MAX_BATCH_MESSAGES = 10_000;

/** `channel` is where it will be published: with a secret, the signature binds it. */
export function encodeRouted(message: RoutedMessage, clusterSecret: string | undefined, channel: string): string {
  if (clusterSecret) message.sig = signMessage(message, clusterSecret, channel);
  return JSON.stringify(message);
}

/** Why a routed message was dropped ("own" is our own publish coming back: not a rejection). */
export type RoutedRejection = "malformed" | "own" | "forged" | "depth" | "stale" | "future" | "bad-update";
// The replay guard (relay/core/replay-guard.ts) adds "replayed" and "unverified" after decoding.

export type DecodeResult = { ok: true; message: RoutedMessage } | { ok: false; reason: RoutedRejection };

export interface DecodeContext {
  ownServerId: string;
  /** The channel the message was taken off (signed with it). */
  channel: string;
  clusterSecret?: string;
  /** Signed messages whose `ts` is further than this from `nowMs`, either way, are dropped. */
  freshnessMs?: number;
  nowMs?: number;
  /** Decode-check CRDT bytes of unsigned messages (default true; config validateCrdtPayloads). */
  checkCrdt?: boolean;
}

/** Parses and checks one message taken off `context.channel`. */
export function decodeRouted(text: string, context: DecodeContext): DecodeResult {
  if (jsonDepthExceeds(text, MAX_CANONICAL_DEPTH)) return { ok: false, reason: "depth" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!isValidRouted(parsed, true)) return { ok: false, reason: "malformed" };
  if (parsed.sourceServerId === context.ownServerId) return { ok: false, reason: "own" };
  if (context.clusterSecret) {
    if (!hasValidSignature(parsed, context.clusterSecret, context.channel)) return { ok: false, reason: "forged" };
    const age = freshness(parsed.ts, context);
    if (age) return { ok: false, reason: age };
  } else if (context.checkCrdt !== false && !hasDecodableCrdt(parsed)) {
    // Unsigned, anyone may have published it: check the CRDT bytes as a client frame's are.
    // (Signed, a relay that checked them at the edge published it.)
    return { ok: false, reason: "bad-update" };
  }
  return { ok: true, message: parsed };
}

function freshness(ts: number, context: DecodeContext): "stale" | "future" | null {
  if (context.freshnessMs === undefined || context.nowMs === undefined) return null;
  if (ts < context.nowMs - context.freshnessMs) return "stale";
  if (ts > context.nowMs + context.freshnessMs) return "future";
  return null;
}

function hasDecodableCrdt(message: RoutedMessage): boolean {
  if (message.type !== RoutedType.BATCH) return crdtPayloadError(message.type, message.payload) === null;
  return (message.payload.messages as RoutedMessage[]).every((inner) => crdtPayloadError(inner.type, inner.payload) === null);
}

/** True when the channel may carry this message (a doc channel only carries its own doc). */
export function channelMatches(channel: string, message: RoutedMessage): boolean {
  // A server channel only carries answers to that server's snapshot requests.
  if (channel.startsWith("lfcc:server:")) return message.type === MessageType.SNAPSHOT_RESPONSE;
  // Beats come on their own channel only (a doc named like it cannot carry them).
  if (channel === BEAT_CHANNEL || message.type === RoutedType.BEAT) return channel === BEAT_CHANNEL && message.type === RoutedType.BEAT;
  return channel === `lfcc:doc:${message.docId}` || channel === `lfcc:presence:${message.docId}`;
}

function isValidRouted(value: unknown, allowBatch: boolean): value is RoutedMessage {
  if (!isPlainObject(value)) return false;
  const { v, type, docId, senderId, messageId, sourceServerId, ts, payload } = value;
  if (v !== PROTOCOL_VERSION || typeof type !== "string" || !ROUTED_TYPES.has(type)) return false;
  if (typeof docId !== "string" || !DOC_ID_PATTERN.test(docId)) return false;
  if (typeof senderId !== "string" || typeof messageId !== "string" || typeof sourceServerId !== "string") return false;
  if (typeof ts !== "number" || !Number.isFinite(ts) || !isPlainObject(payload)) return false;
  if (type === RoutedType.BATCH) return allowBatch && isValidBatch(payload, docId, sourceServerId);
  if (type === RoutedType.ROSTER) return Array.isArray(payload.clients) && payload.clients.every((c) => typeof c === "string");
  if (type === RoutedType.BEAT) return isValidBeat(payload);
  return PAYLOAD_CHECKS[type]!(payload) === null;
}

/** `seq`, and with a cluster secret the replay guard's `nonce` and `echo` (relay/core/replay-guard.ts). */
function isValidBeat(payload: Record<string, unknown>): boolean {
  const { seq, nonce, echo } = payload;
  if (!Number.isSafeInteger(seq) || (seq as number) < 0) return false;
  if (nonce !== undefined && !isShortString(nonce)) return false;
  if (echo === undefined) return true;
  if (!isPlainObject(echo)) return false;
  const entries = Object.entries(echo);
  return entries.length <= MAX_BEAT_ECHOES && entries.every(([serverId, n]) => serverId.length <= 128 && isShortString(n));
}

const MAX_BEAT_ECHOES = 256;

function isShortString(value: unknown): boolean {
  return typeof value === "string" && value.length > 0 && value.length <= 32;
}

function isValidBatch(payload: Record<string, unknown>, docId: string, sourceServerId: string): boolean {
  const { messages } = payload;
  if (!Array.isArray(messages) || messages.length > MAX_BATCH_MESSAGES) return false;
  return messages.every(
    (inner) => isValidRouted(inner, false) && inner.docId === docId && inner.sourceServerId === sourceServerId,
  );
}
