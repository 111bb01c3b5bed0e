/**
 * Reads a relay's outage-queue and routing counters from its /metrics (Prometheus text), the
 * production observability surface, so chaos needs no test-only endpoint.
 */
export interface RelayStats {
  queueMessages: number;
  queueBytes: number;
  dropped: number;
  crossServerMessages: number;
  snapshotRequests: number;
}

/** Metric names per stat, as relay/server/metrics.ts exports them. */
const METRIC_NAMES: Record<keyof RelayStats, string> = {
  queueMessages: "lfcc_queue_messages",
  queueBytes: "lfcc_queue_bytes",
  dropped: "lfcc_dropped_messages_total",
  crossServerMessages: "lfcc_remote_messages_total",
  snapshotRequests: "lfcc_snapshot_requests_total",
};

export function parseRelayStats(metricsText: string): RelayStats {
  const values = parsePrometheus(metricsText);
  const pick = (name: string) => values.get(name) ?? 0;
  return {
    queueMessages: pick(METRIC_NAMES.queueMessages),
    queueBytes: pick(METRIC_NAMES.queueBytes),
    dropped: pick(METRIC_NAMES.dropped),
    crossServerMessages: pick(METRIC_NAMES.crossServerMessages),
    snapshotRequests: pick(METRIC_NAMES.snapshotRequests),
  };
}

/** metric name -> sum over its label sets (a counter split by labels adds up). */
export function parsePrometheus(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) values.set(match[1]!, (values.get(match[1]!) ?? 0) + value);
  }
  return values;
}
