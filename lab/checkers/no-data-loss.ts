/**
 * noDataLoss: an ORACLE Y.Doc per doc is built from every promised edit (see promised-edits.ts
 * for what is promised when clients leave); every live final replica must contain the oracle:
 * oracle state vector <= replica state vector for every clientID, and every deletion of the
 * oracle is a deletion in the replica (Y.snapshotContainsUpdate does exactly these two checks).
 * A failure names the replica, and the missing edits per author: client name, Yjs clientID,
 * clock range and when they were made.
 */
import * as Y from "yjs";
import type { EditObservation, Observations } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import type { Scenario } from "../scenario/types.ts";
import { clientNamesFromEdits } from "./client-names.ts";
import { formatMs, listSome } from "./format.ts";
import { isPromised } from "./promised-edits.ts";
import { docIds, liveFinalReplicas, type LiveReplica } from "./replicas.ts";
import { containsUpdate, insertedRanges, scratchDoc } from "./yjs-state.ts";

export function checkNoDataLoss(scenario: Scenario, obs: Observations): InvariantResult {
  const names = clientNamesFromEdits(obs.edits);
  const failures: string[] = [];
  let promisedCount = 0;
  let replicaCount = 0;
  for (const docId of docIds(obs)) {
    const live = liveFinalReplicas(obs.finalReplicas, docId);
    if (live.length === 0) continue;
    const promised = obs.edits.filter((e) => e.docId === docId && isPromised(e, live, obs, scenario));
    promisedCount += promised.length;
    replicaCount += live.length;
    const oracle = oracleUpdate(promised);
    for (const replica of live) {
      if (containsUpdate(replica.snapshot, oracle)) continue;
      failures.push(`${replica.client} (${docId}) lacks ${describeMissing(replica, promised, names)}`);
    }
  }
  const unpromised = obs.edits.length - promisedCount;
  if (failures.length > 0) return { name: "noDataLoss", passed: false, detail: listSome(failures, 4) };
  const note = unpromised > 0 ? `; ${unpromised} edits of departed clients not promised` : "";
  return { name: "noDataLoss", passed: true, detail: `all ${promisedCount} promised edits in all ${replicaCount} live replicas${note}` };
}

/** The oracle: one doc holding every promised edit, encoded as one update. */
function oracleUpdate(edits: readonly EditObservation[]): Uint8Array {
  const oracle = scratchDoc();
  for (const edit of [...edits].sort((a, b) => a.tMs - b.tMs)) Y.applyUpdate(oracle, edit.update);
  const update = Y.encodeStateAsUpdate(oracle);
  oracle.destroy();
  return update;
}

/** "3 edits of c5 (clientID 77) clocks 40..57 made 12.3s-14.1s; ..." grouped by author. */
function describeMissing(replica: LiveReplica, promised: readonly EditObservation[], names: ReadonlyMap<number, string>): string {
  const missing = promised.filter((edit) => !containsUpdate(replica.snapshot, edit.update));
  if (missing.length === 0) return "part of the oracle that no single edit explains";
  const byAuthor = new Map<string, EditObservation[]>();
  for (const edit of missing) byAuthor.set(edit.client, [...(byAuthor.get(edit.client) ?? []), edit]);
  const parts = [...byAuthor].map(([author, edits]) => describeAuthorEdits(author, edits, names));
  return listSome(parts, 3);
}

function describeAuthorEdits(author: string, edits: EditObservation[], names: ReadonlyMap<number, string>): string {
  const ranges = edits.flatMap((edit) => insertedRanges(edit.update));
  const clientIds = [...new Set(ranges.map((r) => r.client))].filter((id) => names.get(id) === author);
  const ownRanges = ranges.filter((r) => clientIds.includes(r.client));
  const clocks = ownRanges.length === 0
    ? "deletions only"
    : `clocks ${Math.min(...ownRanges.map((r) => r.clock))}..${Math.max(...ownRanges.map((r) => r.clock + r.len - 1))}`;
  const ids = clientIds.length > 0 ? ` (clientID ${clientIds.join(",")})` : "";
  const first = Math.min(...edits.map((e) => e.tMs));
  const last = Math.max(...edits.map((e) => e.tMs));
  const when = first === last ? `at ${formatMs(first)}` : `${formatMs(first)}-${formatMs(last)}`;
  return `${edits.length} edit${edits.length === 1 ? "" : "s"} of ${author}${ids} ${clocks} made ${when}`;
}
