/**
 * runScenario: one normalized scenario, one seed, in the simulator. Builds the world from the
 * topology, starts every client's workload, schedules the faults, runs from 0 to quiescence
 * (workload over and every fault healed) plus the longest `within` of the expectations (default
 * 10 s) plus a margin, then runs the checkers the scenario names and builds the run record.
 */
import { checkRouting, runCheckers, convergenceMs } from "../../lab/checkers/index.ts";
import type { Observations } from "../../lab/observations.ts";
import { presenceTimeline } from "../../lab/presence.ts";
import { latencyQuantiles } from "../../lab/deliveries.ts";
import type { RunRecord } from "../../lab/record.ts";
import { quiescenceStartMs, type Scenario } from "../../lab/scenario/types.ts";
import type { TraceEvent } from "../../lab/trace.ts";
import { RoutingMonitor } from "../../lab/fuzz/routing-monitor.ts";
import { wallNowMs } from "../kernel/host.ts";
import { hasAttacks } from "../../lab/attack/setup.ts";
import { scheduleFaults } from "./faults.ts";
import { startForger } from "./forger.ts";
import { clientKindOf } from "../../lab/scenario/names.ts";
import { names, placeClient } from "../../lab/placement.ts";
import { productionRelay, type RelayFactory } from "./relay-host.ts";
import { createWorld, type SimWorld } from "./world.ts";

/** Time allowed after quiescence when the scenario names no `within`. */
export const DEFAULT_SETTLE_MS = 10_000;
/** A little extra so the last samples land after the deadlines the checkers judge. */
export const END_MARGIN_MS = 1_000;

export interface RunOptions {
  seed: number;
  keepTrace?: boolean;
  relayFactory?: RelayFactory;
  onProgress?: (virtualMs: number, endMs: number) => void;
}

export interface RunResult {
  record: RunRecord;
  observations: Observations;
  trace?: TraceEvent[];
}

export function runEndMs(scenario: Scenario): number {
  const withins = [scenario.expect.converge?.withinMs, scenario.expect.noGhostPresence?.withinMs].filter(
    (ms): ms is number => ms !== undefined,
  );
  const settleMs = withins.length > 0 ? Math.max(...withins) : DEFAULT_SETTLE_MS;
  return quiescenceStartMs(scenario) + settleMs + END_MARGIN_MS;
}

/** Builds the world of a scenario without running it (tests poke at it). */
export function buildScenarioWorld(scenario: Scenario, options: RunOptions): { world: SimWorld; faults: ReturnType<typeof scheduleFaults>; monitor: RoutingMonitor } {
  // The routing monitor watches every relay of every run (it changes nothing the relay does).
  const monitor = new RoutingMonitor();
  const world = createWorld({
    seed: options.seed,
    keepTrace: options.keepTrace,
    latency: scenario.network.latency,
    relay: scenario.relay,
    relayFactory: monitor.wrap(options.relayFactory ?? productionRelay),
    sparseReplicaSamplingUntilMs: quiescenceStartMs(scenario),
    redisShards: scenario.topology.redisShards,
  });
  if (hasAttacks(scenario)) world.enableAttacks(scenario);
  monitor.useTimeSource(() => world.nowMs);
  // With a cluster secret, a forger publishes unsigned messages (one Redis only: its channels are all there).
  if (scenario.relay.clusterSecret && (scenario.topology.redisShards ?? 1) === 1) startForger(world, () => names("d", scenario.topology.docs));
  for (const server of names("s", scenario.topology.servers)) world.addServer(server);
  const startClientWorkload = (client: string) => world.startWorkload(client, scenario.workload, scenario.durationMs);
  for (let i = 0; i < scenario.topology.clients; i++) {
    const placement = placeClient(scenario.topology, i);
    world.addClient(placement.client, placement.docId, placement.server, clientKindOf(scenario.topology, placement.client));
    startClientWorkload(placement.client);
  }
  const faults = scheduleFaults(world, scenario.faults, { topology: scenario.topology, startClientWorkload });
  return { world, faults, monitor };
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  const wallStartMs = wallNowMs();
  const { world, faults, monitor } = buildScenarioWorld(scenario, options);
  const endMs = runEndMs(scenario);
  await world.runUntil(endMs, progressReporter(world, endMs, options.onProgress), eventBudget(scenario, endMs));
  const observations = { ...world.observations(quiescenceStartMs(scenario)), monitor: monitor.report() };
  const invariants = [...runCheckers(scenario, observations), ...routingAlways(scenario, observations)];
  const counters = world.observer.counters;
  const record: RunRecord = {
    scenario: scenario.name,
    seed: options.seed,
    mode: "sim",
    passed: invariants.every((result) => result.passed) && world.kernel.errors.length === 0 && world.kernel.exhausted === null,
    traceHash: world.kernel.trace.digest(),
    virtualMs: endMs,
    wallMs: Math.round(wallNowMs() - wallStartMs),
    invariants: [...invariants, ...errorInvariant(world), ...runawayInvariant(world, endMs)],
    metrics: {
      edits: observations.edits.length,
      deliveries: world.observer.deliveries.count,
      crossServerMessages: counters.crossServerMessages,
      queuedMax: counters.queuedMax,
      dropped: counters.dropped,
      snapshotRequests: counters.snapshotRequests,
      snapshotFallbacks: counters.snapshotFallbacks,
      reconnects: counters.reconnects,
      convergenceMs: convergenceMs(observations),
    },
    deliveryLatencyMs: latencyQuantiles(world.observer.deliveries.overall(), 0.01),
    failureFile: null,
    faults,
    timeSeries: world.timeSeries.series,
    presence: presenceTimeline(observations, scenario.expect.noGhostPresence?.withinMs ?? null),
    scenarioSpec: scenario,
  };
  return { record, observations, trace: world.kernel.trace.events };
}

