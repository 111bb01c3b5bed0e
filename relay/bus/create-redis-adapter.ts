/**
 * The design doc's `createRedisAdapter({ redisUrl })`. Returns the bus synchronously (so
 * `await createRedisAdapter(...)` and plain calls both work). The real ioredis connector is the
 * default; the simulator passes its virtual `connector` and ports.
 */
import { ioredisConnector } from "../adapters/ioredis-connection.ts";
import type { RedisConnector } from "../ports.ts";
import type { BusOptions, MessageBus } from "./message-bus.ts";
import { RedisMessageBus } from "./redis-bus.ts";

export interface RedisAdapterOptions extends Partial<BusOptions> {
  /** `redis://[:password@]host:port[/db]` or `rediss://` for TLS. Required without `connector`. */
  redisUrl?: string;
  /** Makes RedisConnections; default: ioredis on `redisUrl`. */
  connector?: RedisConnector;
}

export function createRedisAdapter(options: RedisAdapterOptions): MessageBus {
  const { redisUrl, connector, ...busOptions } = options;
  if (!connector && !redisUrl) throw new Error("createRedisAdapter needs a redisUrl (or a connector)");
  return new RedisMessageBus(connector ?? ioredisConnector(redisUrl!), busOptions);
}
