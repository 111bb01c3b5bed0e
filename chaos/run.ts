/**
 * One chaos run: a scenario against real redis-server, Toxiproxy, `lfcc serve` processes and
 * providers over `ws`, on the wall clock. Judged by the simulator's own checkers, reported as
 * the same RunRecord as `lfcc sim --json` (mode "chaos", traceHash null).
 */
import type { Observations } from "../lab/observations.ts";
import { presenceTimeline } from "../lab/presence.ts";
import { latencyQuantiles } from "../lab/deliveries.ts";
import type { AppliedFault, RunRecord } from "../lab/record.ts";
import { quiescenceStartMs, type Fault, type Scenario } from "../lab/scenario/types.ts";
import { convergenceMs, runCheckers } from "../lab/checkers/index.ts";
import { ChaosCluster } from "./cluster.ts";
import { runFault } from "./faults.ts";
import { acquireServices, type ChaosServices, type ServiceOptions } from "./infra/services.ts";
import { ClusterSampler } from "./sampler.ts";
import { scaleScenario } from "./time-scale.ts";

/** How often the cluster is sampled (digests, /metrics). Default 250 ms. */
const DEFAULT_SAMPLE_INTERVAL_MS = 250;
/** Extra wall time after the last expect window before the run gives up waiting. */
const SETTLE_GRACE_MS = 2000;
/** With no converge expectation, still give replicas this long to settle after quiescence. */
const DEFAULT_SETTLE_MS = 10_000;

export interface ChaosRunOptions extends ServiceOptions {
  seed?: number;
  /** See chaos/time-scale.ts. Default 1. */
  timeScale?: number;
  sampleIntervalMs?: number;
  /** Reuse services across runs (the CLI acquires them once); acquired and torn down here otherwise. */
  services?: ChaosServices;
  onProgress?: (message: string) => void;
}

export interface ChaosRunResult {
  record: RunRecord;
  observations: Observations;
  relayLogs: Array<[string, string[]]>;
}

export async function runChaos(original: Scenario, options: ChaosRunOptions = {}): Promise<ChaosRunResult> {
  const wallStart = performance.now();
  const scenario = scaleScenario(original, options.timeScale ?? 1);
  const seed = options.seed ?? scenario.seed;
  const services = options.services ?? (await acquireServices(options));
  const cluster = new ChaosCluster(scenario, services, seed);
  try {
    const progress = options.onProgress ?? (() => {});
    progress(`${scenario.name}: starting ${scenario.topology.servers} relays (redis: ${services.redis.origin}, toxiproxy: ${services.toxiproxy.origin})`);
    await cluster.start();
    const { observations, faults } = await play(scenario, cluster, options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS, progress);
    const sampler = observations.sampler;
    const invariants = runCheckers(scenario, observations.obs);
    const record: RunRecord = {
      scenario: scenario.name,
      seed,
      mode: "chaos",
      passed: invariants.every((r) => r.passed),
      traceHash: null,
      virtualMs: Math.round(observations.obs.endMs),
      wallMs: Math.round(performance.now() - wallStart),
      invariants,
      metrics: {
        edits: observations.obs.edits.length,
        deliveries: cluster.sink.deliveries.count,
        crossServerMessages: sampler.total("crossServerMessages"),
        queuedMax: sampler.queuedMax(),
        dropped: sampler.total("dropped"),
        snapshotRequests: sampler.total("snapshotRequests"),
        snapshotFallbacks: [...cluster.clients.values()].reduce((sum, c) => sum + c.snapshotFallbacks, 0),
        reconnects: sampler.reconnects(),
        convergenceMs: roundOrNull(convergenceMs(observations.obs)),
      },
      deliveryLatencyMs: latencyQuantiles(cluster.sink.deliveries.overall(), 0.1),
      failureFile: null,
      faults,
      timeSeries: sampler.series,
      presence: presenceTimeline(observations.obs, scenario.expect.noGhostPresence?.withinMs ?? null),
      scenarioSpec: scenario,
    };
    return { record, observations: observations.obs, relayLogs: cluster.logs.entries() };
  } finally {
    await cluster.shutdown().catch(() => undefined);
    if (!options.services) await services.teardown();
  }
}

