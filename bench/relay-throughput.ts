/**
 * Relay throughput (issue 17): the highest aggregate edit rate over many documents and several
 * relays at which the cross-server p99 stays at or under 5 ms, in ONE run, for
 *   lfcc-redis    N `lfcc serve --redis URL` processes (from dist/) on one real redis-server;
 *   lfcc-cluster  N `lfcc serve --redis-cluster SEEDS` on a real 3-master Redis Cluster;
 *   hocuspocus    N Hocuspocus 4 servers with @hocuspocus/extension-redis on one redis-server.
 * Every document has an editor on server i and a reader on server i+1 (real providers in this
 * process); edits are one-character appends, open loop, round-robin over the documents. The rate
 * doubles from --start-rate until the system saturates, then bisects above the highest rate whose
 * p99 met the target (bench/throughput/step.ts). Per step:
 * p50/p99 edit-to-remote-apply latency, Redis publishes per edit (INFO commandstats PUBLISH +
 * SPUBLISH summed over the masters, minus the idle rate measured before the search, over edits),
 * and the CPU of every process (relays, Redis, this load generator) in cores.
 *
 *   npm run build && npx tsx bench/relay-throughput.ts [--relays 3] [--docs 200] [--start-rate 100]
 *     [--max-rate 16000] [--bisect 3] [--warmup-s 1] [--step-s 4] [--p99-ms 5] [--saturation-p50-ms 20]
 *     [--systems lfcc-redis,lfcc-cluster,hocuspocus]
 *
 * Not a test: the machine is a noisy 2-core box shared with the load generator; bench/README.md
 * says how to read it.
 */
import { loadavg } from "node:os";
import { Redis } from "ioredis";
import { startRedisServer } from "../chaos/infra/redis-server.ts";
import { startRedisCluster } from "../chaos/infra/redis-cluster.ts";
import { waitFor } from "../test/integration/helpers.ts";
import type { BenchClient } from "./peers/systems.ts";
import { parseBenchFlags } from "./flags.ts";
import { fitCpuPerEdit } from "./throughput/cpu-fit.ts";
import { EditPair } from "./throughput/open-loop.ts";
import { SELF, startCpuWindow } from "./throughput/process-cpu.ts";
import { publishCalls, redisPid } from "./throughput/redis-counters.ts";
import { runStep, searchCeiling, type StepProbe, type StepResult, type StepSettings } from "./throughput/step.ts";
import { startHocuspocusServers, startLfccServes, type ThroughputSystem, type ThroughputSystemName } from "./throughput/systems.ts";

const config = parseBenchFlags({
  relays: 3,
  docs: 200,
  "start-rate": 100,
  "max-rate": 16000,
  bisect: 3,
  "warmup-s": 1,
  "step-s": 4,
  "drain-s": 2,
  "p99-ms": 5,
  "saturation-p50-ms": 20,
  /** lfcc's default limit is 100 messages/s per connection: stay well under it per document. */
  "max-doc-rate": 50,
  systems: "lfcc-redis,lfcc-cluster,hocuspocus",
});
const settings: StepSettings = {
  warmupMs: config.warmupS * 1000,
  recordMs: config.stepS * 1000,
  drainMs: config.drainS * 1000,
  p99TargetMs: config.p99Ms,
  saturationP50Ms: config.saturationP50Ms,
  minIssuedShare: 0.95,
  maxGeneratorCores: 0.9,
};
/** After the clients synced, their start-up traffic (SYNC_STEP1, JOIN, rosters) dies down first. */
const SETTLE_MS = 3000;
const IDLE_WINDOW_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Probe {
  /** Net of the idle rate (below); rawPublishesPerEdit counts every publish in the window. */
  publishesPerEdit: number;
  rawPublishesPerEdit: number;
  idlePublishesPerSecond: number;
  relayCores: number[];
  redisCores: number[];
  generatorCores: number;
}

