/**
 * Idle cost of one relay (issue 17): Redis commands per second while nothing is edited, for 100 /
 * 1,000 / 5,000 documents (one raw WebSocket per document, two relays sharing one redis-server so
 * the documents have a peer), and the relay's memory with 10,000 connections over 5,000 documents.
 * The peer column is `main` (or --peer-ref) from `git archive` into a temp directory, built there
 * when the relays run from the build, and measured in the same run.
 *
 *   npm run build && npx tsx bench/idle-cost.ts [--docs 100,1000,5000] [--window-s 10] [--connections 10000]
 *     [--conn-docs 5000] [--settle-s 25] [--from dist|source] [--peer-ref main] [--no-peer]
 *
 * Commands/s = delta of INFO stats total_commands_processed over the window, minus the bench's own
 * two INFO calls. Memory of the `lfcc serve` process: VmRSS from /proc before the connections,
 * 3 s after the last connect, and --settle-s later (V8 keeps the young generation it grew for the
 * connect burst until its memory reducer runs, about 20 s later: both are what `ps` would show);
 * then heap and RSS right after a full GC forced through the inspector (bench/heap-after-gc.ts).
 * `--from dist` (default) runs the build, as a deployment does; `--from source` runs tsx.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import WebSocket from "ws";
import { startRedisServer } from "../chaos/infra/redis-server.ts";
import { freePort } from "../chaos/infra/free-port.ts";
import { parseBenchFlags } from "./flags.ts";
import { inspectFlag, memoryAfterGc } from "./heap-after-gc.ts";

const noPeer = process.argv.includes("--no-peer");
const config = parseBenchFlags(
  { docs: "100,1000,5000", "window-s": 10, connections: 10000, "conn-docs": 5000, "settle-s": 25, from: "dist", "peer-ref": "main" },
  process.argv.slice(2).filter((arg) => arg !== "--no-peer"),
);
const DOC_COUNTS = config.docs.split(",").filter(Boolean).map(Number);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Serve {
  pid: number;
  port: number;
  inspectorPort: number;
  stop(): Promise<void>;
}

async function serve(bin: string, redisUrl: string): Promise<Serve> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const env = { ...process.env, LFCC_RUN_FROM: config.from };
  const child = spawn(process.execPath, [inspectFlag(inspectorPort), bin, "serve", "--port", String(port), "--redis", redisUrl, "--log-level", "warn", "--max-connections", "100000", "--max-connections-per-ip", "100000"], { env, stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => String(chunk).includes("listening") && resolve();
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
  return {
    pid: child.pid!,
    port,
    inspectorPort,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Opens `count` raw sockets round-robin over `docs` documents and waits for every WELCOME. */
async function connect(port: number, count: number, docs: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, i) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/?docId=idle-${(start + i) % docs}`);
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once("message", () => resolve());
        socket.once("error", reject);
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

async function commandsPerSecond(redis: Redis): Promise<number> {
  const total = async () => Number(/total_commands_processed:(\d+)/.exec(await redis.info("stats"))![1]);
  const before = await total();
  await pause(config.windowS * 1000);
  return (await total() - before - 1) / config.windowS;
}

function rssMiB(pid: number): number {
  const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
  return Math.round(kib / 102.4) / 10;
}

async function measure(label: string, bin: string): Promise<void> {
  const redisServer = await startRedisServer();
  const redis = new Redis(redisServer.url);
  try {
    for (const docs of DOC_COUNTS) {
      const relays = [await serve(bin, redisServer.url), await serve(bin, redisServer.url)];
      const sockets = [...(await connect(relays[0]!.port, docs, docs)), ...(await connect(relays[1]!.port, docs, docs))];
      await pause(3000);
      const rate = await commandsPerSecond(redis);
      console.log(JSON.stringify({ system: label, docs, relays: 2, idleRedisCommandsPerSecond: Math.round(rate * 10) / 10 }));
      for (const socket of sockets) socket.terminate();
      await Promise.all(relays.map((relay) => relay.stop()));
    }
    if (config.connections > 0) await measureMemory(label, bin, redisServer.url);
  } finally {
    redis.disconnect();
    await redisServer.stop();
  }
}

const perConnectionKiB = (fromMiB: number, toMiB: number) => Math.round(((toMiB - fromMiB) * 1024 * 10) / config.connections) / 10;
const mib = (bytes: number) => Math.round(bytes / 104857.6) / 10;

async function measureMemory(label: string, bin: string, redisUrl: string): Promise<void> {
  const relay = await serve(bin, redisUrl);
  try {
    await pause(1000);
    const baseline = rssMiB(relay.pid);
    const baselineGc = await memoryAfterGc(relay.inspectorPort);
    const sockets = await connect(relay.port, config.connections, config.connDocs);
    await pause(3000);
    const after3s = rssMiB(relay.pid);
    await pause(config.settleS * 1000);
    const settled = rssMiB(relay.pid);
    const gc = await memoryAfterGc(relay.inspectorPort);
    console.log(JSON.stringify({
      system: label,
      connections: config.connections,
      docs: config.connDocs,
      rssBaselineMiB: baseline,
      rssAfter3sMiB: after3s,
      [`rssAfter${config.settleS + 3}sMiB`]: settled,
      perConnectionKiBAt3s: perConnectionKiB(baseline, after3s),
      perConnectionKiBSettled: perConnectionKiB(baseline, settled),
      heapAfterGcMiB: [mib(baselineGc.heapUsedBytes), mib(gc.heapUsedBytes)],
      heapKiBPerConnection: perConnectionKiB(mib(baselineGc.heapUsedBytes), mib(gc.heapUsedBytes)),
      rssAfterGcMiB: [mib(baselineGc.rssBytes), mib(gc.rssBytes)],
    }));
    for (const socket of sockets) socket.terminate();
  } finally {
    await relay.stop();
  }
}

/** `git archive <ref>` into a temp dir sharing this checkout's node_modules: the peer to compare. */
function checkoutPeer(ref: string): { bin: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "lfcc-peer-"));
  execFileSync("sh", ["-c", `git archive ${ref} | tar -x -C ${dir}`]);
  symlinkSync(join(process.cwd(), "node_modules"), join(dir, "node_modules"));
  if (config.from === "dist") execFileSync(process.execPath, [join(dir, "tools/build.mjs")], { cwd: dir, stdio: "inherit" });
  return { bin: join(dir, "bin/lfcc.js"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

await measure("lfcc (this branch)", join(process.cwd(), "bin/lfcc.js"));
if (!noPeer) {
  const peer = checkoutPeer(config.peerRef);
  try {
    await measure(`lfcc ${config.peerRef}`, peer.bin);
  } finally {
    peer.cleanup();
  }
}
process.exit(0);