/**
 * The routing MUSTs hold in every simulated run: when the scenario does not name `routing`, a
 * violation still fails the run (and shows as a `routing` invariant, like an uncaught error);
 * `routing: false` opts out.
 */
function routingAlways(scenario: Scenario, observations: Observations): RunRecord["invariants"] {
  if (scenario.expect.routing !== undefined) return [];
  const result = checkRouting(observations, scenario);
  return result.passed ? [] : [result];
}

/**
 * An exception escaping the relay or provider (from a timer or a delivery) would crash a real
 * process: it fails the run with its own invariant, so a checker pass cannot hide it.
 */
/**
 * A run may spend at most this many kernel events per participant (server, client, attacker) per
 * virtual second, and at least EVENT_BUDGET_FLOOR. Library and fuzz runs use 9-38 (measured): a
 * run 25x over that is a message storm (an answer that makes every peer answer again, forever),
 * which would otherwise hold a fuzz worker for minutes. It fails as `runaway`.
 */
export const EVENTS_PER_PARTICIPANT_SECOND = 1000;
export const EVENT_BUDGET_FLOOR = 50_000;

function eventBudget(scenario: Scenario, endMs: number): number {
  const participants = scenario.topology.servers + scenario.topology.clients + (scenario.attackers?.length ?? 0);
  return Math.max(EVENT_BUDGET_FLOOR, Math.round(EVENTS_PER_PARTICIPANT_SECOND * participants * (endMs / 1000)));
}

function runawayInvariant(world: SimWorld, endMs: number): RunRecord["invariants"] {
  const stop = world.kernel.exhausted;
  if (!stop) return [];
  return [{ name: "runaway", passed: false, detail: `stopped at ${Math.round(stop.atMs)} ms of ${endMs} ms: ${stop.events} events, over the budget of ${EVENTS_PER_PARTICIPANT_SECOND} per participant per virtual second (a message storm)` }];
}

function errorInvariant(world: SimWorld): RunRecord["invariants"] {
  const errors = world.kernel.errors;
  if (errors.length === 0) return [];
  const first = errors[0];
  return [{ name: "noUncaughtErrors", passed: false, detail: `${errors.length} uncaught errors; first at ${Math.round(first.tMs)} ms on ${first.node}: ${first.message}` }];
}

/** Calls onProgress about every virtual second (cheap: one comparison per event). */
function progressReporter(world: SimWorld, endMs: number, onProgress: RunOptions["onProgress"]): (() => void) | undefined {
  if (!onProgress) return undefined;
  let nextReportMs = 0;
  return () => {
    if (world.nowMs < nextReportMs) return;
    nextReportMs = world.nowMs + 1000;
    onProgress(world.nowMs, endMs);
  };
}
