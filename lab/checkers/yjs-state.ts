/**
 * Yjs state helpers shared by the checkers. A replica is compared by its Yjs *snapshot* (state
 * vector + delete set, built from a fresh Y.Doc): two replicas with equal snapshots have the same
 * content, whatever the byte layout of their encoded states. Pending structs (received but with
 * missing dependencies) are not integrated in a fresh doc, so they do not count as present.
 */
import * as Y from "yjs";

export interface ClockRange {
  client: number;
  /** First clock of the range. */
  clock: number;
  len: number;
}

/**
 * Snapshots already built, per state: converge, noDataLoss and the convergence time each ask for
 * the same final replicas' snapshots, and building one replays the whole document.
 */
const snapshots = new WeakMap<Uint8Array, Y.Snapshot>();

/** The snapshot of an encoded Yjs state (Y.encodeStateAsUpdate output). States are never mutated. */
export function snapshotOfState(state: Uint8Array): Y.Snapshot {
  let snap = snapshots.get(state);
  if (snap) return snap;
  const doc = scratchDoc();
  Y.applyUpdate(doc, state);
  snap = Y.snapshot(doc);
  doc.destroy();
  snapshots.set(state, snap);
  return snap;
}

/**
 * A throwaway doc for reading states. The guid is given because Y.Doc otherwise makes a uuidv4
 * from 31 calls to the OS random source: 2% of a fuzz run's CPU went there.
 */
export function scratchDoc(): Y.Doc {
  return new Y.Doc({ guid: "lfcc-checker-scratch" });
}

/** Snapshot of the union of several states (what a replica holding all of them would have). */
export function snapshotOfUnion(states: Uint8Array[]): Y.Snapshot {
  return snapshotOfState(Y.mergeUpdates(states));
}

/** True when the replica holds every insert (state vector) and every deletion of the update. */
export function containsUpdate(replica: Y.Snapshot, update: Uint8Array): boolean {
  return Y.snapshotContainsUpdate(replica, update);
}

/** The inserted clock ranges of an update (its structs), skipping gaps. */
export function insertedRanges(update: Uint8Array): ClockRange[] {
  return Y.decodeUpdate(update)
    .structs.filter((struct) => !(struct instanceof Y.Skip))
    .map((struct) => ({ client: struct.id.client, clock: struct.id.clock, len: struct.length }));
}

/** Ranges of `target`'s inserts that `replica` lacks: one per client whose clock is behind. */
export function missingInserts(replica: Y.Snapshot, target: Y.Snapshot): ClockRange[] {
  const missing: ClockRange[] = [];
  for (const [client, targetClock] of target.sv) {
    const have = replica.sv.get(client) ?? 0;
    if (have < targetClock) missing.push({ client, clock: have, len: targetClock - have });
  }
  return missing.sort((a, b) => a.client - b.client);
}

/** Deleted ranges of `target` that are not deleted in `replica`. */
export function missingDeletions(replica: Y.Snapshot, target: Y.Snapshot): ClockRange[] {
  const missing: ClockRange[] = [];
  for (const [client, items] of target.ds.clients) {
    const have = replica.ds.clients.get(client) ?? [];
    for (const item of items) {
      for (const gap of subtractRanges(item.clock, item.len, have)) missing.push({ client, ...gap });
    }
  }
  return missing.sort((a, b) => a.client - b.client || a.clock - b.clock);
}

/** The parts of [clock, clock+len) not covered by `cover` (sorted, merged delete items). */
function subtractRanges(clock: number, len: number, cover: { clock: number; len: number }[]): { clock: number; len: number }[] {
  const gaps: { clock: number; len: number }[] = [];
  let cursor = clock;
  const end = clock + len;
  for (const item of cover) {
    if (item.clock + item.len <= cursor) continue;
    if (item.clock >= end) break;
    if (item.clock > cursor) gaps.push({ clock: cursor, len: item.clock - cursor });
    cursor = Math.max(cursor, item.clock + item.len);
    if (cursor >= end) break;
  }
  if (cursor < end) gaps.push({ clock: cursor, len: end - cursor });
  return gaps;
}
