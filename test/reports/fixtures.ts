/**
 * Fake-but-realistic run records for report tests: a 60 s run with a Redis outage, a crash and a
 * partition, and time series shaped the way those faults shape them (queue filling to its bound
 * during the outage, replicas diverging during the partition, latency spikes, reconnect steps).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PresenceTimeline } from "../../lab/presence.ts";
import { defineScenario } from "../../lab/scenario/index.ts";
import type { AppliedFault, RunRecord, TimeSeries } from "../../lab/record.ts";
import type { BuildInfo } from "../../reports/build-info.ts";

/** A fixed build identity, so pages are the same on every machine. */
export const BUILD: BuildInfo = { packageVersion: "9.9.9-test", gitCommit: "abc123def456", date: "2026-01-02T03:04:05.000Z", host: "ci-runner-7", node: "v20.99.0" };

const RUN_MS = 75_000;
const STEP_MS = 250;

export const FAULTS: AppliedFault[] = [
  { kind: "redisOutage", startMs: 10_000, endMs: 25_000, detail: "redis unreachable from s1,s2,s3" },
  { kind: "crash", startMs: 30_000, endMs: 35_000, detail: "s2 killed, restarted as s2'" },
  { kind: "partition", startMs: 40_000, endMs: 50_000, detail: "[s1, redis] | [s2, s3]" },
  { kind: "clockSkew", startMs: 5_000, endMs: 5_000, detail: "s3 +250ms", skipped: true },
];

const inWindow = (t: number, from: number, to: number): boolean => t >= from && t < to;

export function timeSeries(queueBound = 200, overflowBy = 0): TimeSeries {
  const tMs = Array.from({ length: RUN_MS / STEP_MS + 1 }, (_, i) => i * STEP_MS);
  const queue = (server: number) => (t: number): number =>
    inWindow(t, 10_000, 25_000) ? Math.min(queueBound + (server === 1 ? overflowBy : 0), Math.round((t - 10_000) / (40 + server * 10))) : inWindow(t, 25_000, 26_500) ? Math.round(queueBound * (1 - (t - 25_000) / 1_500)) : 0;
  const divergence = (doc: number) => (t: number): number => (inWindow(t, 40_000, 52_000) ? 2 + (doc % 2) : inWindow(t, 30_000, 33_000) ? 2 : 1);
  // Nothing is delivered during the partition's first 4 s (40-44 s): those windows must be gaps, not 0 ms.
  const silent = (t: number) => inWindow(t, 40_000, 44_000);
  const latency = (scale: number) => (t: number): number => (silent(t) ? 0 : inWindow(t, 10_000, 26_000) ? 400 * scale : inWindow(t, 40_000, 51_000) ? 900 * scale : 3 * scale + (t % 2000) / 500);
  return {
    tMs,
    queueDepth: { s1: tMs.map(queue(1)), s2: tMs.map(queue(2)), s3: tMs.map(queue(3)) },
    queueBound: { s1: queueBound, s2: queueBound, s3: queueBound },
    divergence: { d1: tMs.map(divergence(1)), d2: tMs.map(divergence(2)) },
    connectedClients: tMs.map((t) => (inWindow(t, 30_000, 32_000) ? 8 : 12)),
    reconnects: tMs.map((t) => (t >= 30_500 ? 4 : 0) + (t >= 50_500 ? 3 : 0)),
    snapshotFallbacks: tMs.map((t) => (t >= 31_000 ? 1 : 0)),
    deliveryLatencyMs: { p50: tMs.map(latency(1)), p90: tMs.map(latency(1.6)), p99: tMs.map(latency(2.4)), max: tMs.map(latency(3)), count: tMs.map((t) => (silent(t) ? 0 : 40)) },
  };
}

/**
 * Presence as the crash at 30 s leaves it: c3's session on s2 ends at 30 s; c1 sees the LEAVE at
 * 31 s, c2 only at 50 s: a ghost for 5 s past the 15 s deadline (45 s).
 */
export function presence(): PresenceTimeline {
  return {
    ghostWithinMs: 15_000,
    beliefs: [
      { observer: "c1", docId: "d1", peer: "c2", fromMs: 100, toMs: 75_000, peerEndMs: null },
      { observer: "c1", docId: "d1", peer: "c3", fromMs: 120, toMs: 31_000, peerEndMs: 30_000 },
      { observer: "c2", docId: "d1", peer: "c1", fromMs: 90, toMs: 75_000, peerEndMs: null },
      { observer: "c2", docId: "d1", peer: "c3", fromMs: 130, toMs: 50_000, peerEndMs: 30_000 },
      { observer: "c4", docId: "d2", peer: "c5", fromMs: 200, toMs: 75_000, peerEndMs: null },
    ],
  };
}

