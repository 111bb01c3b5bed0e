/**
 * One scenario client in a chaos run: a real production LfccProvider over a real `ws` socket,
 * with a Y.Doc, recording what the checkers read (lab/observations.ts) on the wall clock.
 */
import { LfccProvider } from "../relay/provider/index.ts";
import { WebSocket } from "ws";
import type { HonestObserver } from "../lab/attack/honest-observer.ts";
import type { ClientSocket } from "../relay/ports.ts";
import type { WelcomePayload } from "../relay/protocol/messages.ts";
import type { LeaveObservation } from "../lab/observations.ts";
import { ChaosReplica, type ObservationSink, type ReplicaOptions } from "./replica-client.ts";

export type { ObservationSink } from "./replica-client.ts";

export interface ChaosClientOptions extends ReplicaOptions {
  /** Picks the URL of a proxy to an alive server (home first), called on every (re)connect. */
  url: () => string;
  /** Maps a WELCOME's serverId to the scenario server name. */
  serverName: (serverId: string) => string;
  /** JWT for relays that require one (runs with viewer attackers). */
  token?: string;
  /** Attack runs: watches the socket and the provider for the attack ledger. */
  observer?: HonestObserver;
}

export class ChaosClient extends ChaosReplica {
  readonly provider: LfccProvider;

  constructor(
    readonly options: ChaosClientOptions,
    sink: ObservationSink,
  ) {
    super(options, sink);
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

  private onWelcome(welcome: WelcomePayload): void {
    for (const peer of welcome.peers ?? []) this.record(this.sink.peersSeen, peer);
    this.startSession({ senderId: welcome.senderId, server: this.options.serverName(welcome.serverId) });
  }

  protected get remoteOrigin(): unknown {
    return this.provider;
  }

  protected destroyProvider(): void {
    this.provider.destroy();
  }

  private record(list: LeaveObservation[], senderId: string): void {
    list.push({ tMs: this.options.elapsedMs(), observer: this.name, docId: this.options.docId, senderId });
  }
}
