/**
 * The relay's one configuration object. Every limit is documented where it is declared, with its
 * unit in its name. `lfcc serve` flags, scenario `relay:` overrides and the fuzzer's randomized
 * knobs all end up here, through `resolveRelayConfig`.
 */
export interface RelayConfig {
  /** Identity of this relay process in Redis messages and `/health`. Default: generated. */
  serverId: string;

  /**
   * Batch outgoing Redis publishes per channel: a message on an idle channel is published at once
   * (leading edge) and what follows inside the window goes as one BATCH (core/publish-batcher.ts).
   * Default true.
   */
  enableBatching: boolean;
  /** How long the window after a publish collects messages before they go as one BATCH. Default 5 ms. */
  batchWindowMs: number;
  /** A batch is published at once when it holds this many messages. Default 64. */
  batchMaxMessages: number;

  /** Per-connection token buckets. Default true. */
  enableRateLimiting: boolean;
  /** Message bucket refill rate. Default 100 messages/s. */
  rateLimitMessagesPerSecond: number;
  /** Message bucket size: the largest burst. PROTOCOL.md caps it at 500. Default 200. */
  rateLimitBurstMessages: number;
  /** Byte bucket refill rate. Default 1 MiB/s. */
  rateLimitBytesPerSecond: number;
  /** Byte bucket size. Default 4 MiB. */
  rateLimitBurstBytes: number;
  /** Rate-limited messages in a row after which the socket is closed with 1008. Default 1000. */
  rateLimitCloseAfterViolations: number;

  /** Largest accepted client frame; larger gets `ERROR TOO_LARGE`. Default 1 MiB. */
  maxFrameBytes: number;

  /** How long a requester waits for a snapshot before `update: null`. Default 5000 ms. */
  snapshotTimeoutMs: number;

  /**
   * The opt-in snapshot cache (docs/SNAPSHOT-CACHE.md): a document's full state kept in Redis at
   * `lfcc:snapshot:{docId}`, refreshed from its holders' snapshots and served (`source: "cache"`)
   * only when no client answers a SNAPSHOT_REQUEST, so a document whose holders are all offline
   * still opens with content. Needs a Redis bus: on the in-memory bus it stays off. Default false.
   */
  enableSnapshotCache: boolean;
  /** Largest entry written or accepted (UTF-8 bytes of the stored value); a larger one is skipped. Default 512 KiB. */
  snapshotCacheMaxBytes: number;
  /** Entry time to live (`SET ... PX`); renewed every half of it while a holder is online. Default 24 h. */
  snapshotCacheTtlMs: number;
  /**
   * After an edit of a document, one local holder is asked for its state within this long, and no
   * document's entry is written more often than this by one server. Default 2000 ms.
   */
  snapshotCacheRefreshMs: number;
  /** A cache GET or SET not answered within this counts as failed (nothing waits longer). Default 500 ms. */
  snapshotCacheRedisTimeoutMs: number;

  /** Outage queue bound by count (messages waiting for Redis). Default 10 000. */
  queueMaxMessages: number;
  /** Outage queue bound by size (UTF-8 bytes of the queued publishes). Default 16 MiB. */
  queueMaxBytes: number;

  /** First Redis reconnect delay; doubles per failed attempt up to the max. Default 100 ms. */
  redisReconnectBaseMs: number;
  /** Largest Redis reconnect delay. Default 2000 ms. */
  redisReconnectMaxMs: number;

  /** How often a server announces its clients of each doc (its roster). Default 2000 ms. */
  heartbeatIntervalMs: number;
  /**
   * A remote server whose roster for a doc is this old is presumed dead: its clients are reported
   * LEAVE. Must stay under PROTOCOL.md's 15 s ghost-presence bound. Default 6000 ms.
   */
  presenceTimeoutMs: number;

  /** Remember delivered messageIds this long (de-duplication window). Default 60 000 ms. */
  dedupWindowMs: number;
  /** ...and at most this many of them. Default 50 000. */
  dedupMaxEntries: number;

