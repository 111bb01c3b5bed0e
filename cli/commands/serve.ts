/**
 * `lfcc serve`: one production relay (WebSocket + /health + /metrics on one port), shared/CLI.md.
 * Flags win over env (PORT, HOST, REDIS_URL, POD_NAME, JWT_SECRET, CLUSTER_SECRET); without a
 * Redis URL it runs on the in-memory bus (single server). Admission and auth limits: docs/ADMISSION.md.
 */
import { Option, type Command } from "commander";
import { pinoLogger } from "../../relay/adapters/system.ts";
import { createRelayServer, type RelayServerOptions } from "../../relay/server/index.ts";
import { parseDurationMs, parseSizeBytes, type UnitResult } from "../../lab/scenario/units.ts";
import { UsageError } from "../usage-error.ts";
import { checkedRedisUrl } from "../redis-url.ts";
import { watchParent } from "../parent-watch.ts";
import { parseClusterNodes, type NatMap } from "../../relay/adapters/ioredis-cluster.ts";
import { parseRelayOverrides, type RelayConfig } from "../../relay/config.ts";

interface ServeFlags {
  port?: string;
  host?: string;
  redis?: string;
  redisCluster?: string;
  serverId?: string;
  jwtSecret?: string;
  clusterSecret?: string;
  snapshotTimeout?: string;
  queueMaxMessages?: string;
  queueMaxBytes?: string;
  maxFrameBytes?: string;
  heartbeatInterval?: string;
  presenceTimeout?: string;
  batching: boolean;
  batchWindow?: string;
  snapshotCache?: boolean;
  snapshotCacheTtl?: string;
  snapshotCacheMaxBytes?: string;
  snapshotCacheRefresh?: string;
  relayConfig?: string;
  maxConnections?: string;
  maxConnectionsPerIp?: string;
  headerTimeout?: string;
  logLevel: string;
  exitWithParent?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("run one relay server: WebSocket (?docId=), GET /health and GET /metrics on one port")
    .option("--port <port>", "TCP port (env PORT; default 3030)")
    .option("--host <host>", "interface to bind (env HOST; default 127.0.0.1)")
    .option("--redis <url>", "Redis URL, redis://[:password@]host:port or rediss:// (env REDIS_URL); none = in-memory bus")
    .option("--redis-cluster <nodes>", "Redis Cluster seed nodes HOST:PORT[,HOST:PORT...], sharded pub/sub (env REDIS_CLUSTER_NODES; env REDIS_CLUSTER_NAT_MAP: JSON {\"host:port\":{\"host\",\"port\"}})")
    .option("--server-id <id>", "server id (default server-$POD_NAME, else generated)")
    .option("--jwt-secret <secret>", "require HS256 JWTs signed with this secret (env JWT_SECRET); empty is an error, never auth off")
    .option("--cluster-secret <secret>", "sign routed messages with HMAC-SHA256, drop unsigned ones (env CLUSTER_SECRET)")
    .option("--snapshot-timeout <duration>", "how long a snapshot request waits before update:null (default 5s)")
    .option("--queue-max-messages <n>", "Redis outage queue bound by count (default 10000)")
    .option("--queue-max-bytes <size>", "Redis outage queue bound by size, e.g. 16MiB")
    .option("--max-frame-bytes <size>", "largest client frame, e.g. 1MiB")
    .option("--heartbeat-interval <duration>", "server roster heartbeat period, e.g. 2s")
    .option("--presence-timeout <duration>", "a silent server's clients are reported LEAVE after this, e.g. 6s")
    .option("--no-batching", "publish every message to Redis at once instead of batching per document")
    .option("--batch-window <duration>", "batching window: an idle channel publishes at once, what follows within the window goes as one batch, e.g. 5ms")
    .option("--snapshot-cache", "opt-in: keep each document's state in Redis (lfcc:snapshot:{docId}) and open it from there when no client can answer (needs --redis or --redis-cluster; docs/SNAPSHOT-CACHE.md)")
    .option("--snapshot-cache-ttl <duration>", "snapshot cache entry time to live, e.g. 24h (default 24h)")
    .option("--snapshot-cache-max-bytes <size>", "largest snapshot cache entry; larger states are not cached, e.g. 512KiB (default)")
    .option("--snapshot-cache-refresh <duration>", "after an edit, ask one local holder for the state within this; also the least time between two writes of one entry, e.g. 2s (default)")
    .option("--max-connections <n>", "open WebSockets on this server; an upgrade over it gets HTTP 503 (default 10000)")
    .option("--max-connections-per-ip <n>", "open WebSockets from one remote address; over it, HTTP 503 (default 1000)")
    .option("--header-timeout <duration>", "an HTTP request or upgrade must send its headers within this, else 408 and closed (default 10s)")
    .option("--relay-config <json>", "any other RelayConfig field (relay/config.ts) as a JSON object, e.g. '{\"maxBufferedBytes\":65536}'; the flags above win")
    .option("--no-exit-with-parent", "keep serving when the process that started this one exits (default: shut down gracefully, so npx never leaves an orphan)")
    .addOption(new Option("--log-level <level>", "log level").choices(["debug", "info", "warn", "error", "silent"]).default("info"))
    .action(async (flags: ServeFlags) => {
      await runServe(serveOptions(flags, process.env), flags.logLevel, flags.exitWithParent !== false);
    });
}

