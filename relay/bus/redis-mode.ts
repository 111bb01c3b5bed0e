/**
 * What `/health` calls the bus (PROTOCOL.md section 10): `"memory"` for the in-memory bus (no
 * Redis at all), `"single"` for one Redis server, `"cluster"` for a Redis Cluster bus.
 */
import type { MessageBus } from "./message-bus.ts";

export type RedisMode = "memory" | "single" | "cluster";

export function redisMode(bus: Pick<MessageBus, "kind">): RedisMode {
  const kind: string = bus.kind;
  if (kind === "memory") return "memory";
  return kind === "cluster" ? "cluster" : "single";
}
