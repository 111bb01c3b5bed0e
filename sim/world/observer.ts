/**
 * Collects what the run observed (lab/observations.ts, read by the checkers) and the counters
 * the run record reports. Hosts call it; it never schedules anything itself.
 *
 * Deliveries and delivery latency are measured by lab/deliveries.ts (shared with `lfcc chaos`).
 */
import type * as Y from "yjs";
import { DeliveryTracker } from "../../lab/deliveries.ts";
import type { EditObservation, LeaveObservation, QueueSample, ReplicaSample, SessionObservation } from "../../lab/observations.ts";
import type { RelayEvent } from "../../relay/events.ts";

export class ObservationLog {
  readonly edits: EditObservation[] = [];
  readonly sessions: SessionObservation[] = [];
  readonly leaves: LeaveObservation[] = [];
  readonly peersSeen: LeaveObservation[] = [];
  readonly queueSamples: QueueSample[] = [];
  readonly replicaSamples: ReplicaSample[] = [];

  readonly counters = {
    crossServerMessages: 0,
    queuedMax: 0,
    dropped: 0,
    snapshotRequests: 0,
    snapshotFallbacks: 0,
    reconnects: 0,
    relayErrors: 0,
  };
  /** Current outage-queue depth per server (messages), for the time series. */
  readonly queueDepth = new Map<string, number>();
  readonly queueBound = new Map<string, number>();
  /** Deliveries and their latencies (count, per-sample-window quantiles). */
  readonly deliveries: DeliveryTracker;

  constructor(private readonly nowMs: () => number) {
    this.deliveries = new DeliveryTracker(nowMs);
  }

  addReplica(client: string, docId: string, clientID: number): void {
    this.deliveries.addReplica(client, docId, clientID);
  }

  localEdit(client: string, docId: string, doc: Y.Doc, update: Uint8Array): void {
    this.edits.push({ tMs: this.nowMs(), client, docId, update });
    this.deliveries.localEdit(doc);
  }

  remoteApplied(client: string, docId: string, doc: Y.Doc): void {
    this.deliveries.remoteApplied(client, docId, doc);
  }

  sessionStarted(session: Omit<SessionObservation, "startMs" | "endMs" | "endReason">, isReconnect: boolean): SessionObservation {
    const full: SessionObservation = { ...session, startMs: this.nowMs(), endMs: null, endReason: null };
    this.sessions.push(full);
    if (isReconnect) this.counters.reconnects++;
    return full;
  }

  sessionEnded(session: SessionObservation, reason: string): void {
    if (session.endMs !== null) return;
    session.endMs = this.nowMs();
    session.endReason = reason;
  }

  peerSeen(observer: string, docId: string, senderId: string): void {
    this.peersSeen.push({ tMs: this.nowMs(), observer, docId, senderId });
  }

  leaveSeen(observer: string, docId: string, senderId: string): void {
    this.leaves.push({ tMs: this.nowMs(), observer, docId, senderId });
  }

  relayEvent(server: string, event: RelayEvent): void {
    switch (event.type) {
      case "queue":
        this.queueSamples.push({ tMs: this.nowMs(), server, ...withoutType(event) });
        this.queueDepth.set(server, event.depthMessages);
        this.queueBound.set(server, event.maxMessages);
        this.counters.queuedMax = Math.max(this.counters.queuedMax, event.depthMessages);
        return;
      case "dropped":
        this.counters.dropped += event.count;
        return;
      case "remote-message":
        this.counters.crossServerMessages++;
        return;
      case "snapshot-request":
        this.counters.snapshotRequests++;
        return;
      case "snapshot-fallback":
        this.counters.snapshotFallbacks++;
        return;
    }
  }

  serverGone(server: string): void {
    this.queueDepth.set(server, 0);
  }
}

function withoutType(event: Extract<RelayEvent, { type: "queue" }>): Omit<QueueSample, "tMs" | "server"> {
  return { depthMessages: event.depthMessages, depthBytes: event.depthBytes, maxMessages: event.maxMessages, maxBytes: event.maxBytes };
}
