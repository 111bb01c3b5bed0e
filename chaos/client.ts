/**
 * One scenario client in a chaos run: a real production LfccProvider over a real `ws` socket,
 * with a Y.Doc, recording what the checkers read (lab/observations.ts) on the wall clock.
 */
import * as Y from "yjs";
import { LfccProvider } from "../relay/provider/index.ts";
import { replicaDigest } from "../lab/digest.ts";
import { WebSocket } from "ws";
import type { HonestObserver } from "../lab/attack/honest-observer.ts";
import type { ClientSocket, Random } from "../relay/ports.ts";
import type { WelcomePayload } from "../relay/protocol/messages.ts";
import type { EditObservation, LeaveObservation, SessionObservation } from "../lab/observations.ts";
import type { DeliveryTracker } from "../lab/deliveries.ts";

export interface ChaosClientOptions {
  client: string;
  docId: string;
  /** Picks the URL of a proxy to an alive server (home first), called on every (re)connect. */
  url: () => string;
  /** Maps a WELCOME's serverId to the scenario server name. */
  serverName: (serverId: string) => string;
  elapsedMs: () => number;
  /** Seeded: Yjs clientIDs and provider jitter come from it, so a run's ids are reproducible. */
  random: Random;
  /** JWT for relays that require one (runs with viewer attackers). */
  token?: string;
  /** Attack runs: watches the socket and the provider for the attack ledger. */
  observer?: HonestObserver;
}

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

export class ChaosClient {
  readonly doc = new Y.Doc();
  readonly provider: LfccProvider;
  /** false once the client left (leave fault): its replica is not judged. */
  live = true;
  snapshotFallbacks = 0;
  private session: SessionObservation | null = null;
  private pendingEndReason: string | null = null;

  constructor(
    readonly options: ChaosClientOptions,
    private readonly sink: ObservationSink,
  ) {
    this.doc.clientID = options.random.uint32();
    sink.deliveries.addReplica(options.client, options.docId, this.doc.clientID);
    this.doc.on("update", (update: Uint8Array, origin: unknown) => this.onUpdate(update, origin));
    const observer = options.observer;
    this.provider = new LfccProvider({
      url: options.url,
      docId: options.docId,
      doc: this.doc,
      random: options.random,
      token: options.token,
      ...(observer ? { socketFactory: (url: string) => observer.wrap(new WebSocket(url) as unknown as ClientSocket) } : {}),
    });
    observer?.attach(this.provider);
    this.provider.on("welcome", (welcome) => this.onWelcome(welcome));
    this.provider.on("status", (status) => status === "disconnected" && this.endSession());
    this.provider.on("leave", (senderId) => this.record(this.sink.leaves, senderId));
    this.provider.on("join", (senderId) => this.record(this.sink.peersSeen, senderId));
    this.provider.on("presence", (senderId, state) => state !== null && this.record(this.sink.peersSeen, senderId));
    this.provider.on("message", (frame) => {
      if (frame.type === "SNAPSHOT_RESPONSE" && frame.payload.source === "none") this.snapshotFallbacks++;
    });
  }

  get name(): string {
    return this.options.client;
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
    this.provider.destroy();
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

  private onUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === this.provider) {
      this.sink.deliveries.remoteApplied(this.name, this.options.docId, this.doc);
      return;
    }
    this.sink.edits.push({ tMs: this.options.elapsedMs(), client: this.name, docId: this.options.docId, update });
    this.sink.deliveries.localEdit(this.doc);
  }

  private onWelcome(welcome: WelcomePayload): void {
    if (this.session) this.pendingEndReason ??= "replaced";
    this.endSession();
    for (const peer of welcome.peers ?? []) this.record(this.sink.peersSeen, peer);
    this.session = {
      client: this.name,
      docId: this.options.docId,
      senderId: welcome.senderId,
      server: this.options.serverName(welcome.serverId),
      startMs: this.options.elapsedMs(),
      endMs: null,
      endReason: null,
    };
    this.sink.sessions.push(this.session);
  }

  private endSession(): void {
    const session = this.session;
    if (!session) return;
    this.session = null;
    session.endMs = this.options.elapsedMs();
    session.endReason = this.pendingEndReason ?? "network";
    this.pendingEndReason = null;
  }

  private record(list: LeaveObservation[], senderId: string): void {
    list.push({ tMs: this.options.elapsedMs(), observer: this.name, docId: this.options.docId, senderId });
  }
}
