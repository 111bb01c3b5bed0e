/**
 * Which edits noDataLoss promises (also written in docs/CHECKERS.md).
 *
 * A client that LEAVES may take edits with it that nobody else ever received: an edit made
 * offline, or one still in flight when its author left. The relay is stateless and cannot be
 * blamed for those. So an edit is PROMISED (must be in every live final replica of its doc)
 * when at least one of these holds:
 *   a. its author is still live at the end (it has a live final replica of the doc): a live client
 *      keeps its own edits and must eventually get them to everyone;
 *   b. some live final replica of the doc contains it: once any surviving replica has an edit,
 *      the system must spread it to all of them;
 *   c. its author stayed connected on ONE session for `deliveryGraceMs` after making it, and no
 *      fault was active at any moment of that window: the relay had a fair, fault-free chance to
 *      deliver it before the author left.
 * Everything else (edits of departed clients, made offline, in flight at departure, or while a
 * fault was acting) is not promised. deliveryGraceMs is the scenario's converge.withinMs (the
 * time the scenario already allows for healing), or DEFAULT_DELIVERY_GRACE_MS without one.
 */
import type { EditObservation, Observations, SessionObservation } from "../observations.ts";
import { faultEndMs, type Fault, type Scenario } from "../scenario/types.ts";
import type { LiveReplica } from "./replicas.ts";
import { containsUpdate } from "./yjs-state.ts";

/** Grace used when the scenario has no converge expectation: 10 s, the scenario files' usual converge.within. */
export const DEFAULT_DELIVERY_GRACE_MS = 10_000;

/** Churn and clock skew do not disturb delivery of other clients' edits, so they do not void rule c. */
const HARMLESS_FAULTS = new Set<Fault["kind"]>(["join", "leave", "clockSkew"]);

export function deliveryGraceMs(scenario: Scenario): number {
  return scenario.expect.converge?.withinMs ?? DEFAULT_DELIVERY_GRACE_MS;
}

export function isPromised(
  edit: EditObservation,
  live: readonly LiveReplica[],
  obs: Observations,
  scenario: Scenario,
): boolean {
  if (live.some((replica) => replica.client === edit.client)) return true;
  if (live.some((replica) => containsUpdate(replica.snapshot, edit.update))) return true;
  return hadFaultFreeDeliveryWindow(edit, obs.sessions, scenario);
}

function hadFaultFreeDeliveryWindow(edit: EditObservation, sessions: readonly SessionObservation[], scenario: Scenario): boolean {
  const windowEndMs = edit.tMs + deliveryGraceMs(scenario);
  const connected = sessions.some(
    (s) => s.client === edit.client && s.docId === edit.docId && s.startMs <= edit.tMs && (s.endMs === null || s.endMs >= windowEndMs),
  );
  if (!connected) return false;
  return !scenario.faults.some(
    (fault) => !HARMLESS_FAULTS.has(fault.kind) && fault.atMs <= windowEndMs && faultEndMs(fault) >= edit.tMs,
  );
}