async function play(scenario: Scenario, cluster: ChaosCluster, sampleIntervalMs: number, progress: (m: string) => void) {
  const sampler = new ClusterSampler(cluster, scenario.relay);
  const sleepUntil = (ms: number) => sleep(ms - cluster.elapsedMs());
  cluster.begin();
  const stopSampling = every(sampleIntervalMs, () => sampler.sample());
  const faultRuns = Promise.all(scenario.faults.map((fault, i) => applyFault(cluster, fault, i, sleepUntil, progress)));
  await sleepUntil(scenario.durationMs);
  cluster.stopWorkload();
  progress(`${scenario.name}: workload over at ${Math.round(cluster.elapsedMs())} ms`);
  const faults = await faultRuns;
  // A respawn takes real time: measure convergence from when the last fault REALLY healed.
  const quiescenceMs = Math.max(quiescenceStartMs(scenario), ...faults.map((f) => f.endMs));
  const deadlineMs = quiescenceMs + settleWindowMs(scenario) + SETTLE_GRACE_MS;
  let obs = snapshot(cluster, sampler, quiescenceMs);
  // Stop as soon as every invariant holds after quiescence; otherwise wait out the windows.
  while (cluster.elapsedMs() < deadlineMs) {
    await sleep(sampleIntervalMs);
    obs = snapshot(cluster, sampler, quiescenceMs);
    if (cluster.elapsedMs() >= judgeableAfterMs(scenario, obs) && runCheckers(scenario, obs).every((r) => r.passed)) break;
  }
  await stopSampling();
  return { observations: { obs, sampler }, faults };
}

async function applyFault(cluster: ChaosCluster, fault: Fault, index: number, sleepUntil: (ms: number) => Promise<void>, progress: (m: string) => void): Promise<AppliedFault> {
  try {
    const applied = await runFault(cluster, fault, index, sleepUntil);
    progress(`${Math.round(applied.startMs)} ms: ${applied.detail}`);
    return applied;
  } catch (error) {
    const at = cluster.elapsedMs();
    return { kind: fault.kind, startMs: at, endMs: at, detail: `FAILED to apply: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Before this, "all invariants pass" may only mean "not judged yet": noGhostPresence skips
 * sessions whose LEAVE deadline lies beyond the end of the run.
 */
function judgeableAfterMs(scenario: Scenario, obs: Observations): number {
  const ghostWithinMs = scenario.expect.noGhostPresence?.withinMs;
  if (ghostWithinMs === undefined) return obs.quiescenceMs;
  const lastEndMs = Math.max(0, ...obs.sessions.map((s) => s.endMs ?? 0));
  return Math.max(obs.quiescenceMs, lastEndMs + ghostWithinMs);
}

function settleWindowMs(scenario: Scenario): number {
  const { converge, noGhostPresence } = scenario.expect;
  return Math.max(converge?.withinMs ?? (noGhostPresence ? 0 : DEFAULT_SETTLE_MS), noGhostPresence?.withinMs ?? 0);
}

/** The observations as of now (finals taken from the live docs). */
function snapshot(cluster: ChaosCluster, sampler: ClusterSampler, quiescenceMs: number): Observations {
  const endMs = cluster.elapsedMs();
  sampler.sampleReplicas(endMs);
  return {
    quiescenceMs,
    endMs,
    edits: cluster.sink.edits,
    sessions: cluster.sink.sessions.map((s) => ({ ...s })),
    leaves: cluster.sink.leaves,
    peersSeen: cluster.sink.peersSeen,
    queueSamples: sampler.queueSamples,
    replicaSamples: sampler.replicaSamples,
    finalReplicas: [...cluster.clients.values()].map((c) => ({ client: c.name, docId: c.options.docId, live: c.live, state: c.state() })),
  };
}

function every(intervalMs: number, task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(() => (stopped ? undefined : task().catch(() => undefined)));
  }, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