  /** A client whose socket buffer exceeds this is closed with 4008 (slow consumer). Default 8 MiB. */
  maxBufferedBytes: number;
  /**
   * Bytes buffered for slow readers across the whole process (PROTOCOL.md section 8). Over it,
   * the connections with the largest buffers are closed with 4008 until the total is back under.
   * Default 256 MiB.
   */
  maxBufferedBytesTotal: number;

  /**
   * State requests (SNAPSHOT_REQUEST, SYNC_STEP1) have their own per-connection token bucket, so a
   * client cannot make its peers serve the document over and over (PROTOCOL.md section 8). Over it:
   * `ERROR RATE_LIMITED`. Editors: default 5 requests/s, burst 50.
   */
  stateRequestsPerSecond: number;
  stateRequestBurst: number;
  /** The same for viewers, who never serve anyone. Default 1 request/s, burst 10. */
  viewerStateRequestsPerSecond: number;
  viewerStateRequestBurst: number;

  /**
   * With a cluster secret: a routed message whose signed `ts` is further than this from its
   * sender's clock, in either direction, is dropped as a replay (PROTOCOL.md section 8). The
   * sender's clock is known from its echo of our nonce (relay/core/replay-guard.ts), so relay clocks
   * need not agree. Never longer than dedupWindowMs (clamped), so a replay is either a duplicate or
   * stale. Default 30 000 ms.
   */
  signedFreshnessMs: number;
  /**
   * With a cluster secret: how long a routed message may wait for its sender to prove its clock
   * (an echo of our nonce in its beat, relay/core/replay-guard.ts) before it is dropped as
   * `unverified` or `replayed`. Honest messages wait only right after a relay starts or meets a
   * new peer (one round trip). At least 2 x heartbeatIntervalMs (clamped). Default 5000 ms.
   */
  signedHoldMs: number;

  /**
   * Check that every `update` / state vector from a client is valid base64 of a decodable Yjs v1
   * update (PROTOCOL.md section 8). Default true; false exists only to measure its cost (bench/).
   */
  validateCrdtPayloads: boolean;

  /** When set, every routed message is HMAC-SHA256 signed and unsigned ones are dropped. */
  clusterSecret?: string;
}

export const DEFAULT_RELAY_CONFIG: Omit<RelayConfig, "serverId"> = {
  enableBatching: true,
  batchWindowMs: 5,
  batchMaxMessages: 64,
  enableRateLimiting: true,
  rateLimitMessagesPerSecond: 100,
  rateLimitBurstMessages: 200,
  rateLimitBytesPerSecond: 1024 * 1024,
  rateLimitBurstBytes: 4 * 1024 * 1024,
  rateLimitCloseAfterViolations: 1000,
  maxFrameBytes: 1024 * 1024,
  snapshotTimeoutMs: 5000,
  enableSnapshotCache: false,
  snapshotCacheMaxBytes: 512 * 1024,
  snapshotCacheTtlMs: 24 * 60 * 60 * 1000,
  snapshotCacheRefreshMs: 2000,
  snapshotCacheRedisTimeoutMs: 500,
  queueMaxMessages: 10_000,
  queueMaxBytes: 16 * 1024 * 1024,
  redisReconnectBaseMs: 100,
  redisReconnectMaxMs: 2000,
  heartbeatIntervalMs: 2000,
  presenceTimeoutMs: 6000,
  dedupWindowMs: 60_000,
  dedupMaxEntries: 50_000,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxBufferedBytesTotal: 256 * 1024 * 1024,
  stateRequestsPerSecond: 5,
  stateRequestBurst: 50,
  viewerStateRequestsPerSecond: 1,
  viewerStateRequestBurst: 10,
  signedFreshnessMs: 30_000,
  signedHoldMs: 5000,
  validateCrdtPayloads: true,
};