/** Flags and env to server options; throws UsageError (exit 2) on anything invalid. */
export function serveOptions(flags: ServeFlags, env: NodeJS.ProcessEnv): RelayServerOptions & { port: number; host: string } {
  const podName = env.POD_NAME;
  const explicit = {
    port: integer("--port", flags.port ?? env.PORT ?? "3030", 0, 65535),
    host: flags.host ?? env.HOST ?? "127.0.0.1",
    redisUrl: redisUrlOf(flags.redis, env.REDIS_URL),
    ...clusterOptions(flags.redisCluster ?? env.REDIS_CLUSTER_NODES, env.REDIS_CLUSTER_NAT_MAP),
    serverId: flags.serverId ?? (podName ? `server-${podName}` : undefined),
    jwtSecret: secretOf(flags.jwtSecret, env.JWT_SECRET, ["--jwt-secret", "JWT_SECRET"], "auth"),
    clusterSecret: secretOf(flags.clusterSecret, env.CLUSTER_SECRET, ["--cluster-secret", "CLUSTER_SECRET"], "unsigned routing"),
    snapshotTimeoutMs: optionalUnit("--snapshot-timeout", flags.snapshotTimeout, parseDurationMs),
    queueMaxMessages: optionalInteger("--queue-max-messages", flags.queueMaxMessages, 1),
    queueMaxBytes: optionalUnit("--queue-max-bytes", flags.queueMaxBytes, parseSizeBytes),
    maxFrameBytes: optionalUnit("--max-frame-bytes", flags.maxFrameBytes, parseSizeBytes),
    heartbeatIntervalMs: optionalUnit("--heartbeat-interval", flags.heartbeatInterval, parseDurationMs),
    presenceTimeoutMs: optionalUnit("--presence-timeout", flags.presenceTimeout, parseDurationMs),
    enableBatching: flags.batching === false ? false : undefined,
    batchWindowMs: optionalUnit("--batch-window", flags.batchWindow, parseDurationMs),
    enableSnapshotCache: flags.snapshotCache === true ? true : undefined,
    snapshotCacheTtlMs: positive("--snapshot-cache-ttl", optionalUnit("--snapshot-cache-ttl", flags.snapshotCacheTtl, parseDurationMs)),
    snapshotCacheMaxBytes: positive("--snapshot-cache-max-bytes", optionalUnit("--snapshot-cache-max-bytes", flags.snapshotCacheMaxBytes, parseSizeBytes)),
    snapshotCacheRefreshMs: positive("--snapshot-cache-refresh", optionalUnit("--snapshot-cache-refresh", flags.snapshotCacheRefresh, parseDurationMs)),
    maxConnections: optionalInteger("--max-connections", flags.maxConnections, 1),
    maxConnectionsPerIp: optionalInteger("--max-connections-per-ip", flags.maxConnectionsPerIp, 1),
    headersTimeoutMs: positive("--header-timeout", optionalUnit("--header-timeout", flags.headerTimeout, parseDurationMs)),
  };
  // Explicit flags win over --relay-config; a flag that was not given must not erase its JSON value.
  const given = Object.fromEntries(Object.entries(explicit).filter(([, value]) => value !== undefined));
  return { ...relayConfigJson(flags.relayConfig), ...given } as RelayServerOptions & { port: number; host: string };
}

