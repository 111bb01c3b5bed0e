/**
 * The design doc's `createRedisAdapter({ redisUrl })`. Returns the bus synchronously (so
 * `await createRedisAdapter(...)` and plain calls both work). The real ioredis connector is the
 * default; the simulator passes its virtual `connector` and ports.
 *
 * `redisClusterNodes` (or a `clusterConnector`) selects a Redis Cluster with sharded pub/sub
 * instead (PROTOCOL.md section 10): one bus per master, see relay/bus/sharded-bus.ts.
 */
import { ioredisClusterConnector, parseClusterNodes, type NatMap } from "../adapters/ioredis-cluster.ts";
import { ioredisConnector } from "../adapters/ioredis-connection.ts";
import type { ClusterConnector, RedisConnector } from "../ports.ts";
import type { BusOptions, MessageBus } from "./message-bus.ts";
import { RedisMessageBus } from "./redis-bus.ts";
import { ShardedMessageBus } from "./sharded-bus.ts";

export interface RedisAdapterOptions extends Partial<BusOptions> {
  /** `redis://[:password@]host:port[/db]` or `rediss://` for TLS. Required without `connector`. */
  redisUrl?: string;
  /** Makes RedisConnections; default: ioredis on `redisUrl`. */
  connector?: RedisConnector;
  /** Seed nodes of a Redis Cluster: `"h1:7000,h2:7001"` or a list of `host:port`. */
  redisClusterNodes?: string | string[];
  /** Cluster node address -> address to dial (ioredis' natMap shape; e.g. through proxies). */
  natMap?: NatMap;
  /** Password of every cluster node. */
  redisPassword?: string;
  /** Reaches a cluster; default: ioredis on `redisClusterNodes`. The simulator passes virtual shards. */
  clusterConnector?: ClusterConnector;
}

export function createRedisAdapter(options: RedisAdapterOptions): MessageBus {
  const { redisUrl, connector, redisClusterNodes, natMap, redisPassword, clusterConnector, ...busOptions } = options;
  if (clusterConnector || redisClusterNodes !== undefined) {
    const seeds = redisClusterNodes === undefined ? [] : parseClusterNodes([redisClusterNodes].flat().join(","));
    const cluster = clusterConnector ?? ioredisClusterConnector(seeds, { natMap, password: redisPassword });
    return new ShardedMessageBus(cluster, busOptions, Math.max(1, seeds.length));
  }
  if (!connector && !redisUrl) throw new Error("createRedisAdapter needs a redisUrl (or a connector)");
  return new RedisMessageBus(connector ?? ioredisConnector(redisUrl!), busOptions);
}
