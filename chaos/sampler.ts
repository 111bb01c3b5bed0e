/**
 * Samples the running cluster on wall time: replica digests per doc (divergence), each relay's
 * outage queue from /metrics, connected clients, delivery-latency quantiles of the window
 * (lab/deliveries.ts). Produces the Observations' samples and the record's TimeSeries, and totals
 * relay counters across restarts (a respawned relay starts at 0).
 */
import type { QueueSample, ReplicaSample } from "../lab/observations.ts";
import type { TimeSeries } from "../lab/record.ts";
import { pushLatencyWindow, type LatencyQuantiles } from "../lab/deliveries.ts";
import { DEFAULT_RELAY_CONFIG } from "../relay/config.ts";
import type { ChaosCluster } from "./cluster.ts";
import { parseRelayStats, type RelayStats } from "./relay-stats.ts";

type CounterName = "dropped" | "crossServerMessages" | "snapshotRequests";

export class ClusterSampler {
  readonly queueSamples: QueueSample[] = [];
  readonly replicaSamples: ReplicaSample[] = [];
  readonly series: TimeSeries;
  /** Last counter values per relay incarnation (serverId). */
  private readonly counters = new Map<string, Pick<RelayStats, CounterName>>();
  private readonly maxMessages: number;
  private readonly maxBytes: number;

  constructor(private readonly cluster: ChaosCluster, relay: { queueMaxMessages?: number; queueMaxBytes?: number }) {
    this.maxMessages = relay.queueMaxMessages ?? DEFAULT_RELAY_CONFIG.queueMaxMessages;
    this.maxBytes = relay.queueMaxBytes ?? DEFAULT_RELAY_CONFIG.queueMaxBytes;
    const servers = cluster.serverNames();
    this.series = {
      tMs: [],
      queueDepth: Object.fromEntries(servers.map((s) => [s, []])),
      queueBound: Object.fromEntries(servers.map((s) => [s, this.maxMessages])),
      divergence: {},
      connectedClients: [],
      reconnects: [],
      snapshotFallbacks: [],
      deliveryLatencyMs: { p50: [], p90: [], p99: [], max: [] },
    };
  }

  /** One sample of everything. Relay reads run in parallel; a dead relay counts as depth 0. */
  async sample(): Promise<void> {
    const tMs = this.cluster.elapsedMs();
    // The window closes at tMs, like every other column of this sample (the relay reads below take time).
    const latency = roundedMs(this.cluster.sink.deliveries.takeWindow());
    const depths = await Promise.all(this.cluster.serverNames().map((server) => this.sampleRelay(server, tMs)));
    this.series.tMs.push(Math.round(tMs));
    this.cluster.serverNames().forEach((server, i) => this.series.queueDepth[server]!.push(depths[i]!));
    for (const sample of this.sampleReplicas(tMs)) {
      (this.series.divergence[sample.docId] ??= []).push(new Set(Object.values(sample.digests)).size);
    }
    const clients = [...this.cluster.clients.values()];
    this.series.connectedClients.push(clients.filter((c) => c.connected).length);
    this.series.reconnects.push(this.reconnects());
    this.series.snapshotFallbacks.push(clients.reduce((sum, c) => sum + c.snapshotFallbacks, 0));
    pushLatencyWindow(this.series.deliveryLatencyMs, latency);
  }

  /** Replica digests of every live client, per doc (disconnected replicas count: they are replicas). */
  sampleReplicas(tMs: number): ReplicaSample[] {
    const byDoc = new Map<string, Record<string, string>>();
    for (const client of this.cluster.clients.values()) {
      if (!client.live) continue;
      const digests = byDoc.get(client.options.docId) ?? {};
      digests[client.name] = client.digest();
      byDoc.set(client.options.docId, digests);
    }
    const samples = [...byDoc].map(([docId, digests]) => ({ tMs, docId, digests }));
    this.replicaSamples.push(...samples);
    return samples;
  }

  total(counter: CounterName): number {
    return [...this.counters.values()].reduce((sum, c) => sum + c[counter], 0);
  }

  queuedMax(): number {
    return this.queueSamples.reduce((max, s) => Math.max(max, s.depthMessages), 0);
  }

  /** Sessions beyond each client's first: every one is a reconnect. */
  reconnects(): number {
    const sessions = this.cluster.sink.sessions;
    return sessions.length - new Set(sessions.map((s) => s.client)).size;
  }

  private async sampleRelay(server: string, tMs: number): Promise<number> {
    const relay = this.cluster.relays.get(server);
    const serverId = relay?.serverId;
    const text = relay ? await relay.metrics() : null;
    if (!text || !serverId) return 0;
    const stats = parseRelayStats(text);
    this.counters.set(serverId, { dropped: stats.dropped, crossServerMessages: stats.crossServerMessages, snapshotRequests: stats.snapshotRequests });
    this.queueSamples.push({
      tMs,
      server,
      depthMessages: stats.queueMessages,
      depthBytes: stats.queueBytes,
      maxMessages: this.maxMessages,
      maxBytes: this.maxBytes,
    });
    return stats.queueMessages;
  }
}

/** Wall-clock latencies to 0.1 ms: finer digits are noise and bloat the record. */
function roundedMs(window: LatencyQuantiles): LatencyQuantiles {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { p50: round(window.p50), p90: round(window.p90), p99: round(window.p99), max: round(window.max), count: window.count };
}
