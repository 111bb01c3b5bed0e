/**
 * Idle cost of one relay (issue 17): Redis commands per second while nothing is edited, for 100 /
 * 1,000 / 5,000 documents (one raw WebSocket per document, two relays sharing one redis-server so
 * the documents have a peer), and the relay's RSS with 10,000 connections over 5,000 documents.
 * The peer column is this branch's parent `main` run from `git archive` into a temp directory
 * (a roster per document per heartbeat), measured in the same run.
 *
 *   npx tsx bench/idle-cost.ts [--docs 100,1000,5000] [--window-s 10] [--connections 10000] [--conn-docs 5000] [--peer-ref main] [--no-peer]
 *
 * Commands/s = delta of INFO stats total_commands_processed over the window, minus the bench's own
 * two INFO calls. RSS is VmRSS of the `lfcc serve` process from /proc, 3 s after the last connect.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import WebSocket from "ws";
import { startRedisServer } from "../chaos/infra/redis-server.ts";
import { freePort } from "../chaos/infra/free-port.ts";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const DOC_COUNTS = flag("docs", "100,1000,5000").split(",").map(Number);
const WINDOW_S = Number(flag("window-s", "10"));
const CONNECTIONS = Number(flag("connections", "10000"));
const CONN_DOCS = Number(flag("conn-docs", "5000"));
const PEER_REF = flag("peer-ref", "main");
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Serve {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

async function serve(bin: string, redisUrl: string): Promise<Serve> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, "serve", "--port", String(port), "--redis", redisUrl, "--log-level", "warn", "--max-connections", "100000", "--max-connections-per-ip", "100000"], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => String(chunk).includes("listening") && resolve();
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
  return {
    pid: child.pid!,
    port,
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
  await pause(WINDOW_S * 1000);
  return (await total() - before - 1) / WINDOW_S;
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
    if (CONNECTIONS > 0) {
      const relay = await serve(bin, redisServer.url);
      await pause(1000);
      const baseline = rssMiB(relay.pid);
      const sockets = await connect(relay.port, CONNECTIONS, CONN_DOCS);
      await pause(3000);
      const loaded = rssMiB(relay.pid);
      const perConnKiB = Math.round(((loaded - baseline) * 1024 * 10) / CONNECTIONS) / 10;
      console.log(JSON.stringify({ system: label, connections: CONNECTIONS, docs: CONN_DOCS, rssBaselineMiB: baseline, rssMiB: loaded, perConnectionKiB: perConnKiB }));
      for (const socket of sockets) socket.terminate();
      await relay.stop();
    }
  } finally {
    redis.disconnect();
    await redisServer.stop();
  }
}

/** `git archive <ref>` into a temp dir sharing this checkout's node_modules: the peer to compare. */
function checkoutPeer(ref: string): { bin: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "lfcc-peer-"));
  execFileSync("sh", ["-c", `git archive ${ref} | tar -x -C ${dir}`]);
  symlinkSync(join(process.cwd(), "node_modules"), join(dir, "node_modules"));
  return { bin: join(dir, "bin/lfcc.js"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

await measure("lfcc (this branch)", join(process.cwd(), "bin/lfcc.js"));
if (!args.includes("--no-peer")) {
  const peer = checkoutPeer(PEER_REF);
  try {
    await measure(`lfcc ${PEER_REF} (roster per doc per heartbeat)`, peer.bin);
  } finally {
    peer.cleanup();
  }
}
process.exit(0);
