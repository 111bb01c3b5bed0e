/**
 * What a relay reports while it runs. `RelayEvent`s go to the `onEvent` option as they happen
 * (the simulator traces them, checkers sample the queue); `RelayStats` are running totals for
 * `/metrics`, `/health` and run records, one field per PROTOCOL.md section 7 metric.
 */
export type RelayEvent =
  /** Outage-queue depth, on every enqueue and every drain. */
  | { type: "queue"; depthMessages: number; depthBytes: number; maxMessages: number; maxBytes: number }
  /** Messages dropped from the outage queue on overflow. */
  | { type: "dropped"; count: number }
  | { type: "bus-status"; connected: boolean }
  /** One message from another server, accepted for delivery. */
  | { type: "remote-message"; messageType: string; docId: string }
  | { type: "snapshot-request"; docId: string }
  /** A requester got `update: null` (no source anywhere, or the timeout). */
  | { type: "snapshot-fallback"; docId: string }
  /**
   * The opt-in snapshot cache (docs/SNAPSHOT-CACHE.md): a read before a fallback (`hit`: the
   * requester got the entry, `miss`, `rejected`, `error`) or a write (`written`, `too-large`,
   * `bad-state`, `rejected`: the entry found was refused and replaced, `error`).
   */
  | { type: "snapshot-cache"; docId: string; op: "read" | "write"; result: string; bytes?: number }
  | { type: "rate-limited"; senderId: string }
  /** A routed message with a missing or wrong signature (cluster secret set). */
  | { type: "forged-dropped" }
  | { type: "slow-consumer"; senderId: string }
  | { type: "duplicate-dropped" }
  /** After Redis came back: clients of these docs were asked to exchange state vectors. */
  | { type: "resync"; docs: number }
  /** A remote server's roster went stale: its clients were reported gone. */
  | { type: "presence-expired"; docId: string; senderIds: string[] }
  /**
   * Hostile or broken input refused (PROTOCOL.md section 8), by reason: "depth", "bad-update",
   * "oversize", "malformed", "rate-limited", "state-request-budget", "forbidden", "doc-mismatch"
   * (client frames); "forged", "stale", "future", "replayed", "unverified", "depth", "bad-update",
   * "malformed" (Redis);
   * "callback-error" (a handler or timer threw and was contained), "slow-consumer-total" (the
   * process-wide buffer bound closed a reader). docs/HOSTILE-INPUT.md lists them all. `/metrics`
   * counts it as lfcc_rejected_total{reason,source} (relay/server/rejections.ts).
   */
  | InputRejectedEvent;

export type RejectionSource = "client" | "redis";

export interface InputRejectedEvent {
  type: "input-rejected";
  reason: string;
  source: RejectionSource;
}

export interface RelayStats {
  serverId: string;
  /** redis.connection_state (1 connected, 0 not); always true on the in-memory bus. */
  redisConnected: boolean;
  /** relay.remote_messages: messages from other servers delivered here. */
  remoteMessages: number;
  /** relay.snapshot_requests: SNAPSHOT_REQUESTs from local clients. */
  snapshotRequests: number;
  /** Requests answered `update: null` (no source or timeout). */
  snapshotFallbacks: number;
  /** Snapshot cache (opt-in): requests answered from the cache, reads that found nothing usable. */
  snapshotCacheHits: number;
  snapshotCacheMisses: number;
  /** Entries written, and fresh states not written (even alone over snapshotCacheMaxBytes, or undecodable). */
  snapshotCacheWrites: number;
  snapshotCacheSkipped: number;
  /** Cache GETs / SETs that failed or timed out (Redis down or slow): counted, never waited on. */
  snapshotCacheErrors: number;
  /** relay.active_documents. */
  activeDocuments: number;
  activeConnections: number;
  /** Current outage-queue depth, and the largest seen. */
  queuedMessages: number;
  queuedBytes: number;
  queuedMaxMessages: number;
  /** Outage-queue overflow: dropped, never grown. */
  droppedMessages: number;
  rateLimited: number;
  forgedDropped: number;
  duplicatesDropped: number;
  /** Garbage taken off Redis (not JSON, wrong shape): dropped. */
  malformedDropped: number;
  slowConsumers: number;
  /** Times the Redis link came back after being lost. */
  reconnects: number;
  /** Messages from local clients accepted and routed. */
  messagesRouted: number;
  /** Every `input-rejected` event, counted by source then reason: lfcc_rejected_total{reason,source}. */
  rejected: Record<RejectionSource, Record<string, number>>;
}
