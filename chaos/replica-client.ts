/**
 * What every chaos scenario client shares, whichever provider it runs (ChaosClient: LfccProvider;
 * ChaosYwsClient: y-websocket's WebsocketProvider): a seeded Y.Doc, its edits and deliveries in
 * the run's ObservationSink, and session bookkeeping (one SessionObservation per connection, its end
 * reason set by the fault that caused it). Digests are the simulator's (lab/digest.ts).
 */
import * as Y from "yjs";
import { replicaDigest } from "../lab/digest.ts";
import type { DeliveryTracker } from "../lab/deliveries.ts";
import type { EditObservation, LeaveObservation, SessionObservation } from "../lab/observations.ts";
import type { Random } from "../relay/ports.ts";

/** Where every client writes its observations (shared by all clients of a run). */
export interface ObservationSink {
  edits: EditObservation[];
  sessions: SessionObservation[];
  leaves: LeaveObservation[];
  /** Which peers each client learned of (WELCOME.peers, JOIN, PRESENCE): a LEAVE is owed only to those. */
  peersSeen: LeaveObservation[];
  /** Deliveries and their latency, counted exactly as the simulator counts them (lab/deliveries.ts). */
  deliveries: DeliveryTracker;
}

export interface ReplicaOptions {
  client: string;
  docId: string;
  elapsedMs: () => number;
  /** Seeded: Yjs clientIDs (and provider jitter) come from it, so a run's ids are reproducible. */
  random: Random;
}

export abstract class ChaosReplica {
  readonly doc = new Y.Doc();
  /** false once the client left (leave fault): its replica is not judged. */
  live = true;
  snapshotFallbacks = 0;
  private session: SessionObservation | null = null;
  private pendingEndReason: string | null = null;

  constructor(
    private readonly replica: ReplicaOptions,
    protected readonly sink: ObservationSink,
  ) {
    this.doc.clientID = replica.random.uint32();
    sink.deliveries.addReplica(replica.client, replica.docId, this.doc.clientID);
    this.doc.on("update", (update: Uint8Array, origin: unknown) => this.onUpdate(update, origin));
  }

  /** The origin the provider applies remote updates with (they are deliveries, not edits). */
  protected abstract get remoteOrigin(): unknown;
  protected abstract destroyProvider(): void;

  get name(): string {
    return this.replica.client;
  }

  /** Scenario name of the server of the open session, or null. */
  get currentServer(): string | null {
    return this.session?.server ?? null;
  }

  get connected(): boolean {
    return this.session !== null;
  }

  /** The next session end happens because of a fault: record that reason instead of "network". */
  expectSessionEnd(reason: string): void {
    if (this.session) this.pendingEndReason = reason;
  }

  /** The client leaves for good (leave fault). */
  leave(): void {
    this.expectSessionEnd("leave");
    this.live = false;
    this.destroyProvider();
    this.endSession();
  }

  /** Y.encodeStateAsUpdate of the replica. */
  state(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  /** Digest of the replica's content, computed exactly as the simulator does. */
  digest(): string {
    return replicaDigest(this.doc);
  }

  /** A new connection's session; one still open ends as "replaced". */
  protected startSession(session: Pick<SessionObservation, "senderId" | "server"> & Partial<SessionObservation>): void {
    if (this.session) this.pendingEndReason ??= "replaced";
    this.endSession();
    this.session = { client: this.name, docId: this.replica.docId, startMs: this.replica.elapsedMs(), endMs: null, endReason: null, ...session };
    this.sink.sessions.push(this.session);
  }

  protected endSession(): void {
    const session = this.session;
    if (!session) return;
    this.session = null;
    session.endMs = this.replica.elapsedMs();
    session.endReason = this.pendingEndReason ?? "network";
    this.pendingEndReason = null;
  }

  private onUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === this.remoteOrigin) {
      this.sink.deliveries.remoteApplied(this.name, this.replica.docId, this.doc);
      return;
    }
    this.sink.edits.push({ tMs: this.replica.elapsedMs(), client: this.name, docId: this.replica.docId, update });
    this.sink.deliveries.localEdit(this.doc);
  }
}