/** Where the system's Redis publishes are counted and whose CPU is read. */
interface Backend {
  nodes: Redis[];
  start(relays: number): Promise<ThroughputSystem>;
}

/** Editor on server i, reader on server i+1, for each document; the clients go in `clients`. */
async function connectPairs(system: ThroughputSystem, tag: string, latencies: number[], clients: BenchClient[]): Promise<EditPair[]> {
  const relays = system.servers.length;
  const pairs = Array.from({ length: config.docs }, (_, i) => [system.connect(i % relays, `${tag}-${i}`), system.connect((i + 1) % relays, `${tag}-${i}`)] as const);
  clients.push(...pairs.flat());
  await waitFor(`${clients.length} clients synced`, () => clients.every((client) => client.synced()), 60_000);
  return pairs.map(([editor, reader]) => new EditPair(editor.doc, reader.doc, (ms, recorded) => recorded && latencies.push(ms)));
}

/** Reads Redis publishes and every process's CPU around each step's recorded window. */
async function probeFor(nodes: Redis[], system: ThroughputSystem): Promise<StepProbe<Probe>> {
  const redisPids = await Promise.all(nodes.map(redisPid));
  const pids: Record<string, number | typeof SELF> = { generator: SELF };
  system.servers.forEach((s, i) => (pids[`relay${i}`] = s.child.pid!));
  redisPids.forEach((pid, i) => (pids[`redis${i}`] = pid));
  // Publishes nobody's edit caused (lfcc's liveness beat, Hocuspocus's awareness renewals).
  await sleep(SETTLE_MS);
  const idleBefore = await publishCalls(nodes);
  await sleep(IDLE_WINDOW_MS);
  const idlePerSecond = ((await publishCalls(nodes)) - idleBefore) / (IDLE_WINDOW_MS / 1000);
  let stopCpu: () => Record<string, number> = () => ({});
  let publishesBefore = 0;
  return {
    async begin() {
      publishesBefore = await publishCalls(nodes);
      stopCpu = startCpuWindow(pids);
    },
    async end(edits, windowS) {
      const cores = stopCpu();
      const publishes = (await publishCalls(nodes)) - publishesBefore;
      return {
        publishesPerEdit: Math.round(((publishes - idlePerSecond * windowS) / edits) * 100) / 100,
        rawPublishesPerEdit: Math.round((publishes / edits) * 100) / 100,
        idlePublishesPerSecond: Math.round(idlePerSecond * 10) / 10,
        relayCores: system.servers.map((_, i) => cores[`relay${i}`]!),
        redisCores: redisPids.map((_, i) => cores[`redis${i}`]!),
        generatorCores: cores.generator!,
      };
    },
  };
}

async function measureSystem(name: ThroughputSystemName, backend: Backend): Promise<Array<StepResult<Probe>>> {
  const system = await backend.start(config.relays);
  const clients: BenchClient[] = [];
  try {
    const latencies: number[] = [];
    const pairs = await connectPairs(system, name, latencies, clients);
    const probe = await probeFor(backend.nodes, system);
    const maxRate = Math.min(config.maxRate, config.docs * config.maxDocRate);
    return await searchCeiling(config.startRate, maxRate, config.bisect, async (rate) => {
      const step = await runStep(pairs, rate, settings, probe, latencies);
      console.error(`${name} ${JSON.stringify(step)}`);
      return step;
    });
  } finally {
    // Before the servers go: a provider left behind would keep reconnecting, and load this process.
    clients.forEach((client) => client.destroy());
    await system.stop();
  }
}

const sum = (values: number[]) => Math.round(values.reduce((total, v) => total + v, 0) * 100) / 100;

