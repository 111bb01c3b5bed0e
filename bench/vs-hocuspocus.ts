/**
 * lfcc side by side with Hocuspocus 4 (its Redis extension), in ONE run on one real redis-server,
 * so the ratios come from the same machine state. For each system: two server child processes
 * sharing that Redis, real providers in this process, and three measurements:
 *   1. cross-server latency: an edit on server A until a client on server B applied it;
 *   2. fan-out: one editor on A, K readers spread over A and B, until ALL readers applied it;
 *   3. memory per idle connection: heap (after a forced GC, read through the V8 inspector) and RSS
 *      growth of server A's process after C providers synced one doc.
 * Same edits (one-character appends to text "t"), same pacing, same client count for both.
 * The systems run in rounds with alternating order; samples are pooled over rounds.
 *
 *   npx tsx bench/vs-hocuspocus.ts [--edits 200] [--pace-ms 15] [--readers 20] [--fanout-edits 100]
 *                                  [--connections 200] [--rounds 2]
 *
 * Not a test: the machine is a noisy 2-core box; read the ratios, not the absolute numbers.
 */
import { startRedisServer } from "../chaos/infra/redis-server.ts";
import { freePort } from "../chaos/infra/free-port.ts";
import { spawnServe, stopChild, waitFor } from "../test/integration/helpers.ts";
import { inspectFlag, memoryAfterGc, type MemoryAfterGc } from "./heap-after-gc.ts";
import { lfccClient, startHocuspocus, type BenchClient, type ServerProcess, type SystemUnderTest } from "./peers/systems.ts";
import { summarize, timeEditsUntilApplied, type LatencySummary } from "./cross-server-latency.ts";
import { parseBenchFlags } from "./flags.ts";

const config = parseBenchFlags({
  edits: 200,
  /** 15 ms = ~67 edits/s: under lfcc's default 100 msg/s per connection (plus presence frames). */
  "pace-ms": 15,
  readers: 20,
  "fanout-edits": 100,
  connections: 200,
  rounds: 2,
});

const WARMUP_EDITS = 10;

type SystemName = "lfcc" | "hocuspocus";

