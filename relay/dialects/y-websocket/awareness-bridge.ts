/**
 * Awareness <-> PRESENCE for the y-websocket sessions of one document (mapping: docs/Y-WEBSOCKET.md).
 *
 * - Client -> relay: an awareness update becomes `PRESENCE { state, awareness }`: `state` is the
 *   client's own state (what JSON clients read), `awareness` the update's bytes in base64 (what
 *   other y-websocket sessions forward verbatim, so clientIDs and clocks stay the client's own).
 *   y-websocket re-broadcasts EVERY awareness change it applies, remote ones included
 *   (y-websocket.js `_awarenessUpdateHandler` has no origin filter), so entries of clientIDs that
 *   belong to another sender are echoes and are dropped here, or each delivery would come back N-fold.
 * - Relay -> client: a PRESENCE carrying `awareness` is forwarded as is; one from a JSON client
 *   becomes an entry of a made-up clientID (2^32 + hash of its senderId, outside Yjs' uint32
 *   range) with a clock counted here, re-sent every `awarenessRenewMs` because y-protocols
 *   drops states not renewed for 30 s.
 * - LEAVE of a sender: its entries get a null state at the last clock seen, which y-protocols
 *   applies (awareness.js: `currClock === clock && state === null`) and which still lets the
 *   client come back with its next update (clock + 1).
 */
import { fromBase64, toBase64 } from "lib0/buffer";
import { decodeAwarenessUpdate, encodeAwarenessUpdate, type AwarenessEntry } from "./wire.ts";

interface Owner {
  senderId: string;
  clock: number;
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

/**
 * Shared by the sessions of ONE document on one server (the dialect keeps one per doc), so the
 * bookkeeping is per awareness clientID, not per clientID and per session: with N y-websocket
 * clients on a doc that is N entries, not N^2.
 */
export class DocAwareness {
  /** clientID -> the sender whose entry it is, and the last clock routed for it. */
  private readonly owners = new Map<number, Owner>();
  /** JSON senders' states, as entries of made-up clientIDs. */
  private readonly madeUp = new Map<string, MadeUpEntry>();

  /** The entries of an update `senderId`'s client sent that are its own, as PRESENCE; null when all were echoes. */
  fromClient(senderId: string, update: Uint8Array, entries: readonly AwarenessEntry[]): PresencePayloadOut | null {
    const own = entries.filter((entry) => {
      const owner = this.owners.get(entry.clientId);
      return owner === undefined || owner.senderId === senderId;
    });
    if (own.length === 0) return null;
    for (const entry of own) this.record(entry.clientId, senderId, entry.clock);
    const bytes = own.length === entries.length ? update : encodeAwarenessUpdate(own);
    return { state: own[0]!.state, awareness: toBase64(bytes) };
  }

  /** A PRESENCE as the awareness update to deliver; null when there is nothing to deliver. */
  toClient(senderId: string, payload: Record<string, unknown>, nowMs: number): Uint8Array | null {
    if (typeof payload.awareness === "string") return this.forward(senderId, payload.awareness);
    const entry = this.madeUp.get(senderId) ?? { clientId: madeUpClientId(senderId), clock: 0, state: null, sentAtMs: nowMs };
    // Each session's delivery counts a clock: every client still sees them increase.
    entry.clock++;
    entry.state = payload.state ?? null;
    entry.sentAtMs = nowMs;
    this.madeUp.set(senderId, entry);
    this.record(entry.clientId, senderId, entry.clock);
    return encodeAwarenessUpdate([{ clientId: entry.clientId, clock: entry.clock, state: entry.state }]);
  }

  /** The sender left: null states at their last clocks; null when it had no entry here. */
  leave(senderId: string): Uint8Array | null {
    const gone: AwarenessEntry[] = [];
    for (const [clientId, owner] of this.owners) {
      if (owner.senderId === senderId) gone.push({ clientId, clock: owner.clock, state: null });
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
      this.record(entry.clientId, senderId, entry.clock);
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
    for (const entry of entries) this.record(entry.clientId, senderId, entry.clock);
    return bytes;
  }

  /**
   * The latest sender owns a clientID: a client that reconnected (new senderId, same Y.Doc) must
   * not lose its cursor to the LEAVE of its old connection arriving late.
   */
  private record(clientId: number, senderId: string, clock: number): void {
    const owner = this.owners.get(clientId);
    if (owner && owner.senderId === senderId && clock < owner.clock) return;
    this.owners.set(clientId, { senderId, clock });
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
