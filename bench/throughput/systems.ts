/**
 * The systems bench/relay-throughput.ts loads, each as N server child processes (so each one's
 * CPU can be read) plus a way to connect a client in this process:
 *   lfcc-redis    `lfcc serve --redis URL` from dist/, one redis-server;
 *   lfcc-cluster  `lfcc serve --redis-cluster SEEDS` from dist/, a 3-master Redis Cluster;
 *   hocuspocus    bench/peers/hocuspocus-server.ts (Hocuspocus 4 + its Redis extension), one redis-server.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { spawnServe, stopChild } from "../../test/integration/helpers.ts";
import { hocuspocusClient, lfccClient, spawnHocuspocus, type BenchClient } from "../peers/systems.ts";

export type ThroughputSystemName = "lfcc-redis" | "lfcc-cluster" | "hocuspocus";

export interface ThroughputSystem {
  servers: Array<{ url: string; child: ChildProcess }>;
  connect(serverIndex: number, docId: string): BenchClient;
  stop(): Promise<void>;
}

const DIST_MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

/** `lfcc serve` processes from the build (what a deployment runs), with `busFlags` naming the Redis. */
export async function startLfccServes(busFlags: string[], count: number, tag: string): Promise<ThroughputSystem> {
  if (!existsSync(DIST_MAIN)) throw new Error("dist/ is missing: run `npm run build` first (the relays run from the build)");
  const servers = await Promise.all(
    Array.from({ length: count }, (_, i) => spawnServe([...busFlags, "--server-id", `${tag}-${i}`, "--log-level", "warn"], { LFCC_RUN_FROM: "dist" })),
  );
  return {
    servers,
    connect: (serverIndex, docId) => lfccClient(`${tag}-${serverIndex}`, servers[serverIndex]!.url, docId),
    stop: async () => void (await Promise.all(servers.map((s) => stopChild(s.child)))),
  };
}

export async function startHocuspocusServers(redisUrl: string, count: number, tag: string): Promise<ThroughputSystem> {
  const servers = await Promise.all(Array.from({ length: count }, (_, i) => spawnHocuspocus(redisUrl, `${tag}-${i}`)));
  return {
    servers,
    connect: (serverIndex, docId) => hocuspocusClient(servers[serverIndex]!.url, docId),
    stop: async () => void (await Promise.all(servers.map((s) => stopChild(s.child)))),
  };
}
