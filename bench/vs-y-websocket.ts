/**
 * The same unmodified y-websocket clients (WebsocketProvider 3.1.0, in this process) through
 *   lfcc-yws   two `lfcc serve` processes on one redis-server, clients on BOTH (cross-server);
 *   ref-2.1    y-websocket 2.1.0's reference server (`bin/server.cjs`, one process, a Y.Doc per doc);
 * next to Hocuspocus 4 with its own provider (two servers on the same Redis, the peer of
 * bench/vs-hocuspocus.ts) and LfccProvider clients on lfcc (the JSON path, for the same run).
 * Per system, in one run on one Redis:
 *   1. edit-to-remote-apply latency (editor on server A, reader on B; ref-2.1: both on its one server);
 *   2. fan-out: one editor, K readers spread over the servers, until ALL applied each edit;
 *   3. heap per idle connection: C clients on one doc, server A's heap after a forced GC;
 *   4. heap per open document: the same C clients on C docs (one each), minus C clients on one doc.
 *
 *   npx tsx bench/vs-y-websocket.ts [--edits 100] [--pace-ms 15] [--readers 10] [--fanout-edits 50]
 *                                   [--connections 100] [--rounds 1]
 *
 * Not a test: the machine is a noisy 2-core box; read the ratios, not the absolute numbers.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { startRedisServer } from "../chaos/infra/redis-server.ts";
import { freePort } from "../chaos/infra/free-port.ts";
import { spawnServe, stopChild, waitFor } from "../test/integration/helpers.ts";
import { startYws } from "../test/y-websocket/clients.ts";
import { summarize, timeEditsUntilApplied, type LatencySummary } from "./cross-server-latency.ts";
import { inspectFlag, memoryAfterGc } from "./heap-after-gc.ts";
import { lfccClient, startHocuspocus, type BenchClient, type ServerProcess, type SystemUnderTest } from "./peers/systems.ts";
import { parseBenchFlags } from "./flags.ts";

const config = parseBenchFlags({
  edits: 100,
  "pace-ms": 15,
  readers: 10,
  "fanout-edits": 50,
  connections: 100,
  rounds: 1,
  systems: "lfcc-yws,ref-2.1,hocuspocus,lfcc-json",
});
const WARMUP_EDITS = 10;

type SystemName = "lfcc-yws" | "lfcc-json" | "ref-2.1" | "hocuspocus";

async function startLfccServes(redisUrl: string, tag: string): Promise<ServerProcess[]> {
  return Promise.all(
    ["a", "b"].map(async (id) => {
      const inspectorPort = await freePort();
      const env = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} ${inspectFlag(inspectorPort)}`.trim() };
      const serve = await spawnServe(["--redis", redisUrl, "--server-id", `${tag}-${id}`, "--log-level", "warn"], env);
      return { url: serve.url, child: serve.child, inspectorPort };
    }),
  );
}

async function startLfccYws(redisUrl: string, round: number): Promise<SystemUnderTest> {
  const servers = await startLfccServes(redisUrl, `yws-${round}`);
  return { servers, connect: (i, docId) => ywsClient(servers[i]!.url, docId) };
}

async function startLfccJson(redisUrl: string, round: number): Promise<SystemUnderTest> {
  const servers = await startLfccServes(redisUrl, `json-${round}`);
  return {
    servers,
    connect: (i, docId) => lfccClient(`json-${i}`, servers[i]!.url, docId),
  };
}

// The package does not export its bin; it sits next to its package.json.
const REFERENCE_SERVER = join(dirname(createRequire(import.meta.url).resolve("y-websocket-v2/package.json")), "bin", "server.cjs");

/** y-websocket 2.1.0's own server: one process (it cannot share docs across processes). */
async function startReference(): Promise<SystemUnderTest> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [inspectFlag(inspectorPort), REFERENCE_SERVER], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  child.stdout!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  await waitFor("y-websocket reference server listening", () => {
    if (child.exitCode !== null) throw new Error(`reference server exited ${child.exitCode}: ${logs.join("")}`);
    return logs.some((line) => line.includes("running at"));
  }, 30_000);
  const server = { url: `ws://127.0.0.1:${port}`, child, inspectorPort };
  return { servers: [server], connect: (_i, docId) => ywsClient(server.url, docId) };
}

function ywsClient(url: string, docId: string): BenchClient {
  const client = startYws("bench", url, docId);
  return { doc: client.doc, synced: () => client.provider.synced, destroy: () => client.provider.destroy() };
}

const STARTERS: Record<SystemName, (redisUrl: string, round: number) => Promise<SystemUnderTest>> = {
  "lfcc-yws": startLfccYws,
  "lfcc-json": startLfccJson,
  "ref-2.1": () => startReference(),
  hocuspocus: startHocuspocus,
};

