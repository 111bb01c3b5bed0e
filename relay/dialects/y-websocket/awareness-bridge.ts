/**
 * Awareness <-> PRESENCE for one y-websocket session (the mapping is documented in docs/Y-WEBSOCKET.md).
 *
 * - Client -> relay: an awareness update becomes `PRESENCE { state, awareness }`: `state` is the
 *   client's own state (what JSON clients read), `awareness` the update's bytes in base64 (what
 *   other y-websocket sessions forward verbatim, so clientIDs and clocks stay the client's own).
 *   y-websocket re-broadcasts EVERY awareness change it applies, remote ones included
 *   (y-websocket.js `_awarenessUpdateHandler` has no origin filter), so entries of clients this
 *   session delivered are echoes and are dropped here, or each delivery would come back N-fold.
 * - Relay -> client: a PRESENCE carrying `awareness` is forwarded as is; one from a JSON client
 *   becomes an entry of a made-up clientID (2^32 + hash of its senderId, outside Yjs' uint32
 *   range) with a clock this session counts, re-sent every `awarenessRenewMs` because y-protocols
 *   drops states not renewed for 30 s.
 * - LEAVE of a sender: its entries get a null state at the last clock seen, which y-protocols
 *   applies (awareness.js: `currClock === clock && state === null`) and which still lets the
 *   client come back with its next update (clock + 1).
 */
import { fromBase64, toBase64 } from "lib0/buffer";
import { decodeAwarenessUpdate, encodeAwarenessUpdate, type AwarenessEntry } from "./wire.ts";

interface RemoteEntry {
  senderId: string;
  clock: number;
  present: boolean;
}

interface MadeUpEntry {
  clientId: number;
  clock: number;
  state: unknown;
  sentAtMs: number;
}

export interface PresencePayloadOut {
  state: unknown;
  awareness: string;
}

const MADE_UP_ID_BASE = 2 ** 32;

export class AwarenessBridge {
  /** clientID -> who it belongs to, for every entry delivered to this client (echo filter, LEAVE). */
  private readonly remote = new Map<number, RemoteEntry>();
  /** JSON senders' states as this client sees them. */
  private readonly madeUp = new Map<string, MadeUpEntry>();

  /** The client's own entries of an update it sent, as a PRESENCE payload; null when all were echoes. */
  fromClient(update: Uint8Array, entries: readonly AwarenessEntry[]): PresencePayloadOut | null {
    const own = entries.filter((entry) => !this.remote.has(entry.clientId));
    if (own.length === 0) return null;
    const bytes = own.length === entries.length ? update : encodeAwarenessUpdate(own);
    return { state: own[0]!.state, awareness: toBase64(bytes) };
  }

  /** A PRESENCE for this client, as the awareness update to send it; null when there is nothing to send. */
  toClient(senderId: string, payload: Record<string, unknown>, nowMs: number): Uint8Array | null {
    if (typeof payload.awareness === "string") return this.forward(senderId, payload.awareness);
    const entry = this.madeUp.get(senderId) ?? { clientId: madeUpClientId(senderId), clock: 0, state: null, sentAtMs: nowMs };
    entry.clock++;
    entry.state = payload.state ?? null;
    entry.sentAtMs = nowMs;
    this.madeUp.set(senderId, entry);
    this.remote.set(entry.clientId, { senderId, clock: entry.clock, present: entry.state !== null });
    return encodeAwarenessUpdate([{ clientId: entry.clientId, clock: entry.clock, state: entry.state }]);
  }

  /** The sender left: null states at their last clocks; null when this client saw none of its states. */
  leave(senderId: string): Uint8Array | null {
    const gone: AwarenessEntry[] = [];
    for (const [clientId, entry] of this.remote) {
      if (entry.senderId !== senderId || !entry.present) continue;
      entry.present = false;
      gone.push({ clientId, clock: entry.clock, state: null });
    }
    this.madeUp.delete(senderId);
    return gone.length > 0 ? encodeAwarenessUpdate(gone) : null;
  }

  /** Made-up states not sent for `renewMs`, re-sent with clock + 1; null when none is due. */
  renewals(nowMs: number, renewMs: number): Uint8Array | null {
    const due: AwarenessEntry[] = [];
    for (const [senderId, entry] of this.madeUp) {
      if (entry.state === null || nowMs - entry.sentAtMs < renewMs) continue;
      entry.clock++;
      entry.sentAtMs = nowMs;
      this.remote.set(entry.clientId, { senderId, clock: entry.clock, present: true });
      due.push({ clientId: entry.clientId, clock: entry.clock, state: entry.state });
    }
    return due.length > 0 ? encodeAwarenessUpdate(due) : null;
  }

  private forward(senderId: string, awareness: string): Uint8Array | null {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(awareness);
    } catch {
      return null;
    }
    const entries = decodeAwarenessUpdate(bytes);
    if (!entries || entries.length === 0) return null;
    for (const entry of entries) {
      const known = this.remote.get(entry.clientId);
      // The latest sender owns a clientID: a client that reconnected (new senderId, same Y.Doc)
      // must not lose its cursor to the LEAVE of its old connection arriving late.
      if (known && known.senderId === senderId && entry.clock < known.clock) continue;
      this.remote.set(entry.clientId, { senderId, clock: entry.clock, present: entry.state !== null });
    }
    return bytes;
  }
}

/** FNV-1a of the senderId, lifted above 2^32 so it never equals a Yjs clientID (uint32). */
function madeUpClientId(senderId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < senderId.length; i++) {
    hash ^= senderId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return MADE_UP_ID_BASE + hash;
}
