/**
 * For each planted bug: where the lab should catch it, and the budget it gets. The arbitrary is
 * narrowed to the fault kinds that can expose the bug and to small topologies, which keeps the
 * test fast; the production relay must pass the very same budget (same seed, same scenarios).
 */
import type { FaultKind } from "../../lab/scenario/types.ts";
import type { ScenarioArbitraryOptions } from "../../lab/fuzz/scenario-arbitrary.ts";
import type { AnyPlantedBug } from "./planted-runner.ts";

export interface PlantedBudget {
  bug: AnyPlantedBug;
  /** The invariant(s) any of which must be reported. */
  expectViolated: string[];
  seed: number;
  runs: number;
  arbitrary: ScenarioArbitraryOptions;
  /** Upper bounds on the shrunk scenario. */
  maxShrunk: { servers: number; clients: number; docs: number; faults: number; durationMs: number };
}

const small = (faultKinds: FaultKind[], extra: Partial<ScenarioArbitraryOptions> = {}): ScenarioArbitraryOptions => ({
  maxServers: 3, maxDocs: 2, maxClients: 6, maxDurationMs: 10_000, maxFaults: 3, maxEditsPerSecond: 3, faultKinds, ...extra,
});

export const PLANTED_BUDGETS: PlantedBudget[] = [
  { bug: "resyncRemoved", expectViolated: ["converge", "noDataLoss", "accounting"], seed: 1, runs: 15, arbitrary: small(["redisOutage", "redisRestart"]),
    maxShrunk: { servers: 2, clients: 2, docs: 1, faults: 1, durationMs: 6_000 } },
  { bug: "unboundedQueue", expectViolated: ["queueBound"], seed: 1, runs: 15, arbitrary: small(["redisOutage"]),
    maxShrunk: { servers: 1, clients: 2, docs: 1, faults: 1, durationMs: 6_000 } },
  { bug: "presenceExpiryRemoved", expectViolated: ["noGhostPresence"], seed: 1, runs: 15, arbitrary: small(["crash"]),
    maxShrunk: { servers: 2, clients: 2, docs: 1, faults: 1, durationMs: 6_000 } },
  { bug: "snapshotBroadcast", expectViolated: ["routing"], seed: 1, runs: 5, arbitrary: small([]),
    maxShrunk: { servers: 1, clients: 2, docs: 1, faults: 0, durationMs: 5_000 } },
  { bug: "selfEcho", expectViolated: ["routing"], seed: 1, runs: 5, arbitrary: small([]),
    maxShrunk: { servers: 1, clients: 2, docs: 1, faults: 0, durationMs: 5_000 } },
  { bug: "dedupRemoved", expectViolated: ["routing"], seed: 1, runs: 60, arbitrary: small(["partition"], { maxEditsPerSecond: 8, maxClients: 8, maxFaults: 6 }),
    maxShrunk: { servers: 2, clients: 4, docs: 1, faults: 2, durationMs: 8_000 } },
  // The second catalog (planted-catalog.ts): a cheap CI subset; test/fuzz/measure-catalog.mts measures all twelve.
  { bug: "snapshotWrongRequestId", expectViolated: ["snapshots", "routing"], seed: 1, runs: 10, arbitrary: small([], { minDurationMs: 5_000 }),
    maxShrunk: { servers: 3, clients: 6, docs: 2, faults: 0, durationMs: 10_000 } },
  { bug: "remoteUpdatesResent", expectViolated: ["efficiency"], seed: 2, runs: 20, arbitrary: small([], { maxEditsPerSecond: 5, minDurationMs: 8_000 }),
    maxShrunk: { servers: 3, clients: 6, docs: 2, faults: 0, durationMs: 10_000 } },
];
