/**
 * Public API of the lfcc relay (package root). The design doc's code runs as written against it:
 * createInMemoryMessageBus, createRedisAdapter, StatelessCollabRelay, generateServerId,
 * generateClientId; plus the ports and wire types for hosts and simulators.
 */
export { StatelessCollabRelay, type RelayOptions, type RelayParts, type RelayHealth } from "./relay.ts";
export type { RelayEvent, RelayStats } from "./events.ts";
export { createInMemoryMessageBus, InMemoryHub } from "./bus/in-memory-bus.ts";
export { createRedisAdapter, type RedisAdapterOptions } from "./bus/create-redis-adapter.ts";
export { RedisMessageBus } from "./bus/redis-bus.ts";
export type { MessageBus, BusEvent, BusOptions } from "./bus/message-bus.ts";
export { BoundedOutageQueue, type OutageQueue, type QueueLimits } from "./bus/outage-queue.ts";
export { DedupWindow, type DedupFilter } from "./bus/dedup-window.ts";
export { generateServerId, generateClientId } from "./ids.ts";
export { systemClock, cryptoRandom, pinoLogger, silentLogger } from "./adapters/system.ts";
export { ioredisConnector } from "./adapters/ioredis-connection.ts";
export { DEFAULT_RELAY_CONFIG, resolveRelayConfig, type RelayConfig } from "./config.ts";
export * from "./ports.ts";
export * from "./protocol/messages.ts";
export * from "./provider/index.ts";
export * from "./server/index.ts";