async function connectAll(system: SystemUnderTest, docIds: string[], serverIndexes: number[]): Promise<BenchClient[]> {
  const clients = serverIndexes.map((index, i) => system.connect(index % system.servers.length, docIds[i % docIds.length]!));
  await waitFor(`${clients.length} clients synced on ${docIds[0]}`, () => clients.every((c) => c.synced()), 60_000);
  return clients;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function heapAfterGc(server: ServerProcess): Promise<number> {
  await sleep(1500);
  return (await memoryAfterGc(server.inspectorPort)).heapUsedBytes;
}

interface RoundResult {
  latencies: number[];
  fanout: number[];
  heapPerConnection: number;
  heapPerDoc: number;
}

async function measure(system: SystemUnderTest, name: SystemName, round: number): Promise<RoundResult> {
  const tag = `${name}-${round}`;
  const [a, b] = await connectAll(system, [`latency-${tag}`], [0, 1]);
  await timeEditsUntilApplied(a!.doc, [b!.doc], WARMUP_EDITS, config.paceMs);
  const latencies = await timeEditsUntilApplied(a!.doc, [b!.doc], config.edits, config.paceMs);
  a!.destroy();
  b!.destroy();

  const readerServers = Array.from({ length: config.readers }, (_, i) => i % 2);
  const [editor, ...readers] = await connectAll(system, [`fanout-${tag}`], [0, ...readerServers]);
  await timeEditsUntilApplied(editor!.doc, readers.map((r) => r.doc), WARMUP_EDITS, config.paceMs);
  const fanout = await timeEditsUntilApplied(editor!.doc, readers.map((r) => r.doc), config.fanoutEdits, config.paceMs);
  [editor!, ...readers].forEach((c) => c.destroy());

  // Memory: C clients on ONE doc, then C clients on C docs (one each); the difference is the docs.
  const server = system.servers[0]!;
  const grown = async (docIds: string[]) => {
    const before = await heapAfterGc(server);
    const clients = await connectAll(system, docIds, docIds.map(() => 0));
    // One small edit per doc, so a server that keeps documents holds some content for each.
    clients.forEach((c, i) => c.doc.getText("t").insert(0, `doc ${i}`));
    const after = await heapAfterGc(server);
    clients.forEach((c) => c.destroy());
    return after - before;
  };
  const oneDoc = await grown(Array.from({ length: config.connections }, () => `memory-${tag}`));
  const manyDocs = await grown(Array.from({ length: config.connections }, (_, i) => `docs-${tag}-${i}`));
  return { latencies, fanout, heapPerConnection: oneDoc / config.connections, heapPerDoc: (manyDocs - oneDoc) / config.connections };
}

async function runOne(name: SystemName, redisUrl: string, round: number): Promise<RoundResult> {
  const system = await STARTERS[name](redisUrl, round);
  try {
    return await measure(system, name, round);
  } finally {
    await Promise.all(system.servers.map((s) => stopChild(s.child)));
  }
}

interface SystemResult {
  latency: LatencySummary;
  fanout: LatencySummary;
  heapKiBPerConnection: number;
  heapKiBPerDoc: number;
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

function pool(rounds: RoundResult[]): SystemResult {
  return {
    latency: summarize(rounds.flatMap((r) => r.latencies)),
    fanout: summarize(rounds.flatMap((r) => r.fanout)),
    heapKiBPerConnection: Math.round(mean(rounds.map((r) => r.heapPerConnection)) / 102.4) / 10,
    heapKiBPerDoc: Math.round(mean(rounds.map((r) => r.heapPerDoc)) / 102.4) / 10,
  };
}

function printTable(results: Record<SystemName, SystemResult>): void {
  const names = Object.keys(results) as SystemName[];
  const rows: Array<[string, (r: SystemResult) => number]> = [
    ["edit->remote apply median ms", (r) => r.latency.medianMs],
    ["edit->remote apply p99 ms", (r) => r.latency.p99Ms],
    [`fan-out to ${config.readers} median ms`, (r) => r.fanout.medianMs],
    [`fan-out to ${config.readers} p99 ms`, (r) => r.fanout.p99Ms],
    ["heap KiB per idle conn", (r) => r.heapKiBPerConnection],
    ["heap KiB per open doc", (r) => r.heapKiBPerDoc],
  ];
  console.log(`${"metric".padEnd(30)}${names.map((n) => n.padStart(12)).join("")}`);
  for (const [metric, read] of rows) console.log(`${metric.padEnd(30)}${names.map((n) => read(results[n]).toFixed(2).padStart(12)).join("")}`);
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const names = config.systems.split(",") as SystemName[];
  const rounds = Object.fromEntries(names.map((n) => [n, [] as RoundResult[]])) as Record<SystemName, RoundResult[]>;
  try {
    for (let round = 0; round < config.rounds; round++) {
      const order = round % 2 === 0 ? names : [...names].reverse();
      for (const name of order) rounds[name].push(await runOne(name, redis.url, round));
    }
  } finally {
    await redis.stop();
  }
  const results = Object.fromEntries(names.map((n) => [n, pool(rounds[n])])) as Record<SystemName, SystemResult>;
  printTable(results);
  console.log(JSON.stringify({ bench: "vs-y-websocket", config, results }));
}

await main();
// Destroyed providers leave their awareness timers (y-protocols) running: end the process here.
process.exit(0);
