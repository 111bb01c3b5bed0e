/**
 * The provider's defence against updates whose dependencies never arrive (PROTOCOL.md section 8).
 * Yjs keeps such structs and deletions in `doc.store.pendingStructs` / `pendingDs` and retries
 * them on every later update, and `encodeStateAsUpdate` forwards them to whoever asks: a hostile
 * update of delete ranges for unknown clients made every later keystroke cost ~78 ms in every peer
 * and was inherited by new joiners through snapshots. The relay cannot judge this (it holds no
 * document); each client does: it caps what it keeps and never forwards what it could not apply.
 */
import * as Y from "yjs";

export const DEFAULT_MAX_PENDING_BYTES = 64 * 1024;

export function pendingBytes(doc: Y.Doc): number {
  const { pendingStructs, pendingDs } = doc.store;
  return (pendingStructs?.update.byteLength ?? 0) + (pendingDs?.byteLength ?? 0);
}

/** Drops all pending state when it is over `maxBytes`; true when it did. */
export function dropPendingOver(doc: Y.Doc, maxBytes: number): boolean {
  if (pendingBytes(doc) <= maxBytes) return false;
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  return true;
}

/**
 * Y.encodeStateAsUpdate without the pending state: what we hold for real. (Yjs appends pending
 * structs and deletions to the encoding; forwarding them would pass a poisoned update on.)
 */
export function encodeAppliedState(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  const { pendingStructs, pendingDs } = doc.store;
  if (!pendingStructs && !pendingDs) return Y.encodeStateAsUpdate(doc, stateVector);
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  try {
    return Y.encodeStateAsUpdate(doc, stateVector);
  } finally {
    doc.store.pendingStructs = pendingStructs;
    doc.store.pendingDs = pendingDs;
  }
}