function printTable(results: Record<string, Array<StepResult<Probe>>>): void {
  const header = ["system", "rate/s", "done/s", "p50 ms", "p99 ms", "lost", "pub/edit (raw)", "relays cores", "redis cores", "gen cores", "gen lag p99", "verdict"];
  console.log(header.join(" | "));
  for (const [name, steps] of Object.entries(results)) {
    for (const s of [...steps].sort((a, b) => a.targetRate - b.targetRate)) {
      const relays = `${sum(s.probe.relayCores)} (${s.probe.relayCores.join("/")})`;
      const redis = s.probe.redisCores.length > 1 ? `${sum(s.probe.redisCores)} (${s.probe.redisCores.join("/")})` : String(s.probe.redisCores[0]);
      console.log([name, s.targetRate, s.achievedRate, s.p50Ms, s.p99Ms, s.lost, `${s.probe.publishesPerEdit} (${s.probe.rawPublishesPerEdit})`, relays, redis, s.probe.generatorCores, s.generatorLagP99Ms, s.verdict].join(" | "));
    }
    const passed = steps.filter((s) => s.verdict === "pass").map((s) => s.targetRate);
    const saturated = steps.find((s) => s.verdict !== "pass" && s.verdict !== "p99 over target");
    const ceiling = passed.length ? `${Math.max(...passed)} edits/s` : `none (p99 over ${config.p99Ms} ms from ${config.startRate} edits/s on)`;
    console.log(`${name}: p99 <= ${config.p99Ms} ms up to ${ceiling}; ${saturated ? `${saturated.verdict} at ${saturated.targetRate} edits/s` : "not saturated up to the highest rate tried"}`);
    for (const [part, fit] of Object.entries(cpuFits(steps))) console.log(`  ${part}: ${fit ? `${fit.microsPerEdit} us CPU per edit, ${fit.idleCores} cores idle, one core = ${fit.editsPerCore} edits/s` : "too few steps to fit"}`);
  }
}

/** CPU per edit of the relay tier, the busiest Redis node and the generator, over the steps that kept up. */
function cpuFits(steps: Array<StepResult<Probe>>) {
  const keptUp = steps.filter((s) => s.verdict === "pass" || s.verdict === "p99 over target");
  const fit = (cores: (s: StepResult<Probe>) => number) => fitCpuPerEdit(keptUp.map((s) => ({ rate: s.achievedRate, cores: cores(s) })));
  return {
    "relays (all)": fit((s) => sum(s.probe.relayCores)),
    "busiest redis node": fit((s) => Math.max(...s.probe.redisCores)),
    generator: fit((s) => s.probe.generatorCores),
  };
}

async function main(): Promise<void> {
  const names = config.systems.split(",") as ThroughputSystemName[];
  const loadBefore = loadavg().map((l) => l.toFixed(2));
  const redis = await startRedisServer();
  const cluster = names.includes("lfcc-cluster") ? await startRedisCluster({ masters: 3 }) : null;
  const single = new Redis(redis.url);
  const masters = cluster ? cluster.nodes.map((node) => cluster.client(node.name)) : [];
  const backends: Record<ThroughputSystemName, Backend> = {
    "lfcc-redis": { nodes: [single], start: (n) => startLfccServes(["--redis", redis.url], n, "lfcc-redis") },
    "lfcc-cluster": { nodes: masters, start: (n) => startLfccServes(["--redis-cluster", cluster!.seeds], n, "lfcc-cluster") },
    hocuspocus: { nodes: [single], start: (n) => startHocuspocusServers(redis.url, n, "hp") },
  };
  const results: Record<string, Array<StepResult<Probe>>> = {};
  try {
    for (const name of names) results[name] = await measureSystem(name, backends[name]);
  } finally {
    [single, ...masters].forEach((client) => client.disconnect());
    await cluster?.stop();
    await redis.stop();
  }
  printTable(results);
  const fits = Object.fromEntries(Object.entries(results).map(([name, steps]) => [name, cpuFits(steps)]));
  console.log(JSON.stringify({ bench: "relay-throughput", config, loadBefore, loadAfter: loadavg().map((l) => l.toFixed(2)), results, cpuFits: fits }));
}

await main();
// Destroyed or not, providers leave awareness timers (y-protocols) running: end the process here.
process.exit(0);
