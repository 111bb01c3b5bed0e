/**
 * Collects what the run observed (lab/observations.ts, read by the checkers) and the counters
 * the run record reports. Hosts call it; it never schedules anything itself.
 *
 * Deliveries and delivery latency: an edit that adds content advances its author's clock in the
 * Yjs state vector, so a replica has received it once its state vector reaches the edit's clock.
 * After every remote update a replica applies, the observer moves per-(replica, author) cursors
 * over the author's edits: each step is one delivery, with latency = now - edit time. Edits that
 * only delete (no new clock) are counted as edits but not tracked for delivery.
 */
import * as Y from "yjs";
import type { EditObservation, LeaveObservation, QueueSample, ReplicaSample, SessionObservation } from "../../lab/observations.ts";
import type { RelayEvent } from "../../relay/events.ts";

interface TrackedEdit {
  tMs: number;
  clockEnd: number;
}

export class ObservationLog {
  readonly edits: EditObservation[] = [];
  readonly sessions: SessionObservation[] = [];
  readonly leaves: LeaveObservation[] = [];
  readonly peersSeen: LeaveObservation[] = [];
  readonly queueSamples: QueueSample[] = [];
  readonly replicaSamples: ReplicaSample[] = [];

  readonly counters = {
    deliveries: 0,
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
  /** Delivery latencies since the last time-series sample. */
  windowLatenciesMs: number[] = [];

  /** author Yjs clientID -> its content-adding edits in order. */
  private readonly trackedEdits = new Map<number, TrackedEdit[]>();
  /** replica name -> author clientID -> index of the next undelivered edit. */
  private readonly cursors = new Map<string, Map<number, number>>();
  /** docId -> author clientIDs writing to it. */
  private readonly authorsByDoc = new Map<string, number[]>();

  constructor(private readonly nowMs: () => number) {}

  addReplica(client: string, docId: string, clientID: number): void {
    const authors = this.authorsByDoc.get(docId) ?? [];
    // A newcomer is not owed a delivery time for edits made before it existed.
    const cursor = new Map<number, number>();
    for (const author of authors) cursor.set(author, this.trackedEdits.get(author)?.length ?? 0);
    this.cursors.set(client, cursor);
    authors.push(clientID);
    this.authorsByDoc.set(docId, authors);
    this.trackedEdits.set(clientID, []);
  }

  localEdit(client: string, docId: string, doc: Y.Doc, update: Uint8Array): void {
    this.edits.push({ tMs: this.nowMs(), client, docId, update });
    const tracked = this.trackedEdits.get(doc.clientID)!;
    const clockEnd = Y.getState(doc.store, doc.clientID);
    if (clockEnd > (tracked.at(-1)?.clockEnd ?? 0)) tracked.push({ tMs: this.nowMs(), clockEnd });
  }

  remoteApplied(client: string, docId: string, doc: Y.Doc): void {
    const cursor = this.cursors.get(client)!;
    for (const author of this.authorsByDoc.get(docId) ?? []) {
      if (author === doc.clientID) continue;
      const edits = this.trackedEdits.get(author)!;
      const have = Y.getState(doc.store, author);
      let next = cursor.get(author) ?? 0;
      while (next < edits.length && edits[next].clockEnd <= have) {
        this.windowLatenciesMs.push(this.nowMs() - edits[next].tMs);
        this.counters.deliveries++;
        next++;
      }
      cursor.set(author, next);
    }
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
