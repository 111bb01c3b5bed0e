/**
 * Answers "would applying this remote update change the doc?" cheaply.
 *
 * Sync answers carry the sender's whole delete set (deletions do not show in state vectors, so a
 * peer cannot tell which ones we lack), and every peer answers every SYNC_STEP1 with a broadcast.
 * Most of those updates bring nothing new, yet Y.applyUpdate walks the structs of every deleted
 * range to find that out. Comparing the update with the doc's own delete set, computed once per
 * doc change, is far cheaper. Skipping an update the doc already holds is exact: every struct it
 * carries is integrated (Yjs keeps each client's structs contiguous from clock 0, so "end clock <=
 * our state" means held) and every deletion is already applied; applying it would integrate
 * nothing, delete nothing and emit no `update`. Pending structs and deletions only become
 * applicable when new structs arrive, which such an update does not bring.
 */
import * as Y from "yjs";
import { encodeAppliedState } from "./pending-cap.ts";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

type DeleteSet = ReturnType<typeof Y.createDeleteSetFromStructStore>;

export class KnownContent {
  /** The doc's delete set, sorted and merged (for heldBy); null until needed after the doc last changed. */
  private deleteSet: DeleteSet | null = null;
  /** The same as a V1 update with no structs (what SYNC_STEP1 carries); null until needed. */
  private deleteSetUpdate: Uint8Array | null = null;

  constructor(private readonly doc: Y.Doc) {
    doc.on("afterTransaction", this.forget);
  }

  destroy(): void {
    this.doc.off("afterTransaction", this.forget);
  }

  /** True when the doc already holds every struct and every deletion `update` (format V1) carries. */
  holds(update: Uint8Array): boolean {
    const store = this.doc.store;
    if (startsBeyondState(update, store)) return false;
    for (const [client, endClock] of Y.parseUpdateMeta(update).to) {
      if (endClock > Y.getState(store, client)) return false;
    }
    for (const [client, items] of Y.decodeUpdate(update).ds.clients) {
      for (const item of items) if (!deletedInStore(store, client, item.clock, item.len)) return false;
    }
    return true;
  }

  /** The doc's whole delete set (applied deletions only) as a V1 update without structs. */
  deleteSetAsUpdate(): Uint8Array {
    if (this.deleteSetUpdate) return this.deleteSetUpdate;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0); // no struct groups
    writeDeleteSetV1(encoder, this.ownDeleteSet().clients);
    return (this.deleteSetUpdate = encoding.toUint8Array(encoder));
  }

  /**
   * True when a peer with this state vector and delete set (as from deleteSetAsUpdate) already
   * holds every struct and every deletion of the doc: a sync answer to it would bring nothing.
   */
  heldBy(peerStateVector: Uint8Array, peerDeleteSetUpdate: Uint8Array): boolean {
    const peerState = Y.decodeStateVector(peerStateVector);
    for (const client of this.doc.store.clients.keys()) {
      if (Y.getState(this.doc.store, client) > (peerState.get(client) ?? 0)) return false;
    }
    // mergeDeleteSets sorts and merges the peer's ranges, which containsDeleteSet relies on.
    const peerDeleteSet = Y.mergeDeleteSets([Y.decodeUpdate(peerDeleteSetUpdate).ds]);
    return containsDeleteSet(peerDeleteSet, this.ownDeleteSet());
  }

  /**
   * What a peer with this state vector and delete set lacks, as a V1 update: the structs past its
   * vector and our deleted ranges it does not hold entirely (a whole range is sent even when the
   * peer holds part of it: a superset is harmless). Empty (2 bytes) when it lacks nothing.
   */
  answerFor(peerStateVector: Uint8Array, peerDeleteSetUpdate: Uint8Array): Uint8Array {
    const peerDeleteSet = Y.mergeDeleteSets([Y.decodeUpdate(peerDeleteSetUpdate).ds]);
    // Never the pending state (pending-cap.ts): with it excluded the layout below always holds.
    const diff = encodeAppliedState(this.doc, peerStateVector);
    // The diff is [struct groups][our whole delete set]; deleteSetAsUpdate is [0 groups][the same].
    const ourDeleteSetBytes = this.deleteSetAsUpdate().subarray(1);
    const structsEnd = diff.length - ourDeleteSetBytes.length;
    if (structsEnd < 1 || !endsWith(diff, ourDeleteSetBytes)) return diff;
    const lacking = new Map<number, { clock: number; len: number }[]>();
    for (const [client, items] of this.ownDeleteSet().clients) {
      const ranges = items.filter((item) => !containsDeleteSet(peerDeleteSet, singleRange(client, item)));
      if (ranges.length > 0) lacking.set(client, ranges);
    }
    const encoder = encoding.createEncoder();
    encoding.writeUint8Array(encoder, diff.subarray(0, structsEnd));
    writeDeleteSetV1(encoder, lacking);
    return encoding.toUint8Array(encoder);
  }

  private ownDeleteSet(): DeleteSet {
    return (this.deleteSet ??= Y.createDeleteSetFromStructStore(this.doc.store));
  }

  private readonly forget = (): void => {
    this.deleteSet = null;
    this.deleteSetUpdate = null;
  };
}

