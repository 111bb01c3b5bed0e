/**
 * Simulator speed: virtual time per wall time for a 4-server / 16-client / 60 s scenario with a
 * Redis outage, a crash and a partition (goal: >= 1000x). Not a test (timing on a shared 2-core
 * machine is noisy): run `npx tsx bench/sim-speed.ts [runs] [--no-checkers]` and read the numbers.
 * The machine is shared: wall time includes waiting for a core, so the ratio per CPU second of
 * this process is printed too. Also reports where wall time goes: events per run, wall per event, and the cost of the
 * host's settle step (one setImmediate round trip) measured alone.
 */
import { pathToFileURL } from "node:url";
import { runCheckers } from "../lab/checkers/index.ts";
import { quiescenceStartMs, type Scenario } from "../lab/scenario/types.ts";
import { defineScenario } from "../lab/scenario/define.ts";
import { buildScenarioWorld, runEndMs } from "../sim/index.ts";

export const SPEED_SCENARIO: Scenario = defineScenario({
  name: "sim-speed-4x16",
  description: "4 servers, 2 docs, 16 clients, 60 s at 2 edits/s per client, with an outage, a crash and a partition",
  durationMs: 60_000,
  topology: { servers: 4, docs: 2, clients: 16 },
  faults: [
    { atMs: 10_000, kind: "redisOutage", forMs: 10_000 },
    { atMs: 25_000, kind: "crash", server: "s2", restartAfterMs: 5_000 },
    { atMs: 40_000, kind: "partition", sides: [["s1", "s2", "redis"], ["s3", "s4"]], forMs: 10_000 },
  ],
  expect: { converge: { withinMs: 10_000 }, noDataLoss: true, queueBound: true, noGhostPresence: { withinMs: 15_000 } },
});

async function settleCostUs(rounds: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
  return ((performance.now() - start) * 1000) / rounds;
}

async function measure(seed: number, withCheckers: boolean) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const { world } = buildScenarioWorld(SPEED_SCENARIO, { seed });
  const endMs = runEndMs(SPEED_SCENARIO);
  await world.runUntil(endMs);
  const simulatedMs = performance.now() - start;
  if (withCheckers) runCheckers(SPEED_SCENARIO, world.observations(quiescenceStartMs(SPEED_SCENARIO)));
  const totalMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { endMs, simulatedMs, totalMs, cpuMs, events: world.kernel.eventCount, traceEvents: world.kernel.trace.length, edits: world.observer.edits.length };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  const withCheckers = !process.argv.includes("--no-checkers");
  await measure(99, false); // warm-up: JIT and module loading
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await measure(i + 1, withCheckers));
  const settleUs = await settleCostUs(20_000);
  for (const r of results) {
    console.log(
      `virtual ${r.endMs} ms in ${r.totalMs.toFixed(0)} ms wall (sim ${r.simulatedMs.toFixed(0)} ms, checkers ${(r.totalMs - r.simulatedMs).toFixed(0)} ms): ` +
        `${(r.endMs / r.totalMs).toFixed(0)}x real time (${(r.endMs / r.cpuMs).toFixed(0)}x per CPU second, ${r.cpuMs.toFixed(0)} ms CPU); ${r.events} events (${((r.simulatedMs * 1000) / r.events).toFixed(1)} us/event), ${r.traceEvents} trace events, ${r.edits} edits`,
    );
  }
  const best = Math.max(...results.map((r) => r.endMs / r.totalMs));
  console.log(`settle (setImmediate round trip): ${settleUs.toFixed(2)} us; best ratio ${best.toFixed(0)}x`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