async function runServe(options: RelayServerOptions & { port: number; host: string }, logLevel: string, exitWithParent: boolean): Promise<void> {
  const logger = pinoLogger(logLevel, { service: "lfcc-relay" });
  // Lifecycle lines (listening, shutting down) print at any --log-level: supervisors wait for them.
  const lifecycle = pinoLogger("info", { service: "lfcc-relay" });
  let server;
  try {
    server = createRelayServer({ ...options, logger });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const address = await server.listen(options.port, options.host);
  const auth = options.jwtSecret ? "auth on (JWT HS256 required)" : "auth off (no JWT secret: every client is an editor)";
  lifecycle.info(
    { port: address.port, host: address.address, serverId: server.relay.health().serverId, bus: options.redisClusterNodes ? "redis-cluster" : options.redisUrl ? "redis" : "memory", auth: Boolean(options.jwtSecret) },
    `listening on ${address.address}:${address.port}, ${auth}`,
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (reason: string) => {
      if (stopping) return; // SIGTERM and a lost parent often arrive together (npx)
      stopping = true;
      lifecycle.info({ signal: reason }, "shutting down");
      // A second signal, or a shutdown that hangs, must still end the process.
      setTimeout(() => process.exit(0), 10_000).unref();
      server.close().then(resolve, (error: unknown) => {
        logger.error({ err: String(error) }, "shutdown failed");
        resolve();
      });
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
    if (exitWithParent) watchParent((parentPid) => stop(`parent ${parentPid} exited`));
  });
  lifecycle.info({}, "stopped");
  process.exit(0); // ioredis sockets or stray handles must not keep a stopped relay alive
}

function redisUrlOf(flag: string | undefined, env: string | undefined): string | undefined {
  if (flag !== undefined) return checkedRedisUrl(flag, "--redis");
  const fromEnv = nonEmpty(env);
  return fromEnv === undefined ? undefined : checkedRedisUrl(fromEnv, "REDIS_URL");
}

function integer(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new UsageError(`${flag}: expected an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function optionalInteger(flag: string, text: string | undefined, min: number): number | undefined {
  return text === undefined ? undefined : integer(flag, text, min);
}

function positive(flag: string, value: number | undefined): number | undefined {
  if (value !== undefined && value <= 0) throw new UsageError(`${flag}: must be greater than 0`);
  return value;
}

/**
 * PROTOCOL.md section 8: an empty secret is a start-up error, never "auth off" (a deployment whose
 * secret variable came out empty must not silently open every document to everyone).
 */
/**
 * An empty secret is a start-up error (PROTOCOL.md section 8), never "off": `--jwt-secret ""` from a
 * template whose variable was unset would otherwise silently disable auth, `--cluster-secret ""`
 * message signing.
 */
function secretOf(flag: string | undefined, env: string | undefined, [flagName, envName]: [string, string], without: string): string | undefined {
  const secret = flag ?? env;
  if (secret === "") {
    throw new UsageError(`${flag === undefined ? envName : flagName} is empty: give a non-empty secret, or leave it unset to run without ${without}`);
  }
  return secret;
}

function unit(flag: string, result: UnitResult): number {
  if (!result.ok) throw new UsageError(`${flag}: ${result.error}`);
  return result.value;
}

function optionalUnit(flag: string, text: string | undefined, parse: (value: unknown) => UnitResult): number | undefined {
  return text === undefined ? undefined : unit(flag, parse(/^\d+$/.test(text) && parse === parseSizeBytes ? Number(text) : text));
}

function relayConfigJson(text: string | undefined): Partial<RelayConfig> {
  if (text === undefined) return {};
  try {
    return parseRelayOverrides(JSON.parse(text));
  } catch (error) {
    throw new UsageError(`--relay-config: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `--redis-cluster` / REDIS_CLUSTER_NODES (checked here: a typo is exit 2, not a relay retrying forever). */
function clusterOptions(nodes: string | undefined, natMapJson: string | undefined): Pick<RelayServerOptions, "redisClusterNodes" | "redisNatMap"> {
  const seeds = nonEmpty(nodes);
  if (seeds === undefined) return {};
  try {
    parseClusterNodes(seeds);
    const natMap = natMapJson ? (JSON.parse(natMapJson) as NatMap) : undefined;
    return natMap ? { redisClusterNodes: seeds, redisNatMap: natMap } : { redisClusterNodes: seeds };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