export function runRecord(overrides: Partial<RunRecord> & Pick<RunRecord, "scenario" | "seed" | "mode">): RunRecord {
  return {
    passed: true,
    traceHash: overrides.mode === "sim" ? "9f2c4e1d0b7a6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e" : null,
    virtualMs: RUN_MS,
    wallMs: 412,
    invariants: [
      { name: "converge", passed: true, detail: "converged 1.8s after heal" },
      { name: "noDataLoss", passed: true, detail: "all 3600 promised edits in all 12 live replicas" },
      { name: "queueBound", passed: true, detail: "peak 200/200 messages on s1 at 18s" },
      { name: "noGhostPresence", passed: true, detail: "9 ended sessions reported LEFT within 15s" },
    ],
    metrics: { edits: 3600, deliveries: 39600, crossServerMessages: 25000, queuedMax: 200, dropped: 812, snapshotRequests: 31, snapshotFallbacks: 1, reconnects: 7, convergenceMs: 1800 },
    deliveryLatencyMs: { p50: 3, p90: 640, p99: 2160, max: 2700 },
    failureFile: null,
    faults: FAULTS,
    timeSeries: timeSeries(),
    presence: presence(),
    ...overrides,
  };
}

/** A failing sim run whose details contain characters every format must escape. */
export function failingRecord(): RunRecord {
  return runRecord({
    scenario: "redis-outage-bounded-queue",
    seed: 7,
    mode: "sim",
    passed: false,
    failureFile: "lfcc-out/failures/redis-outage-bounded-queue-seed7.json",
    timeSeries: timeSeries(200, 35),
    metrics: { edits: 3600, deliveries: 39000, crossServerMessages: 25000, queuedMax: 235, dropped: 0, snapshotRequests: 31, snapshotFallbacks: 1, reconnects: 7, convergenceMs: null },
    deliveryLatencyMs: undefined, // an older record: no run-level quantiles, shown as "-"
    invariants: [
      { name: "converge", passed: false, detail: `d1: final replicas differ, 2 distinct states {c1,c2} / {c3}; c3 lacks c5 (clientID 77) clocks 40..57 <"&'>` },
      { name: "noDataLoss", passed: true, detail: "all 3600 promised edits in all 12 live replicas" },
      { name: "queueBound", passed: false, detail: "3 samples over the bound: s1 at 17.5s held 235 messages / 9000 bytes (bound 200 / 1048576)" },
    ],
  });
}

/** The scenario of the crash-and-partition runs: edits for 30 s, converge within 15 s of the heal. */
export const CRASH_AND_PARTITION = defineScenario({ name: "crash-and-partition", durationMs: 30_000, topology: { servers: 3, docs: 2, clients: 12 }, expect: { converge: { withinMs: 15_000 } } });

/** The standard set: one scenario in both modes (side by side), one failing sim run. */
export function sampleRecords(): RunRecord[] {
  return [
    runRecord({ scenario: "crash-and-partition", seed: 1, mode: "sim", scenarioSpec: CRASH_AND_PARTITION }),
    runRecord({ scenario: "crash-and-partition", seed: 1, mode: "chaos", wallMs: 76_300, replayCommand: "npx lfcc chaos scenarios/crash-and-partition.yaml", faults: FAULTS, scenarioSpec: CRASH_AND_PARTITION }),
    failingRecord(),
  ];
}

/**
 * One scenario in both modes for the fidelity section: sim seeds 1..3 spread a little, and a
 * chaos run whose cross-server messages and p99 lie outside the sim's range.
 */
export function fidelityRecords(): RunRecord[] {
  const sim = [1, 2, 3].map((seed) => {
    const base = runRecord({ scenario: "crash-and-partition", seed, mode: "sim" });
    return { ...base, metrics: { ...base.metrics, edits: 3590 + seed * 5, crossServerMessages: 24_900 + seed * 50 }, deliveryLatencyMs: { p50: 3, p90: 600 + seed, p99: 2100 + seed * 20, max: 2700 } };
  });
  const chaos = runRecord({ scenario: "crash-and-partition", seed: 1, mode: "chaos", wallMs: 76_300 });
  return [...sim, { ...chaos, metrics: { ...chaos.metrics, edits: 3600, crossServerMessages: 31_000 }, deliveryLatencyMs: { p50: 4, p90: 700, p99: 4100, max: 5000 } }];
}

export async function writeResultsDir(dir: string, records: RunRecord[]): Promise<void> {
  await mkdir(join(dir, "runs"), { recursive: true });
  await Promise.all(records.map((r, i) => writeFile(join(dir, "runs", `${String(i).padStart(3, "0")}-${r.scenario}-${r.seed}-${r.mode}.json`), JSON.stringify(r))));
}
