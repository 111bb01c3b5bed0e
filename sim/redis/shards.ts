/**
 * Virtual Redis Cluster: N VirtualRedis masters at network nodes r1..rN, each owning a contiguous
 * slot range split as `redis-cli --cluster create` splits them (relay/bus/cluster-slots.ts), and
 * the ClusterConnector a simulated relay uses to reach them. The relay runs its real sharded bus
 * (relay/bus/sharded-bus.ts) on top, so per-shard queueing, reconnect and scoped resync are the
 * production code.
 *
 * Simplification: the shard map is known at once (a real relay reads it with CLUSTER SLOTS over
 * the network, and retries while no seed answers); it never changes during a run.
 */
import { evenSlotRanges } from "../../relay/bus/cluster-slots.ts";
import type { ClusterConnector, ClusterShard } from "../../relay/ports.ts";
import type { SimKernel } from "../kernel/kernel.ts";
import type { Connection, Network } from "../net/network.ts";
import { VirtualRedisConnection } from "./connection.ts";
import { VirtualRedis } from "./server.ts";

export function shardNodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `r${i + 1}`);
}

export function createVirtualCluster(kernel: SimKernel, network: Network, count: number): VirtualRedis[] {
  return shardNodeNames(count).map((node) => new VirtualRedis(kernel, network, node));
}

export function simClusterShards(count: number): ClusterShard[] {
  const ranges = evenSlotRanges(count);
  return shardNodeNames(count).map((node, i) => ({ id: node, address: node, slots: [ranges[i]!] }));
}

/** What a simulated relay on `node` dials: one fresh virtual connection per call, to the shard's node. */
export function createSimClusterConnector(
  network: Network,
  node: string,
  count: number,
  onConnection?: (connection: Connection) => void,
): ClusterConnector {
  const shards = simClusterShards(count);
  return {
    discover: () => Promise.resolve(shards),
    connect: (shard, role) => new VirtualRedisConnection(network, node, role, onConnection, shard.address),
  };
}
