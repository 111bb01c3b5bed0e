/**
 * converge { withinMs }: within `withinMs` after quiescence (the last fault healed and the
 * workload stopped) every live replica of each doc holds the same Yjs state, and keeps holding it
 * to the end of the run. Judged on the replica samples (digests) for "when", and on the live
 * final replicas (Yjs snapshots: state vector + delete set) for "is it really the same state".
 */
import type { Observations } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import { clientNamesFromEdits } from "./client-names.ts";
import { docConvergedAtMs } from "./convergence-time.ts";
import { formatMs, formatRange, listSome } from "./format.ts";
import { describeSampleGroups, distinctStates, docIds, groupBySnapshot, liveFinalReplicas, type LiveReplica } from "./replicas.ts";
import { missingDeletions, missingInserts, snapshotOfUnion } from "./yjs-state.ts";

export function checkConverge(obs: Observations, withinMs: number): InvariantResult {
  const failures: string[] = [];
  let slowestMs = 0;
  for (const docId of docIds(obs)) {
    const convergedAt = docConvergedAtMs(obs, docId);
    if (convergedAt === null) {
      failures.push(describeDivergedDoc(obs, docId));
      continue;
    }
    const tookMs = convergedAt - obs.quiescenceMs;
    slowestMs = Math.max(slowestMs, tookMs);
    if (tookMs > withinMs) {
      failures.push(`${docId} converged only ${formatMs(tookMs)} after heal (allowed ${formatMs(withinMs)}; heal at ${formatMs(obs.quiescenceMs)})`);
    }
  }
  if (failures.length > 0) return { name: "converge", passed: false, detail: failures.join(" | ") };
  return { name: "converge", passed: true, detail: `converged ${formatMs(slowestMs)} after heal` };
}

/** Which replicas differ at the end, how (what each lacks compared to the union), when last sampled. */
function describeDivergedDoc(obs: Observations, docId: string): string {
  const replicas = liveFinalReplicas(obs.finalReplicas, docId);
  const groups = groupBySnapshot(replicas);
  const groupText = groups.map((g) => `{${g.map((r) => r.client).sort().join(",")}}`).join(" / ");
  const lacks = describeLacks(replicas, clientNamesFromEdits(obs.edits));
  return `${docId}: final replicas differ, ${groups.length} distinct states ${groupText}; ${lacks}${describeLastSample(obs, docId)}`;
}

function describeLacks(replicas: LiveReplica[], names: ReadonlyMap<number, string>): string {
  const union = snapshotOfUnion(replicas.map((r) => r.state));
  const lines: string[] = [];
  for (const replica of replicas) {
    const inserts = missingInserts(replica.snapshot, union).map((r) => formatRange(r, names));
    const deletes = missingDeletions(replica.snapshot, union).map((r) => `deletion of ${formatRange(r, names)}`);
    const missing = [...inserts, ...deletes];
    if (missing.length > 0) lines.push(`${replica.client} lacks ${listSome(missing, 3)}`);
  }
  return listSome(lines, 4);
}

function describeLastSample(obs: Observations, docId: string): string {
  const samples = obs.replicaSamples.filter((s) => s.docId === docId);
  const last = samples.reduce<(typeof samples)[number] | undefined>((a, b) => (a === undefined || b.tMs >= a.tMs ? b : a), undefined);
  if (last === undefined) return "";
  return `; last sampled at ${formatMs(last.tMs)}: ${distinctStates(last)} distinct ${describeSampleGroups(last)}`;
}
