/**
 * `createRelayServer(options)`: a StatelessCollabRelay on the bus the options ask for (Redis with a
 * URL, else in-memory), hosted by the HTTP/WebSocket host. What `lfcc serve`, the integration tests
 * and the benchmarks start.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { StatelessCollabRelay, type RelayOptions } from "../relay.ts";
import { createRedisAdapter } from "../bus/create-redis-adapter.ts";
import { createInMemoryMessageBus } from "../bus/in-memory-bus.ts";
import { generateClientId } from "../ids.ts";
import { DEFAULT_RELAY_CONFIG, type RelayConfig, type YWebsocketConfig } from "../config.ts";
import { pinoLogger } from "../adapters/system.ts";
import type { Logger } from "../ports.ts";
import { createRelayHost } from "./http-server.ts";

export interface RelayServerOptions extends Partial<RelayConfig> {
  /** `redis://[:password@]host:port` or `rediss://`; absent: the in-memory bus (single server). */
  redisUrl?: string;
  /** When set, clients must present an HS256 JWT signed with it (query `token` or Bearer header). */
  jwtSecret?: string;
  /** Default: pino JSON lines on stdout at info level. */
  logger?: Logger;
  /** WebSocket ping period for dead-peer detection. Default 30 000 ms. */
  pingIntervalMs?: number;
  /** The y-websocket dialect's timers (defaults in relay/config.ts). */
  yWebsocket?: Partial<YWebsocketConfig>;
  /** Extra relay options (events, planted-bug parts) for tests and tools. */
  relayOptions?: Omit<RelayOptions, keyof RelayConfig>;
}

export interface RelayServer {
  readonly relay: StatelessCollabRelay;
  readonly httpServer: Server;
  /** Starts the relay (Redis connects in the background) and accepts connections at once. */
  listen(port: number, host?: string): Promise<AddressInfo>;
  address(): AddressInfo | null;
  /** Graceful stop: LEAVE to peers, 1001 to clients, then the HTTP server. */
  close(): Promise<void>;
}

export function createRelayServer(options: RelayServerOptions = {}): RelayServer {
  const { redisUrl, jwtSecret, logger: givenLogger, pingIntervalMs, relayOptions, yWebsocket, ...config } = options;
  const logger = givenLogger ?? pinoLogger("info", { service: "lfcc-relay" });
  const relay = new StatelessCollabRelay({
    ...config,
    ...relayOptions,
    redisAdapter: redisUrl ? createRedisAdapter({ redisUrl }) : createInMemoryMessageBus(),
    ports: { logger, ...relayOptions?.ports },
  });
  const maxFrameBytes = config.maxFrameBytes ?? DEFAULT_RELAY_CONFIG.maxFrameBytes;
  const host = createRelayHost({
    relay,
    logger,
    jwtSecret,
    pingIntervalMs,
    yWebsocket,
    newClientId: () => generateClientId(),
    wsMaxPayloadBytes: maxFrameBytes * 4 + 64 * 1024,
  });
  return {
    relay,
    httpServer: host.httpServer,
    async listen(port, hostName) {
      // Not awaited: accept connections at once even while Redis is still connecting (CLI.md).
      relay.initialize().catch((error: unknown) => logger.error({ err: String(error) }, "relay initialize failed"));
      return host.listen(port, hostName);
    },
    address: () => host.address(),
    close: () => host.close(),
  };
}
