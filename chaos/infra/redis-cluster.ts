/**
 * A real Redis Cluster of `redis-server` child processes on loopback (PROTOCOL.md section 10), for
 * integration tests and chaos runs. Recipe measured in shared/TOOLCHAIN.md ("Added for v1.1"):
 * cluster mode with a short node timeout, no persistence, `require-full-coverage no` and
 * `allow-pubsubshard-when-down yes` (the other shards keep serving while one master is down),
 * created with `redis-cli --cluster create`, ready when every node says `cluster_state:ok`.
 * A node restarted on its port with its config file keeps its id and its slots; its
 * subscriptions are gone, like after any real restart.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { findBinary } from "./find-binary.ts";
import { freePort } from "./free-port.ts";
import { REDIS_INSTALL_HINT, waitForPort } from "./redis-server.ts";

export interface ClusterNode {
  readonly name: string; // r1..rN, in slot order
  readonly port: number;
  readonly address: string;
}

export interface LocalRedisCluster {
  readonly nodes: ReadonlyArray<ClusterNode>;
  /** `127.0.0.1:p1,127.0.0.1:p2,...` (what `--redis-cluster` takes). */
  readonly seeds: string;
  /** SIGKILL one master: its shard is gone, the others keep serving. */
  kill(name: string): Promise<void>;
  /** Starts a killed master again on its port and waits until the cluster is ok. */
  restart(name: string): Promise<void>;
  /** A plain client to one node (tests inspect PUBSUB with it); the caller disconnects it. */
  client(name: string): Redis;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;

export async function startRedisCluster(options: { masters?: number; binary?: string } = {}): Promise<LocalRedisCluster> {
  const server = findBinary(options.binary ?? "redis-server", ["/usr/bin", "/usr/local/bin"]);
  const cli = findBinary("redis-cli", ["/usr/bin", "/usr/local/bin"]);
  if (!server || !cli) throw new Error(REDIS_INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), "lfcc-redis-cluster-"));
  const ports = await clusterPorts(options.masters ?? 3);
  const processes = new Map<number, ChildProcess>();

  const startNode = async (port: number) => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", join(dir, `nodes-${port}.conf`)];
    args.push("--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "no", "--cluster-allow-pubsubshard-when-down", "yes");
    args.push("--dir", dir, "--save", "", "--appendonly", "no");
    processes.set(port, spawn(server, args, { stdio: "ignore" }));
    await waitForPort(port, 10_000);
  };
  const killNode = async (port: number) => {
    const child = processes.get(port);
    processes.delete(port);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  const stop = async () => {
    await Promise.all([...processes.keys()].map(killNode));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await Promise.all(ports.map(startNode));
    await runCli(cli, ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"]);
    await waitUntilOk(ports);
  } catch (error) {
    await stop();
    throw error;
  }
  const nodes = await nodesInSlotOrder(ports);
  const portOf = (name: string) => {
    const node = nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no cluster node ${name} (have ${nodes.map((n) => n.name).join(", ")})`);
    return node.port;
  };
  return {
    nodes,
    seeds: nodes.map((n) => n.address).join(","),
    kill: (name) => killNode(portOf(name)),
    restart: async (name) => {
      await startNode(portOf(name));
      await waitUntilOk(ports);
    },
    client: (name) => new Redis({ host: "127.0.0.1", port: portOf(name), lazyConnect: false, maxRetriesPerRequest: 1 }),
    stop,
  };
}

/** Free ports whose cluster bus port (port + 10000) is free too. */
async function clusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (port + 10000 > 65535 || ports.includes(port)) continue;
    if (await isFree(port + 10000)) ports.push(port);
  }
  return ports;
}

async function isFree(port: number): Promise<boolean> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

function runCli(cli: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += String(chunk)));
    child.stderr.on("data", (chunk) => (output += String(chunk)));
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli ${args.join(" ")} exited ${code}: ${output}`))));
  });
}

async function waitUntilOk(ports: number[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const states = await Promise.all(ports.map((port) => clusterInfo(port).catch(() => "")));
    if (states.every((info) => info.includes("cluster_state:ok"))) return;
    if (Date.now() > deadline) throw new Error(`redis cluster not ok after ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function clusterInfo(port: number): Promise<string> {
  const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  try {
    await client.connect();
    return String(await client.call("CLUSTER", "INFO"));
  } finally {
    client.disconnect();
  }
}

/** r1 owns the lowest slots (the order the relay's sharded bus and the simulator number shards in). */
async function nodesInSlotOrder(ports: number[]): Promise<ClusterNode[]> {
  const client = new Redis({ host: "127.0.0.1", port: ports[0]!, lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  try {
    await client.connect();
    const slots = (await client.call("CLUSTER", "SLOTS")) as Array<[number, number, [string, number]]>;
    const firstSlot = new Map<number, number>();
    for (const [from, , [, port]] of slots) firstSlot.set(Number(port), Math.min(from, firstSlot.get(Number(port)) ?? Infinity));
    const ordered = [...ports].sort((a, b) => (firstSlot.get(a) ?? 0) - (firstSlot.get(b) ?? 0));
    return ordered.map((port, i) => ({ name: `r${i + 1}`, port, address: `127.0.0.1:${port}` }));
  } finally {
    client.disconnect();
  }
}