async function startLfcc(redisUrl: string, round: number): Promise<SystemUnderTest> {
  const servers = await Promise.all(
    ["a", "b"].map(async (id) => {
      const inspectorPort = await freePort();
      const env = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} ${inspectFlag(inspectorPort)}`.trim() };
      const serve = await spawnServe(["--redis", redisUrl, "--server-id", `lfcc-${round}-${id}`, "--log-level", "warn"], env);
      return { ...serve, inspectorPort };
    }),
  );
  return {
    servers,
    connect: (serverIndex, docId) => lfccClient(`lfcc-${serverIndex}`, servers[serverIndex]!.url, docId),
  };
}

async function connectAll(system: SystemUnderTest, docId: string, serverIndexes: number[]): Promise<BenchClient[]> {
  const clients = serverIndexes.map((index) => system.connect(index, docId));
  await waitFor(`${clients.length} clients synced on ${docId}`, () => clients.every((c) => c.synced()), 60_000);
  return clients;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Memory after a full GC, once the new connections' start-up traffic has settled. */
async function settledMemory(server: ServerProcess): Promise<MemoryAfterGc> {
  await sleep(1500);
  return memoryAfterGc(server.inspectorPort);
}

interface RoundResult {
  latencies: number[];
  fanout: number[];
  heapBytesPerConnection: number;
  rssBytesPerConnection: number;
}

async function measure(system: SystemUnderTest, round: number): Promise<RoundResult> {
  const [a, b] = await connectAll(system, `latency-${round}`, [0, 1]);
  // Warm-up edits (here and for fan-out), not recorded: the first ones pay for JIT and for new
  // docs' Redis subscriptions on both systems (lfcc's first fan-out edit took ~80 ms).
  await timeEditsUntilApplied(a!.doc, [b!.doc], WARMUP_EDITS, config.paceMs);
  const latencies = await timeEditsUntilApplied(a!.doc, [b!.doc], config.edits, config.paceMs);
  a!.destroy();
  b!.destroy();

  const readerServers = Array.from({ length: config.readers }, (_, i) => i % 2);
  const [editor, ...readers] = await connectAll(system, `fanout-${round}`, [0, ...readerServers]);
  await timeEditsUntilApplied(editor!.doc, readers.map((r) => r.doc), WARMUP_EDITS, config.paceMs);
  const fanout = await timeEditsUntilApplied(editor!.doc, readers.map((r) => r.doc), config.fanoutEdits, config.paceMs);
  [editor!, ...readers].forEach((c) => c.destroy());

  const before = await settledMemory(system.servers[0]!);
  const idle = await connectAll(system, `memory-${round}`, Array.from({ length: config.connections }, () => 0));
  const after = await settledMemory(system.servers[0]!);
  idle.forEach((c) => c.destroy());
  return {
    latencies,
    fanout,
    heapBytesPerConnection: (after.heapUsedBytes - before.heapUsedBytes) / config.connections,
    rssBytesPerConnection: (after.rssBytes - before.rssBytes) / config.connections,
  };
}

const STARTERS: Record<SystemName, (redisUrl: string, round: number) => Promise<SystemUnderTest>> = {
  lfcc: startLfcc,
  hocuspocus: startHocuspocus,
};

async function runOne(name: SystemName, redisUrl: string, round: number): Promise<RoundResult> {
  const system = await STARTERS[name](redisUrl, round);
  try {
    return await measure(system, round);
  } finally {
    await Promise.all(system.servers.map((s) => stopChild(s.child)));
  }
}

interface SystemResult {
  latency: LatencySummary;
  fanout: LatencySummary;
  heapBytesPerConnection: number;
  rssBytesPerConnection: number;
}

const mean = (values: number[]) => Math.round(values.reduce((sum, v) => sum + v, 0) / values.length);

function pool(rounds: RoundResult[]): SystemResult {
  return {
    latency: summarize(rounds.flatMap((r) => r.latencies)),
    fanout: summarize(rounds.flatMap((r) => r.fanout)),
    heapBytesPerConnection: mean(rounds.map((r) => r.heapBytesPerConnection)),
    rssBytesPerConnection: mean(rounds.map((r) => r.rssBytesPerConnection)),
  };
}

function printTable(lfcc: SystemResult, hp: SystemResult): void {
  const rows: Array<[string, number, number]> = [
    ["cross-server median ms", lfcc.latency.medianMs, hp.latency.medianMs],
    ["cross-server p90 ms", lfcc.latency.p90Ms, hp.latency.p90Ms],
    ["cross-server p99 ms", lfcc.latency.p99Ms, hp.latency.p99Ms],
    [`fan-out to ${config.readers} median ms`, lfcc.fanout.medianMs, hp.fanout.medianMs],
    [`fan-out to ${config.readers} p90 ms`, lfcc.fanout.p90Ms, hp.fanout.p90Ms],
    [`fan-out to ${config.readers} p99 ms`, lfcc.fanout.p99Ms, hp.fanout.p99Ms],
    ["heap KiB per idle conn (GC'd)", lfcc.heapBytesPerConnection / 1024, hp.heapBytesPerConnection / 1024],
    ["RSS KiB per idle conn (GC'd)", lfcc.rssBytesPerConnection / 1024, hp.rssBytesPerConnection / 1024],
  ];
  const cell = (value: string, width: number) => value.padStart(width);
  console.log(`${"metric".padEnd(30)}${cell("lfcc", 10)}${cell("hocuspocus", 12)}${cell("lfcc/hp", 10)}`);
  for (const [metric, mine, theirs] of rows) {
    const ratio = theirs === 0 ? "n/a" : (mine / theirs).toFixed(2);
    console.log(`${metric.padEnd(30)}${cell(mine.toFixed(2), 10)}${cell(theirs.toFixed(2), 12)}${cell(ratio, 10)}`);
  }
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const results: Record<SystemName, RoundResult[]> = { lfcc: [], hocuspocus: [] };
  try {
    for (let round = 0; round < config.rounds; round++) {
      // Alternate who goes first: whatever the machine does in a round hits both systems.
      const order: SystemName[] = round % 2 === 0 ? ["lfcc", "hocuspocus"] : ["hocuspocus", "lfcc"];
      for (const name of order) results[name].push(await runOne(name, redis.url, round));
    }
  } finally {
    await redis.stop();
  }
  const lfcc = pool(results.lfcc);
  const hocuspocus = pool(results.hocuspocus);
  printTable(lfcc, hocuspocus);
  console.log(JSON.stringify({ bench: "vs-hocuspocus", config, lfcc, hocuspocus }));
}

await main();
