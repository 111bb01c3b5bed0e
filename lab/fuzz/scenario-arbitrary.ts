/**
 * `scenarioArbitrary(options)`: whole random scenarios (topology, workload, network, relay knobs,
 * fault schedule, expectations) in the normalized form the simulator runs. The generated value IS
 * the run's record: every derived option is a field of the scenario, so a failure file built from
 * it replays the run exactly.
 *
 * Shrinking goes toward: fewer faults, shorter and weaker faults, fewer servers / docs / clients,
 * a shorter run, lower edit rates and fewer relay overrides (see faults.ts for why every shrink
 * step keeps the scenario valid).
 */
import fc from "fast-check";
import type { Expectations, FaultKind, Scenario } from "../scenario/types.ts";
import { ALL_FAULT_KINDS, compileFaults, rawFaultArbitrary } from "./faults.ts";
import { applyBoundaryTiming, boundaryTimingArbitrary } from "./boundary-timing.ts";
import { relayKnobsArbitrary } from "./knobs.ts";

export interface ScenarioArbitraryOptions {
  /** Scenario name prefix. Default "fuzz". */
  name?: string;
  /** Topology upper bounds. Defaults 4 servers, 3 docs, 12 clients (lower bounds 1, 1, 2). */
  maxServers?: number;
  maxDocs?: number;
  maxClients?: number;
  /** Fault-phase length bounds. Default 5 s .. 30 s. */
  minDurationMs?: number;
  maxDurationMs?: number;
  /** Most faults in one schedule. Default 6. */
  maxFaults?: number;
  /** Fault kinds to draw from. Default: every kind. */
  faultKinds?: readonly FaultKind[];
  /** Highest edits/s per client. Default 5. */
  maxEditsPerSecond?: number;
  /** Randomize relay config knobs. Default true. */
  randomizeRelay?: boolean;
  /**
   * Most Redis Cluster masters (topology.redisShards, shrinking toward 1 = one Redis), with
   * per-shard outages, restarts and latencies. Default 1: no shard draws at all, so the default
   * stream of scenarios (and the planted-bug budgets tuned on it) is unchanged.
   */
  maxRedisShards?: number;
}

/**
 * The invariants every run must hold. 15 s is PROTOCOL.md's ghost-presence bound; convergence gets
 * the same: enough for client back-off, Redis back-off, a snapshot timeout and a resync round.
 */
export const FUZZ_EXPECTATIONS: Expectations = {
  converge: { withinMs: 15_000 },
  noDataLoss: true,
  queueBound: true,
  noGhostPresence: { withinMs: 15_000 },
  presenceComplete: { withinMs: 10_000 },
  efficiency: { factor: 2.5 },
  snapshots: true,
  rateLimitFair: true,
  routing: true,
  accounting: true,
};

export function scenarioArbitrary(options: ScenarioArbitraryOptions = {}): fc.Arbitrary<Scenario> {
  const maxEditsPerSecond = options.maxEditsPerSecond ?? 5;
  return fc
    .record({
      seed: fc.noShrink(fc.integer({ min: 1, max: 0x7fff_ffff })),
      topology: fc.record({
        servers: fc.integer({ min: 1, max: options.maxServers ?? 4 }),
        docs: fc.integer({ min: 1, max: options.maxDocs ?? 3 }),
        clients: fc.integer({ min: 2, max: options.maxClients ?? 12 }),
        ...((options.maxRedisShards ?? 1) > 1 ? { redisShards: fc.integer({ min: 1, max: options.maxRedisShards! }) } : {}),
      }).map(({ redisShards, ...topology }: { servers: number; docs: number; clients: number; redisShards?: number }) =>
        redisShards !== undefined && redisShards > 1 ? { ...topology, redisShards } : topology,
      ),
      durationSeconds: fc.integer({
        min: Math.ceil((options.minDurationMs ?? 5_000) / 1000),
        max: Math.floor((options.maxDurationMs ?? 30_000) / 1000),
      }),
      editsPerSecond: fc.integer({ min: 1, max: maxEditsPerSecond }),
      ops: fc.record({
        insertText: fc.integer({ min: 1, max: 10 }),
        deleteText: fc.integer({ min: 0, max: 5 }),
        setMap: fc.integer({ min: 0, max: 5 }),
        presence: fc.integer({ min: 0, max: 5 }),
      }),
      latency: fc.record({ baseMs: fc.integer({ min: 1, max: 20 }), jitterMs: fc.integer({ min: 0, max: 10 }) }),
      relay: options.randomizeRelay === false ? fc.constant({}) : relayKnobsArbitrary(),
      faults: faultListArbitrary(options),
      boundary: boundaryTimingArbitrary(),
    })
    .map((raw): Scenario => {
      const durationMs = raw.durationSeconds * 1000;
      const faults = applyBoundaryTiming(compileFaults(raw.faults, raw.topology, durationMs), raw.relay, raw.boundary);
      return {
        name: `${options.name ?? "fuzz"}-${raw.seed}`,
        description: `Random scenario: ${faults.length} fault(s) over ${raw.durationSeconds}s (${faults.map((f) => f.kind).join(", ") || "none"}).`,
        seed: raw.seed,
        durationMs,
        topology: raw.topology,
        relay: raw.relay,
        workload: { editsPerSecond: raw.editsPerSecond, ops: raw.ops },
        network: { latency: raw.latency },
        faults,
        expect: structuredClone(FUZZ_EXPECTATIONS),
      };
    });
}

function faultListArbitrary(options: ScenarioArbitraryOptions) {
  const kinds = options.faultKinds ?? ALL_FAULT_KINDS;
  const maxLength = kinds.length === 0 ? 0 : (options.maxFaults ?? 6);
  if (maxLength === 0) return fc.constant([]);
  // size "max": lengths spread over 0..maxFaults (fast-check's default bias would draw mostly empty schedules).
  return fc.array(rawFaultArbitrary(kinds, (options.maxRedisShards ?? 1) > 1), { maxLength, size: "max" });
}