/**
 * Whether the store holds every struct of client in [clock, clock + len), all deleted: a binary
 * search for the first, then a walk (deleted neighbours are merged, so the walk is short). Looking
 * at the structs directly avoids rebuilding the doc's delete set after every edit.
 */
function deletedInStore(store: Y.Doc["store"], client: number, clock: number, len: number): boolean {
  const end = clock + len;
  if (len <= 0) return true;
  if (end > Y.getState(store, client)) return false;
  const structs = store.clients.get(client)!;
  for (let index = Y.findIndexSS(structs, clock); clock < end; index++) {
    const struct = structs[index];
    if (!struct.deleted) return false;
    clock = struct.id.clock + struct.length;
  }
  return true;
}

/**
 * A cheap look at the first struct group's header (V1: #clients, #structs, client, first clock):
 * a live edit starts at or past our state for its author, so it is new without decoding it. A
 * false answer proves nothing; the full check follows.
 */
function startsBeyondState(update: Uint8Array, store: Y.Doc["store"]): boolean {
  const decoder = decoding.createDecoder(update);
  if (decoding.readVarUint(decoder) === 0) return false;
  if (decoding.readVarUint(decoder) === 0) return false;
  const client = decoding.readVarUint(decoder);
  return decoding.readVarUint(decoder) >= Y.getState(store, client);
}

function singleRange(client: number, item: { clock: number; len: number }): DeleteSet {
  const deleteSet = Y.createDeleteSet();
  deleteSet.clients.set(client, [item as never]);
  return deleteSet;
}

function endsWith(bytes: Uint8Array, suffix: Uint8Array): boolean {
  const offset = bytes.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (bytes[offset + i] !== suffix[i]) return false;
  return true;
}

/** Yjs's V1 delete set encoding (writeDeleteSet, not exported): clients in descending order. */
function writeDeleteSetV1(encoder: encoding.Encoder, deleteSet: Map<number, { clock: number; len: number }[]>): void {
  encoding.writeVarUint(encoder, deleteSet.size);
  for (const [client, items] of [...deleteSet].sort((a, b) => b[0] - a[0])) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, items.length);
    for (const item of items) {
      encoding.writeVarUint(encoder, item.clock);
      encoding.writeVarUint(encoder, item.len);
    }
  }
}

/**
 * Whether every range of `inner` lies inside `outer`. `outer` must be sorted by clock and merged
 * per client (as createDeleteSetFromStructStore and mergeDeleteSets make it), so a contained range
 * lies inside a single outer range. Touching but unmerged outer ranges only make it answer false.
 */
export function containsDeleteSet(outer: DeleteSet, inner: DeleteSet): boolean {
  for (const [client, items] of inner.clients) {
    const ranges = outer.clients.get(client);
    for (const item of items) {
      if (item.len === 0) continue;
      if (!ranges) return false;
      const index = lastRangeStartingAtOrBefore(ranges, item.clock);
      if (index < 0) return false;
      const range = ranges[index];
      if (range.clock + range.len < item.clock + item.len) return false;
    }
  }
  return true;
}

/** Binary search: index of the last range whose clock <= clock, or -1. */
function lastRangeStartingAtOrBefore(ranges: readonly { clock: number; len: number }[], clock: number): number {
  let low = 0;
  let high = ranges.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (ranges[middle].clock <= clock) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
