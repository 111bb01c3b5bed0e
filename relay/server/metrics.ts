/**
 * `/metrics`: Prometheus text from the relay's own counters (PROTOCOL.md section 7, the design
 * doc's monitoring table). Its own Registry, never prom-client's global one, so several relays in
 * one process (tests, benchmarks) do not clash. Values are read from relay.stats() at scrape time
 * (collect), so the hot path pays nothing for metrics.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { HostedRelay } from "./hosted-relay.ts";
import type { RelayStats } from "./hosted-relay.ts";
import { allRejections, type RejectionTally, type RelayRejectedCounts } from "./rejections.ts";
import type { ContainedErrors } from "./contain.ts";

type CounterField = { [K in keyof RelayStats]: RelayStats[K] extends number ? K : never }[keyof RelayStats];

interface MetricSpec {
  name: string;
  help: string;
  kind: "gauge" | "counter";
  read: (stats: RelayStats, relay: HostedRelay) => number;
}

function field(name: CounterField): (stats: RelayStats) => number {
  return (stats) => stats[name];
}

export const RELAY_METRICS: MetricSpec[] = [
  { name: "lfcc_redis_connected", kind: "gauge", help: "Redis connection state (1 connected, 0 not): the design doc's redis.connection_state", read: (_s, relay) => Number(relay.health().redis.connected) },
  { name: "lfcc_redis_active_subscriptions", kind: "gauge", help: "Redis channels this server subscribes to", read: (_s, relay) => relay.health().redis.activeSubscriptions },
  { name: "lfcc_remote_messages_total", kind: "counter", help: "Messages received from other servers through Redis (cross-server traffic)", read: field("remoteMessages") },
  { name: "lfcc_snapshot_requests_total", kind: "counter", help: "SNAPSHOT_REQUESTs received from clients", read: field("snapshotRequests") },
  { name: "lfcc_snapshot_fallbacks_total", kind: "counter", help: "Snapshot requests answered with update:null (no source)", read: field("snapshotFallbacks") },
  { name: "lfcc_snapshot_cache_hits_total", kind: "counter", help: "Snapshot requests answered from the opt-in Redis snapshot cache (no client answered)", read: field("snapshotCacheHits") },
  { name: "lfcc_snapshot_cache_misses_total", kind: "counter", help: "Snapshot cache reads that found no usable entry", read: field("snapshotCacheMisses") },
  { name: "lfcc_snapshot_cache_writes_total", kind: "counter", help: "Snapshot cache entries written (merged) from holders' snapshots", read: field("snapshotCacheWrites") },
  { name: "lfcc_snapshot_cache_skipped_total", kind: "counter", help: "Holder snapshots not cached because they exceed snapshotCacheMaxBytes", read: field("snapshotCacheSkipped") },
  { name: "lfcc_snapshot_cache_errors_total", kind: "counter", help: "Snapshot cache GETs / SETs that failed or timed out", read: field("snapshotCacheErrors") },
  { name: "lfcc_active_documents", kind: "gauge", help: "Documents with at least one client on this server", read: (_s, relay) => relay.health().documents },
  { name: "lfcc_active_connections", kind: "gauge", help: "Open client connections on this server", read: (_s, relay) => relay.health().connections },
  { name: "lfcc_queue_messages", kind: "gauge", help: "Messages waiting in the Redis outage queue", read: field("queuedMessages") },
  { name: "lfcc_queue_bytes", kind: "gauge", help: "Bytes waiting in the Redis outage queue", read: field("queuedBytes") },
  { name: "lfcc_dropped_messages_total", kind: "counter", help: "Messages dropped because the outage queue was full", read: field("droppedMessages") },
  { name: "lfcc_rate_limited_messages_total", kind: "counter", help: "Client messages refused with ERROR RATE_LIMITED", read: field("rateLimited") },
  { name: "lfcc_forged_messages_dropped_total", kind: "counter", help: "Routed messages dropped for a missing or wrong cluster signature", read: field("forgedDropped") },
  { name: "lfcc_duplicate_messages_dropped_total", kind: "counter", help: "Routed messages dropped by the de-duplication window", read: field("duplicatesDropped") },
  { name: "lfcc_redis_reconnects_total", kind: "counter", help: "Times the Redis link came back after being lost", read: field("reconnects") },
  { name: "lfcc_queue_max_messages", kind: "gauge", help: "Largest outage-queue depth seen (messages)", read: field("queuedMaxMessages") },
  { name: "lfcc_malformed_messages_dropped_total", kind: "counter", help: "Garbage taken off Redis (not JSON, wrong shape), dropped", read: field("malformedDropped") },
  { name: "lfcc_messages_routed_total", kind: "counter", help: "Messages from local clients accepted and routed", read: field("messagesRouted") },
  { name: "lfcc_slow_consumers_total", kind: "counter", help: "Clients closed with 4008 because their socket buffer overflowed", read: field("slowConsumers") },
];

export interface RelayMetrics {
  registry: Registry;
}

export interface RelayMetricsOptions {
  processMetrics?: boolean;
  /** The host's refusals; with the relay's stats().rejected: lfcc_rejected_total{reason,source}. */
  rejections?: RejectionTally;
  /** Errors the host contained, by callback: lfcc_server_callback_errors_total{callback}. */
  containedErrors?: ContainedErrors;
}

export function createRelayMetrics(relay: HostedRelay, options: RelayMetricsOptions = {}): RelayMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "lfcc_" }); // prom-client names already start with process_ / nodejs_
  for (const spec of RELAY_METRICS) register(registry, spec, relay);
  const { rejections, containedErrors } = options;
  if (rejections) {
    labelledCounter(registry, "lfcc_rejected_total", "Input refused, by reason and source (upgrade: HTTP before any WebSocket; client: a client socket; redis: a routed message)", ["reason", "source"], () =>
      allRejections(rejections, (relay.stats() as { rejected?: RelayRejectedCounts }).rejected).map(({ reason, source, count }) => [{ reason, source }, count]),
    );
  }
  if (containedErrors) {
    labelledCounter(registry, "lfcc_server_callback_errors_total", "Errors thrown inside a server callback, contained (logged) instead of ending the process", ["callback"], () =>
      containedErrors.all().map(({ callback, count }) => [{ callback }, count]),
    );
  }
  return { registry };
}

function labelledCounter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
  read: () => Array<[Record<L, string>, number]>,
): void {
  new Counter({
    name, help, labelNames, registers: [registry],
    collect() {
      this.reset();
      for (const [labels, count] of read()) this.inc(labels, count);
    },
  });
}

function register(registry: Registry, spec: MetricSpec, relay: HostedRelay): void {
  const read = () => spec.read(relay.stats(), relay);
  if (spec.kind === "gauge") {
    new Gauge({ name: spec.name, help: spec.help, registers: [registry], collect() { this.set(read()); } });
    return;
  }
  // The relay keeps cumulative totals; a counter's collect() can only add, so restart it at the total.
  new Counter({ name: spec.name, help: spec.help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
}
