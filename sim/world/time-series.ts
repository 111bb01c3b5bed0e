/**
 * The run's time series for reports (lab/record.ts TimeSeries), sampled on a fixed virtual
 * period: queue depth per server, divergence per doc (distinct digests in the latest replica sample), connected
 * clients, cumulative reconnects and snapshot fallbacks, delivery-latency quantiles per window.
 */
import { pushLatencyWindow } from "../../lab/deliveries.ts";
import type { TimeSeries } from "../../lab/record.ts";
import type { SimWorld } from "./world.ts";

export class TimeSeriesRecorder {
  readonly series: TimeSeries = {
    tMs: [],
    queueDepth: {},
    queueBound: {},
    divergence: {},
    connectedClients: [],
    reconnects: [],
    snapshotFallbacks: [],
    deliveryLatencyMs: { p50: [], p90: [], p99: [], max: [] },
  };

  constructor(private readonly world: SimWorld) {}

  sample(tMs: number): void {
    const { observer } = this.world;
    const s = this.series;
    const index = s.tMs.length;
    s.tMs.push(tMs);
    for (const server of this.world.servers.keys()) {
      (s.queueDepth[server] ??= new Array(index).fill(0)).push(observer.queueDepth.get(server) ?? 0);
      const bound = observer.queueBound.get(server);
      if (bound !== undefined) s.queueBound[server] = bound;
    }
    for (const docId of this.world.docIds()) {
      (s.divergence[docId] ??= new Array(index).fill(1)).push(this.world.latestDivergence(docId));
    }
    s.connectedClients.push([...this.world.clients.values()].filter((c) => c.isConnected).length);
    s.reconnects.push(observer.counters.reconnects);
    s.snapshotFallbacks.push(observer.counters.snapshotFallbacks);
    pushLatencyWindow(s.deliveryLatencyMs, observer.deliveries.takeWindow());
  }
}
