/**
 * Grouping of replicas by content. Final replicas are compared by Yjs snapshot (see
 * yjs-state.ts); samples by digest. Both give "groups of clients holding the same state".
 */
import * as Y from "yjs";
import type { FinalReplica, Observations, ReplicaSample } from "../observations.ts";
import { snapshotOfState } from "./yjs-state.ts";

export interface LiveReplica {
  client: string;
  snapshot: Y.Snapshot;
  state: Uint8Array;
}

/** Every doc the run knows of (from final replicas and samples), sorted for stable output. */
export function docIds(obs: Observations): string[] {
  const ids = new Set<string>([...obs.finalReplicas.map((r) => r.docId), ...obs.replicaSamples.map((s) => s.docId)]);
  return [...ids].sort();
}

/** The live final replicas of one doc, with their snapshots. */
export function liveFinalReplicas(finals: readonly FinalReplica[], docId: string): LiveReplica[] {
  return finals
    .filter((replica) => replica.live && replica.docId === docId)
    .map((replica) => ({ client: replica.client, state: replica.state, snapshot: snapshotOfState(replica.state) }));
}

/** Clients grouped by identical snapshot, biggest group first. */
export function groupBySnapshot(replicas: readonly LiveReplica[]): LiveReplica[][] {
  const groups: LiveReplica[][] = [];
  for (const replica of replicas) {
    const group = groups.find((g) => Y.equalSnapshots(g[0]!.snapshot, replica.snapshot));
    if (group) group.push(replica);
    else groups.push([replica]);
  }
  return groups.sort((a, b) => b.length - a.length);
}

/** Number of distinct digests in a sample (1 or 0 = converged). */
export function distinctStates(sample: ReplicaSample): number {
  return new Set(Object.values(sample.digests)).size;
}

/** "{c1,c2} / {c3}": clients grouped by digest, biggest group first. */
export function describeSampleGroups(sample: ReplicaSample): string {
  const byDigest = new Map<string, string[]>();
  for (const [client, digest] of Object.entries(sample.digests)) {
    byDigest.set(digest, [...(byDigest.get(digest) ?? []), client]);
  }
  return [...byDigest.values()]
    .sort((a, b) => b.length - a.length)
    .map((clients) => `{${clients.sort().join(",")}}`)
    .join(" / ");
}
