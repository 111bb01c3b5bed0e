/**
 * Every default a scenario file may leave out (docs/SCENARIOS-REFERENCE.md lists the same).
 * A missing `expect` invariant is simply not checked.
 */
export const SCENARIO_DEFAULTS = {
  description: "",
  /** Seed of a run when neither the file nor --seed/--seeds gives one. */
  seed: 1,
  docs: 1,
  editsPerSecond: 2,
  ops: { insertText: 6, deleteText: 2, setMap: 1, presence: 1 },
  latency: { baseMs: 2, jitterMs: 3 },
  /** `latency` fault: extra jitter on top of `add`. */
  latencyFaultJitterMs: 0,
  /** `converge: true` without `within`. */
  convergeWithinMs: 10_000,
  /** `noGhostPresence: true` without `within`: PROTOCOL.md's ghost-presence bound. */
  noGhostPresenceWithinMs: 15_000,
  /** `presenceComplete: true` without `within` (docs/CHECKERS.md). */
  presenceCompleteWithinMs: 10_000,
  /** `efficiency: true` without `factor`: wire cost at most 2.5x the topology's ideal (bytes 5x). */
  efficiencyFactor: 2.5,
} as const;
