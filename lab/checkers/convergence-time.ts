/**
 * When each doc converged after quiescence (obs.quiescenceMs: workload over, every fault healed).
 *
 * A doc is converged from the first replica sample at/after quiescence from which EVERY later
 * sample shows one distinct digest, provided its live final replicas are identical too (the final
 * replicas act as one last sample at obs.endMs). If the final replicas differ it never converged.
 */
import type { Observations } from "../observations.ts";
import { distinctStates, docIds, groupBySnapshot, liveFinalReplicas } from "./replicas.ts";

/** Absolute time the doc converged (ms since start), or null if its final replicas differ. */
export function docConvergedAtMs(obs: Observations, docId: string): number | null {
  const finals = liveFinalReplicas(obs.finalReplicas, docId);
  if (groupBySnapshot(finals).length > 1) return null;
  const tail = obs.replicaSamples
    .filter((sample) => sample.docId === docId && sample.tMs >= obs.quiescenceMs)
    .sort((a, b) => a.tMs - b.tMs);
  let convergedAt = Math.max(obs.endMs, obs.quiescenceMs);
  for (let i = tail.length - 1; i >= 0 && distinctStates(tail[i]!) <= 1; i--) convergedAt = tail[i]!.tMs;
  return convergedAt;
}

/** The run's convergence time: the slowest doc's, from quiescence; null if any doc never converged. */
export function convergenceMs(obs: Observations): number | null {
  let slowest = 0;
  for (const docId of docIds(obs)) {
    const at = docConvergedAtMs(obs, docId);
    if (at === null) return null;
    slowest = Math.max(slowest, at - obs.quiescenceMs);
  }
  return slowest;
}
