/**
 * Deliveries and delivery latency, measured the same way by the simulator (virtual time) and
 * `lfcc chaos` (wall time since run start): the caller passes its clock in, nothing here reads time.
 *
 * An edit that adds content advances its author's clock in the Yjs state vector, so a replica has
 * received it once its state vector reaches the edit's clock. After every remote update a replica
 * applies, per-(replica, author) cursors move over the author's edits: each step is one delivery,
 * with latency = now - edit time. Edits that only delete add no clock, so they cannot be told
 * apart in the state vector and are not tracked (they still count as edits elsewhere). A replica
 * that joins late is not owed the edits made before it existed.
 */
import * as Y from "yjs";

interface TrackedEdit {
  tMs: number;
  clockEnd: number;
}

export interface LatencyQuantiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Deliveries in the window (0: the quantiles are 0 because nothing was delivered). */
  count: number;
}

export class DeliveryTracker {
  /** Deliveries so far (one per content-adding edit per other replica of its doc that received it). */
  count = 0;
  /** Delivery latencies since the last takeWindow(). */
  private windowMs: number[] = [];
  /** Every delivery latency of the run, for the run's own quantiles (RunRecord.deliveryLatencyMs). */
  private readonly allMs: number[] = [];
  /** author Yjs clientID -> its content-adding edits in order. */
  private readonly trackedEdits = new Map<number, TrackedEdit[]>();
  /** replica name -> author clientID -> index of the next undelivered edit. */
  private readonly cursors = new Map<string, Map<number, number>>();
  /** docId -> author clientIDs writing to it. */
  private readonly authorsByDoc = new Map<string, number[]>();

  constructor(private readonly nowMs: () => number) {}

  /** A replica `replica` of `docId` whose doc writes as Yjs `clientID`. */
  addReplica(replica: string, docId: string, clientID: number): void {
    const authors = this.authorsByDoc.get(docId) ?? [];
    const cursor = new Map<number, number>();
    for (const author of authors) cursor.set(author, this.trackedEdits.get(author)?.length ?? 0);
    this.cursors.set(replica, cursor);
    authors.push(clientID);
    this.authorsByDoc.set(docId, authors);
    this.trackedEdits.set(clientID, []);
  }

  /** Call after a local edit's update event (the doc's own clock already includes it). */
  localEdit(doc: Y.Doc): void {
    const tracked = this.trackedEdits.get(doc.clientID);
    if (!tracked) throw new Error(`DeliveryTracker: clientID ${doc.clientID} edited before addReplica`);
    const clockEnd = Y.getState(doc.store, doc.clientID);
    if (clockEnd > (tracked.at(-1)?.clockEnd ?? 0)) tracked.push({ tMs: this.nowMs(), clockEnd });
  }

  /** Call after `replica` applied a remote update to `doc`. */
  remoteApplied(replica: string, docId: string, doc: Y.Doc): void {
    const cursor = this.cursors.get(replica);
    if (!cursor) throw new Error(`DeliveryTracker: unknown replica ${replica}`);
    for (const author of this.authorsByDoc.get(docId) ?? []) {
      if (author === doc.clientID) continue;
      const edits = this.trackedEdits.get(author)!;
      const have = Y.getState(doc.store, author);
      let next = cursor.get(author) ?? 0;
      while (next < edits.length && edits[next]!.clockEnd <= have) {
        const latencyMs = this.nowMs() - edits[next]!.tMs;
        this.windowMs.push(latencyMs);
        this.allMs.push(latencyMs);
        this.count++;
        next++;
      }
      cursor.set(author, next);
    }
  }

  /** Quantiles of every delivery of the run so far. */
  overall(): LatencyQuantiles {
    const sorted = [...this.allMs].sort((a, b) => a - b);
    return { p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? 0, count: sorted.length };
  }

  /** Quantiles of the latencies since the previous call (all 0 for an empty window), and a new window. */
  takeWindow(): LatencyQuantiles {
    const sorted = this.windowMs.sort((a, b) => a - b);
    this.windowMs = [];
    return { p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? 0, count: sorted.length };
  }
}

/** Appends one window's quantiles (and its delivery count) to a TimeSeries' deliveryLatencyMs columns. */
export function pushLatencyWindow(series: { p50: number[]; p90: number[]; p99: number[]; max: number[]; count?: number[] }, window: LatencyQuantiles): void {
  series.p50.push(window.p50);
  series.p90.push(window.p90);
  series.p99.push(window.p99);
  series.max.push(window.max);
  (series.count ??= []).push(window.count);
}

/** The run-level quantiles a record keeps (RunRecord.deliveryLatencyMs), rounded to `stepMs` (wall clocks have noise digits). */
export function latencyQuantiles(q: LatencyQuantiles, stepMs = 0): { p50: number; p90: number; p99: number; max: number } {
  const round = (ms: number) => (stepMs > 0 ? Number((Math.round(ms / stepMs) * stepMs).toFixed(6)) : ms);
  return { p50: round(q.p50), p90: round(q.p90), p99: round(q.p99), max: round(q.max) };
}

/** Nearest-rank quantile of sorted values; 0 for an empty list. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
