/**
 * Relay throughput (issue 17): the highest aggregate edit rate over many documents and several
 * relays at which the cross-server p99 stays at or under 5 ms, in ONE run, for
 *   lfcc-redis    N `lfcc serve --redis URL` processes (from dist/) on one real redis-server;
 *   lfcc-cluster  N `lfcc serve --redis-cluster SEEDS` on a real 3-master Redis Cluster;
 *   hocuspocus    N Hocuspocus 4 servers with @hocuspocus/extension-redis on one redis-server.
 * Every document has an editor on server i and a reader on server i+1 (real providers in this
 * process); edits are one-character appends, open loop, round-robin over the documents. The rate
 * doubles from --start-rate while steps pass, then bisects (bench/throughput/step.ts). Per step:
 * p50/p99 edit-to-remote-apply latency, Redis publishes per edit (INFO commandstats PUBLISH +
 * SPUBLISH summed over the masters, minus the idle rate measured before the search, over edits),
 * and the CPU of every process (relays, Redis, this load generator) in cores.
 *
 *   npm run build && npx tsx bench/relay-throughput.ts [--relays 3] [--docs 200] [--start-rate 250]
 *     [--max-rate 16000] [--bisect 3] [--warmup-s 1] [--step-s 4] [--p99-ms 5]
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
import { parseBenchFlags } from "./flags.ts";
import { EditPair } from "./throughput/open-loop.ts";
import { SELF, startCpuWindow } from "./throughput/process-cpu.ts";
import { publishCalls, redisPid } from "./throughput/redis-counters.ts";
import { runStep, searchCeiling, type StepResult, type StepSettings } from "./throughput/step.ts";
import { startHocuspocusServers, startLfccServes, type ThroughputSystem, type ThroughputSystemName } from "./throughput/systems.ts";

const config = parseBenchFlags({
  relays: 3,
  docs: 200,
  "start-rate": 250,
  "max-rate": 16000,
  bisect: 3,
  "warmup-s": 1,
  "step-s": 4,
  "drain-s": 2,
  "p99-ms": 5,
  /** lfcc's default limit is 100 messages/s per connection: stay well under it per document. */
  "max-doc-rate": 50,
  systems: "lfcc-redis,lfcc-cluster,hocuspocus",
});
const settings: StepSettings = {
  warmupMs: config.warmupS * 1000,
  recordMs: config.stepS * 1000,
  drainMs: config.drainS * 1000,
  p99TargetMs: config.p99Ms,
  minIssuedShare: 0.95,
  maxGeneratorCores: 0.9,
};
const IDLE_WINDOW_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Probe {
  publishesPerEdit: number;
  relayCores: number[];
  redisCores: number[];
  generatorCores: number;
}

/** Where the system's Redis publishes are counted and whose CPU is read. */
interface Backend {
  nodes: Redis[];
  start(relays: number): Promise<ThroughputSystem>;
}

async function connectPairs(system: ThroughputSystem, tag: string, latencies: number[]): Promise<EditPair[]> {
  const relays = system.servers.length;
  const clients = Array.from({ length: config.docs }, (_, i) => [system.connect(i % relays, `${tag}-${i}`), system.connect((i + 1) % relays, `${tag}-${i}`)] as const);
  await waitFor(`${clients.length * 2} clients synced`, () => clients.every(([editor, reader]) => editor.synced() && reader.synced()), 60_000);
  return clients.map(([editor, reader]) => new EditPair(editor.doc, reader.doc, (ms, recorded) => recorded && latencies.push(ms)));
}

async function measureSystem(name: ThroughputSystemName, backend: Backend): Promise<Array<StepResult<Probe>>> {
  const system = await backend.start(config.relays);
  try {
    const latencies: number[] = [];
    const pairs = await connectPairs(system, name, latencies);
    const redisPids = await Promise.all(backend.nodes.map(redisPid));
    const pids: Record<string, number | typeof SELF> = { generator: SELF };
    system.servers.forEach((s, i) => (pids[`relay${i}`] = s.child.pid!));
    redisPids.forEach((pid, i) => (pids[`redis${i}`] = pid));
    // Publishes nobody's edit caused (lfcc's liveness beat, Hocuspocus's awareness renewals).
    const idleBefore = await publishCalls(backend.nodes);
    await sleep(IDLE_WINDOW_MS);
    const idlePerSecond = ((await publishCalls(backend.nodes)) - idleBefore) / (IDLE_WINDOW_MS / 1000);
    let stopCpu: () => Record<string, number> = () => ({});
    let publishesBefore = 0;
    const probe = {
      async begin() {
        publishesBefore = await publishCalls(backend.nodes);
        stopCpu = startCpuWindow(pids);
      },
      async end(edits: number, windowS: number): Promise<Probe> {
        const cores = stopCpu();
        const publishes = (await publishCalls(backend.nodes)) - publishesBefore - idlePerSecond * windowS;
        return {
          publishesPerEdit: Math.round((publishes / edits) * 100) / 100,
          relayCores: system.servers.map((_, i) => cores[`relay${i}`]!),
          redisCores: redisPids.map((_, i) => cores[`redis${i}`]!),
          generatorCores: cores.generator!,
        };
      },
    };
    const maxRate = Math.min(config.maxRate, config.docs * config.maxDocRate);
    return await searchCeiling(config.startRate, maxRate, config.bisect, async (rate) => {
      const step = await runStep(pairs, rate, settings, probe, latencies);
      console.error(`${name} ${JSON.stringify(step)}`);
      return step;
    });
  } finally {
    await system.stop();
  }
}

const sum = (values: number[]) => Math.round(values.reduce((total, v) => total + v, 0) * 100) / 100;

function printTable(results: Record<string, Array<StepResult<Probe>>>): void {
  const header = ["system", "rate/s", "done/s", "p50 ms", "p99 ms", "lost", "pub/edit", "relays cores", "redis cores", "gen cores", "gen lag p99", "verdict"];
  console.log(header.join(" | "));
  for (const [name, steps] of Object.entries(results)) {
    for (const s of [...steps].sort((a, b) => a.targetRate - b.targetRate)) {
      const relays = `${sum(s.probe.relayCores)} (${s.probe.relayCores.join("/")})`;
      const redis = s.probe.redisCores.length > 1 ? `${sum(s.probe.redisCores)} (${s.probe.redisCores.join("/")})` : String(s.probe.redisCores[0]);
      console.log([name, s.targetRate, s.achievedRate, s.p50Ms, s.p99Ms, s.lost, s.probe.publishesPerEdit, relays, redis, s.probe.generatorCores, s.generatorLagP99Ms, s.verdict].join(" | "));
    }
    const passed = steps.filter((s) => s.verdict === "pass").map((s) => s.targetRate);
    console.log(`${name}: ceiling ${passed.length ? Math.max(...passed) : "below " + config.startRate} edits/s`);
  }
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
  console.log(JSON.stringify({ bench: "relay-throughput", config, loadBefore, loadAfter: loadavg().map((l) => l.toFixed(2)), results }));
}

await main();
// Destroyed or not, providers leave awareness timers (y-protocols) running: end the process here.
process.exit(0);
