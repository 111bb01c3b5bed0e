/**
 * The y-websocket binary wire (y-protocols sync + awareness framing, as `y-websocket`'s
 * `src/y-websocket.js` reads and writes it): decoding a client's message into something the
 * dialect can translate, and encoding the messages the relay sends back. Every decode is total:
 * garbage yields `null` (PROTOCOL.md section 8: dropped and counted), never an exception.
 */
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/** Outer message types (y-websocket.js: messageSync 0, messageAwareness 1, messageAuth 2, messageQueryAwareness 3). */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
/** Sync sub-types (y-protocols/sync.js). */
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

/** One awareness entry: `clientID`, `clock`, state (null = that client is gone). */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: unknown;
}

export type ClientMessage =
  | { kind: "sync-step1"; stateVector: Uint8Array }
  | { kind: "sync-step2"; update: Uint8Array; meta: UpdateMeta }
  | { kind: "update"; update: Uint8Array; meta: UpdateMeta }
  | { kind: "awareness"; update: Uint8Array; entries: AwarenessEntry[] }
  | { kind: "query-awareness" }
  | { kind: "auth" };

/** First and end clock per Yjs client in an update (Y.parseUpdateMeta). */
export interface UpdateMeta {
  from: Map<number, number>;
  to: Map<number, number>;
}

/** The empty Yjs update `00 00` (no structs, empty delete set) and the empty state vector `00`. */
export const EMPTY_UPDATE = new Uint8Array([0, 0]);
export const EMPTY_STATE_VECTOR = new Uint8Array([0]);

/** Decodes one binary client message; null when it is not a well-formed y-websocket message. */
export function decodeClientMessage(bytes: Uint8Array): ClientMessage | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) return decodeSync(decoder);
    if (type === MESSAGE_AWARENESS) {
      const update = decoding.readVarUint8Array(decoder);
      const entries = decodeAwarenessUpdate(update);
      return entries ? { kind: "awareness", update, entries } : null;
    }
    if (type === MESSAGE_QUERY_AWARENESS) return { kind: "query-awareness" };
    if (type === MESSAGE_AUTH) return { kind: "auth" };
    return null;
  } catch {
    return null;
  }
}

function decodeSync(decoder: decoding.Decoder): ClientMessage | null {
  const subType = decoding.readVarUint(decoder);
  const body = decoding.readVarUint8Array(decoder);
  if (subType === SYNC_STEP1) {
    Y.decodeStateVector(body); // throws on garbage
    return { kind: "sync-step1", stateVector: body };
  }
  if (subType !== SYNC_STEP2 && subType !== SYNC_UPDATE) return null;
  const meta = Y.parseUpdateMeta(body); // throws on garbage
  return { kind: subType === SYNC_STEP2 ? "sync-step2" : "update", update: body, meta };
}

/** The entries of an awareness update (y-protocols/awareness.js encodeAwarenessUpdate); null on garbage. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] | null {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > update.byteLength) return null; // each entry takes at least 3 bytes
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const state: unknown = JSON.parse(decoding.readVarString(decoder));
      entries.push({ clientId, clock, state });
    }
    return entries;
  } catch {
    return null;
  }
}

export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, JSON.stringify(entry.state ?? null));
  }
  return encoding.toUint8Array(encoder);
}

function framed(type: number, subType: number | null, body: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  if (subType !== null) encoding.writeVarUint(encoder, subType);
  encoding.writeVarUint8Array(encoder, body);
  return encoding.toUint8Array(encoder);
}

export const encodeSyncStep1 = (stateVector: Uint8Array) => framed(MESSAGE_SYNC, SYNC_STEP1, stateVector);
export const encodeSyncStep2 = (update: Uint8Array) => framed(MESSAGE_SYNC, SYNC_STEP2, update);
export const encodeUpdate = (update: Uint8Array) => framed(MESSAGE_SYNC, SYNC_UPDATE, update);
export const encodeAwareness = (update: Uint8Array) => framed(MESSAGE_AWARENESS, null, update);
/** "Send me every awareness state you know" (the client answers with an awareness update). */
export const QUERY_AWARENESS = new Uint8Array([MESSAGE_QUERY_AWARENESS]);
/** An awareness update with no entries: resets the client's 30 s idle watchdog and changes nothing. */
export const KEEPALIVE = new Uint8Array([MESSAGE_AWARENESS, 1, 0]);

/** Buffer, ArrayBuffer, Buffer[] (ws fragments) or Uint8Array as one Uint8Array; null for text frames. */
export function binaryOf(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data) && data.every((part) => part instanceof Uint8Array)) return Buffer.concat(data as Uint8Array[]);
  return null;
}