export function resolveRelayConfig(
  overrides: Partial<RelayConfig> & { serverId: string },
): RelayConfig {
  const config = { ...DEFAULT_RELAY_CONFIG, ...stripUndefined(overrides) } as RelayConfig;
  if (config.rateLimitBurstMessages > 500) {
    throw new Error("rateLimitBurstMessages must be at most 500 (PROTOCOL.md section 5)");
  }
  // PROTOCOL.md section 8: the freshness window never outlasts de-duplication.
  config.signedFreshnessMs = Math.min(config.signedFreshnessMs, config.dedupWindowMs);
  // One beat must be able to bring the echo a held message waits for.
  config.signedHoldMs = Math.max(config.signedHoldMs, 2 * config.heartbeatIntervalMs);
  return config;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Checks a loose object (e.g. the JSON of `lfcc serve --relay-config`) field by field against the
 * config's own defaults, so any RelayConfig field can be set from outside without a flag of its
 * own, and a typo or a wrong type is an error rather than a silently ignored setting.
 */
export function parseRelayOverrides(value: unknown): Partial<Omit<RelayConfig, "serverId">> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("relay config overrides must be a JSON object of RelayConfig fields");
  }
  const overrides: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const expected = key === "clusterSecret" ? "string" : typeof DEFAULT_RELAY_CONFIG[key as keyof typeof DEFAULT_RELAY_CONFIG];
    if (expected === "undefined") {
      throw new Error(`unknown relay config field "${key}" (fields: ${Object.keys(DEFAULT_RELAY_CONFIG).join(", ")}, clusterSecret)`);
    }
    if (typeof field !== expected || (expected === "number" && !(Number.isFinite(field) && (field as number) >= 0))) {
      throw new Error(`relay config field "${key}" must be a ${expected === "number" ? "non-negative number" : expected}`);
    }
    overrides[key] = field;
  }
  return overrides as Partial<Omit<RelayConfig, "serverId">>;
}

/**
 * Limits of the HTTP/WebSocket host (relay/server/), PROTOCOL.md section 8 "Admission" and
 * docs/ADMISSION.md. Kept apart from RelayConfig: the relay core only ever sees sockets that were
 * already admitted, and the simulator has no HTTP layer to apply them to.
 */
export interface ServerAdmissionConfig {
  /** Open WebSockets on this server; an upgrade over the bound is answered HTTP 503. Default 10 000. */
  maxConnections: number;
  /**
   * Open WebSockets from one remote address (the TCP peer: behind a proxy, that is the proxy).
   * An upgrade over the bound is answered HTTP 503. Default 1000.
   */
  maxConnectionsPerIp: number;
  /**
   * An HTTP request, the WebSocket upgrade included, must complete its headers within this long;
   * otherwise it is answered 408 and its socket destroyed (slowloris, half-open upgrades). Default 10 000 ms.
   */
  headersTimeoutMs: number;
}

export const DEFAULT_ADMISSION_CONFIG: ServerAdmissionConfig = {
  maxConnections: 10_000,
  maxConnectionsPerIp: 1000,
  headersTimeoutMs: 10_000,
};

/**
 * The y-websocket dialect's timers (PROTOCOL.md section 9; relay/dialects/y-websocket/). Separate
 * from RelayConfig because the core never reads them: only the dialect layer over it does.
 */
export interface YWebsocketConfig {
  /**
   * A y-websocket 3 client closes a socket on which nothing arrived for 30 s (pings do not count),
   * so a session sent nothing for this long gets an empty awareness update (`01 01 00`). Default 10 000 ms.
   */
  keepaliveIdleMs: number;
  /**
   * y-protocols drops a remote awareness state not renewed for 30 s; the states the dialect makes
   * for JSON clients' PRESENCE are re-sent (clock + 1) this often. Default 15 000 ms.
   */
  awarenessRenewMs: number;
  /** How often the keepalive / renewal sweep runs over the dialect's sessions. Default 5000 ms. */
  sweepIntervalMs: number;
  /** A RESYNC is answered after a random delay below this, so a server's clients do not stampede. Default 500 ms. */
  resyncMaxDelayMs: number;
  /** Undecodable binary messages in a row after which the socket is closed with 1008. Default 100. */
  closeAfterRejectedInRow: number;
  /** JOINs within this window share one awareness re-send per client (QueryAwareness). Default 200 ms. */
  awarenessQueryWindowMs: number;
}

export const DEFAULT_Y_WEBSOCKET_CONFIG: YWebsocketConfig = {
  keepaliveIdleMs: 10_000,
  awarenessRenewMs: 15_000,
  sweepIntervalMs: 5000,
  resyncMaxDelayMs: 500,
  closeAfterRejectedInRow: 100,
  awarenessQueryWindowMs: 200,
};
