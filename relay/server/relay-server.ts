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
import { DEFAULT_RELAY_CONFIG, type RelayConfig, type ServerAdmissionConfig } from "../config.ts";
import { pinoLogger } from "../adapters/system.ts";
import type { Logger } from "../ports.ts";
import type { NatMap } from "../adapters/ioredis-cluster.ts";
import { createRelayHost } from "./http-server.ts";
import { RejectionTally } from "./rejections.ts";
import { secretKey } from "./auth.ts";
import { warnWhenRedisUnreachable } from "./redis-startup-warning.ts";

/**
 * Relay config, plus the host's admission limits (`maxConnections`, `maxConnectionsPerIp`,
 * `headersTimeoutMs`: relay/config.ts ServerAdmissionConfig, docs/ADMISSION.md).
 */
export interface RelayServerOptions extends Partial<RelayConfig>, Partial<ServerAdmissionConfig> {
  /** `redis://[:password@]host:port` or `rediss://`; absent: the in-memory bus (single server). */
  redisUrl?: string;
  /** Redis Cluster seeds `host:port[,host:port...]`: sharded pub/sub (PROTOCOL.md section 10); wins over `redisUrl`. */
  redisClusterNodes?: string;
  /** Cluster node address -> address to dial (e.g. one proxy per node in the chaos lab). */
  redisNatMap?: NatMap;
  /**
   * When set, clients must present an HS256 JWT signed with it (query `token` or Bearer header).
   * An empty string throws (EmptySecretError): it never means "auth off".
   */
  jwtSecret?: string;
  /** Default: pino JSON lines on stdout at info level. */
  logger?: Logger;
  /** WebSocket ping period for dead-peer detection. Default 30 000 ms. */
  pingIntervalMs?: number;
  /** Extra relay options (events, planted-bug parts) for tests and tools. */
  relayOptions?: Omit<RelayOptions, keyof RelayConfig>;
}

export interface RelayServer {
  readonly relay: StatelessCollabRelay;
  readonly httpServer: Server;
  /** Refused input by reason and source, as `/metrics` shows it (lfcc_rejected_total). */
  readonly rejections: RejectionTally;
  /** Starts the relay (Redis connects in the background) and accepts connections at once. */
  listen(port: number, host?: string): Promise<AddressInfo>;
  address(): AddressInfo | null;
  /** Graceful stop: LEAVE to peers, 1001 to clients, then the HTTP server. */
  close(): Promise<void>;
}

export function createRelayServer(options: RelayServerOptions = {}): RelayServer {
  const { redisUrl, redisClusterNodes, redisNatMap, jwtSecret, logger: givenLogger, pingIntervalMs, relayOptions, ...rest } = options;
  const { maxConnections, maxConnectionsPerIp, headersTimeoutMs, ...config } = rest;
  secretKey(jwtSecret); // an empty secret throws here, before a relay or a Redis client exists
  const logger = givenLogger ?? pinoLogger("info", { service: "lfcc-relay" });
  const rejections = new RejectionTally();
  const relay = new StatelessCollabRelay({
    ...config,
    ...relayOptions,
    redisAdapter: redisClusterNodes
      ? createRedisAdapter({ redisClusterNodes, natMap: redisNatMap })
      : redisUrl ? createRedisAdapter({ redisUrl }) : createInMemoryMessageBus(),
    ports: { logger: redisUrl ? warnWhenRedisUnreachable(logger, redisUrl) : logger, ...relayOptions?.ports },
  });
  const maxFrameBytes = config.maxFrameBytes ?? DEFAULT_RELAY_CONFIG.maxFrameBytes;
  const host = createRelayHost({
    relay,
    logger,
    jwtSecret,
    pingIntervalMs,
    admission: { maxConnections, maxConnectionsPerIp, headersTimeoutMs },
    rejections,
    clock: relayOptions?.ports?.clock, // token expiry runs on the relay's clock
    newClientId: () => generateClientId(),
    wsMaxPayloadBytes: maxFrameBytes * 4 + 64 * 1024,
  });
  return {
    relay,
    httpServer: host.httpServer,
    rejections,
    async listen(port, hostName) {
      // Not awaited: accept connections at once even while Redis is still connecting (CLI.md).
      relay.initialize().catch((error: unknown) => logger.error({ err: String(error) }, "relay initialize failed"));
      return host.listen(port, hostName);
    },
    address: () => host.address(),
    close: () => host.close(),
  };
}
