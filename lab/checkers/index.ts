/**
 * The CRDT-aware oracle: pure functions over Observations (lab/observations.ts) and the
 * normalized Scenario, shared by the simulator and the chaos runner so both modes are judged by
 * the same code. One file per invariant; docs/CHECKERS.md explains each one.
 */
import type { Observations } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import type { Scenario } from "../scenario/types.ts";
import { checkAccounting } from "./accounting.ts";
import { checkConverge } from "./converge.ts";
import { checkEfficiency } from "./efficiency.ts";
import { checkNoDataLoss } from "./no-data-loss.ts";
import { checkNoGhostPresence } from "./no-ghost-presence.ts";
import { checkPresenceComplete } from "./presence-complete.ts";
import { checkQueueBound } from "./queue-bound.ts";
import { honestView } from "../attack/honest-view.ts";
import { checkAmplification, checkAttackersThrottled, checkHonestLatency, checkNoCrash, checkNoInjection } from "./attack-checkers.ts";
import { checkRateLimitFair } from "./rate-limit-fair.ts";
import { checkRouting } from "./routing.ts";
import { checkSnapshots } from "./snapshots.ts";

export { convergenceMs } from "./convergence-time.ts";
export { DEFAULT_DELIVERY_GRACE_MS } from "./promised-edits.ts";

/**
 * One result per invariant the scenario expects, in the fixed order converge, noDataLoss,
 * queueBound, noGhostPresence, then the additive ones: presenceComplete, efficiency, snapshots,
 * rateLimitFair, routing, accounting. `false` means "not expected".
 */
export function runCheckers(scenario: Scenario, obs: Observations): InvariantResult[] {
  const expect = scenario.expect;
  const results: InvariantResult[] = [];
  if (expect.converge) results.push(checkConverge(obs, expect.converge.withinMs));
  if (expect.noDataLoss) results.push(checkNoDataLoss(scenario, obs));
  if (expect.queueBound) results.push(checkQueueBound(obs));
  if (expect.noGhostPresence) results.push(checkNoGhostPresence(obs, expect.noGhostPresence.withinMs, notReadingWindows(scenario)));
  // Honest-client invariants ignore attackers (SCENARIOS.md v1.1).
  const honest = honestView(obs);
  if (expect.presenceComplete) results.push(checkPresenceComplete(scenario, honest, expect.presenceComplete.withinMs));
  if (expect.efficiency) results.push(obs.attack ? EFFICIENCY_NOT_JUDGED : checkEfficiency(honest, expect.efficiency.factor));
  if (expect.snapshots) results.push(checkSnapshots(scenario, honest));
  if (expect.rateLimitFair) results.push(checkRateLimitFair(honest));
  if (expect.routing) results.push(checkRouting(honest, scenario));
  if (expect.accounting) results.push(checkAccounting(honest));
  if (expect.noCrash) results.push(checkNoCrash(obs));
  if (expect.noInjection) results.push(checkNoInjection(obs));
  if (expect.amplification) results.push(checkAmplification(obs, expect.amplification.max));
  if (expect.honestLatency) results.push(checkHonestLatency(obs, expect.honestLatency.p99Ms));
  if (expect.attackersThrottled) results.push(checkAttackersThrottled(scenario, obs));
  return results;
}

/** Wire totals cannot tell honest work from attacker-caused traffic; amplification judges the latter. */
const EFFICIENCY_NOT_JUDGED: InvariantResult = { name: "efficiency", passed: true, detail: "not judged: the run has attackers (their traffic is judged by amplification)" };

/** slowClient faults: the client reads nothing for a while, so it cannot see a LEAVE meanwhile. */
function notReadingWindows(scenario: Scenario) {
  return scenario.faults.flatMap((f) => (f.kind === "slowClient" ? [{ client: f.client, fromMs: f.atMs, toMs: f.atMs + f.forMs }] : []));
}

export {
  checkAccounting, checkConverge, checkEfficiency, checkNoDataLoss, checkNoGhostPresence, checkPresenceComplete,
  checkQueueBound, checkRateLimitFair, checkRouting, checkSnapshots,
};
