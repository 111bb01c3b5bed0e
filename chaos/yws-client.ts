/**
 * A y-websocket scenario client in a chaos run: the real, unmodified `WebsocketProvider` of the
 * y-websocket package over real `ws` sockets (through the client's Toxiproxy link) to
 * `/<docId>` on a relay process, with the same observation surface as ChaosClient. Every
 * (re)connect goes to the balanced server: the WebSocket class it is given picks the proxy.
 *
 * Sessions carry a made-up senderId (the client never learns its own) and y-websocket sees no
 * JOIN/LEAVE, so noGhostPresence does not judge these clients (docs/Y-WEBSOCKET.md).
 */
import WebSocket from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { replicaDigest } from "../lab/digest.ts";
import type { SessionObservation } from "../lab/observations.ts";
import type { Random } from "../relay/ports.ts";
import type { ObservationSink } from "./client.ts";

export interface ChaosYwsClientOptions {
  client: string;
  docId: string;
  /** The balanced server of this (re)connect and the proxy URL that reaches it. */
  pick: () => { server: string; url: string };
  elapsedMs: () => number;
  random: Random;
}

export class ChaosYwsClient {
  readonly doc = new Y.Doc();
  readonly ywsProvider: WebsocketProvider;
  /** What the workload's `presence` op drives (awareness), and what shutdown destroys. */
  readonly provider: { setPresence(state: unknown): void; destroy(): void };
  live = true;
  snapshotFallbacks = 0;
  private session: SessionObservation | null = null;
  private pendingEndReason: string | null = null;
  private sessions = 0;
  private server: string | null = null;

  constructor(
    readonly options: ChaosYwsClientOptions,
    private readonly sink: ObservationSink,
  ) {
    this.doc.clientID = options.random.uint32();
    sink.deliveries.addReplica(options.client, options.docId, this.doc.clientID);
    this.doc.on("update", (update: Uint8Array, origin: unknown) => this.onUpdate(update, origin));
    const client = this;
    class BalancedWebSocket extends WebSocket {
      constructor(_url: string, protocols?: string | string[]) {
        const { server, url } = options.pick();
        super(`${url}/${encodeURIComponent(options.docId)}`, protocols);
        client.server = server;
      }
    }
    this.ywsProvider = new WebsocketProvider("ws://balanced.invalid", options.docId, this.doc, {
      WebSocketPolyfill: BalancedWebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    this.provider = {
      setPresence: (state) => this.ywsProvider.awareness.setLocalState(state as Record<string, unknown>),
      destroy: () => this.ywsProvider.destroy(),
    };
    this.ywsProvider.on("status", ({ status }: { status: string }) => {
      if (status === "connected") this.startSession();
      else if (status === "disconnected") this.endSession();
    });
  }

  get name(): string {
    return this.options.client;
  }

  get currentServer(): string | null {
    return this.session?.server ?? null;
  }

  get connected(): boolean {
    return this.session !== null;
  }

  expectSessionEnd(reason: string): void {
    if (this.session) this.pendingEndReason = reason;
  }

  leave(): void {
    this.expectSessionEnd("leave");
    this.live = false;
    this.ywsProvider.destroy();
    this.endSession();
  }

  state(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  digest(): string {
    return replicaDigest(this.doc);
  }

  private onUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === this.ywsProvider) {
      this.sink.deliveries.remoteApplied(this.name, this.options.docId, this.doc);
      return;
    }
    this.sink.edits.push({ tMs: this.options.elapsedMs(), client: this.name, docId: this.options.docId, update });
    this.sink.deliveries.localEdit(this.doc);
  }

  private startSession(): void {
    if (this.session) this.pendingEndReason ??= "replaced";
    this.endSession();
    this.session = {
      client: this.name,
      docId: this.options.docId,
      senderId: `yws:${this.name}#${++this.sessions}`,
      senderIdKnown: false,
      server: this.server ?? "unknown",
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
}
