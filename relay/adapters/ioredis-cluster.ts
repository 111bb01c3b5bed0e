/**
 * The real ClusterConnector: reads the shard map with `CLUSTER SLOTS` from the first seed that
 * answers, then opens plain ioredis connections (resilience off, like the single-Redis adapter)
 * to each master, speaking sharded pub/sub.
 *
 * Why not ioredis' `Redis.Cluster` with `shardedSubscribers`: it reconnects, re-subscribes and
 * buffers per node by itself, out of the bus' sight, so a lost shard could neither queue within
 * the relay's bounds nor trigger a resync of exactly its documents, and the simulator could not run
 * that logic. With one dumb connection per master the bus above the port does all of it per shard.
 *
 * `natMap` has ioredis' shape: the address a node announces -> the address to dial (the chaos lab
 * sends each relay through one Toxiproxy proxy per node this way).
 */
import { Redis, type RedisOptions } from "ioredis";
import type { ClusterConnector, ClusterShard } from "../ports.ts";
import { FAIL_FAST, IoredisConnection, SHARDED } from "./ioredis-connection.ts";

export type NatMap = Record<string, { host: string; port: number }>;

export interface IoredisClusterOptions {
  natMap?: NatMap;
  /** Password and TLS for every node (`rediss://`-like setups pass `tls: {}`). */
  password?: string;
  tls?: RedisOptions["tls"];
  /** Tests substitute clients here. */
  makeClient?: (options: RedisOptions) => Redis;
}

/** `host:port[,host:port...]` -> addresses; throws on anything else (a usage error for `serve`). */
export function parseClusterNodes(text: string): Array<{ host: string; port: number }> {
  const nodes = text.split(",").map((part) => part.trim()).filter((part) => part !== "");
  if (nodes.length === 0) throw new Error("--redis-cluster: expected HOST:PORT[,HOST:PORT...]");
  return nodes.map((node) => {
    const match = /^(.+):(\d{1,5})$/.exec(node);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) throw new Error(`--redis-cluster: "${node}" is not HOST:PORT`);
    return { host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port };
  });
}

export function ioredisClusterConnector(seeds: Array<{ host: string; port: number }>, options: IoredisClusterOptions = {}): ClusterConnector {
  const makeClient = options.makeClient ?? ((redisOptions) => new Redis(redisOptions));
  const base: RedisOptions = { ...FAIL_FAST, password: options.password, tls: options.tls };
  const dial = (host: string, port: number) => options.natMap?.[`${host}:${port}`] ?? { host, port };
  return {
    async discover() {
      const errors: string[] = [];
      for (const seed of seeds) {
        const client = makeClient({ ...base, ...dial(seed.host, seed.port), connectionName: "lfcc-discover" });
        client.on("error", () => {});
        try {
          await client.connect();
          return shardsFromSlots((await client.call("CLUSTER", "SLOTS")) as SlotsReply, dial);
        } catch (error) {
          errors.push(`${seed.host}:${seed.port}: ${String(error)}`);
        } finally {
          client.disconnect(false);
        }
      }
      throw new Error(`no cluster seed answered (${errors.join("; ")})`);
    },
    connect(shard, role) {
      const [host, port] = splitAddress(shard.address);
      return new IoredisConnection(makeClient({ ...base, host, port, connectionName: `lfcc-${role}` }), SHARDED);
    },
  };
}

/** `CLUSTER SLOTS`: [[from, to, [host, port, id, ...], ...replicas], ...]. */
type SlotsReply = Array<[number, number, [string, number, string?, ...unknown[]], ...unknown[]]>;

/** Groups slot ranges by master, ordered by first slot so shard k is the same on every relay. */
export function shardsFromSlots(reply: SlotsReply, dial: (host: string, port: number) => { host: string; port: number }): ClusterShard[] {
  const byMaster = new Map<string, { id: string; address: string; slots: Array<[number, number]> }>();
  for (const [from, to, master] of reply) {
    const [host, port, nodeId] = master;
    const target = dial(host, Number(port));
    const id = nodeId ?? `${host}:${port}`;
    const shard = byMaster.get(id) ?? { id, address: `${target.host}:${target.port}`, slots: [] };
    shard.slots.push([Number(from), Number(to)]);
    byMaster.set(id, shard);
  }
  const shards = [...byMaster.values()];
  for (const shard of shards) shard.slots.sort((a, b) => a[0] - b[0]);
  return shards.sort((a, b) => a.slots[0]![0] - b.slots[0]![0]);
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(":");
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}
