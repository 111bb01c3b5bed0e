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
import { WebsocketProvider } from "y-websocket";
import { ChaosReplica, type ObservationSink, type ReplicaOptions } from "./replica-client.ts";

export interface ChaosYwsClientOptions extends ReplicaOptions {
  /** The balanced server of this (re)connect and the proxy URL that reaches it. */
  pick: () => { server: string; url: string };
}

export class ChaosYwsClient extends ChaosReplica {
  readonly ywsProvider: WebsocketProvider;
  /** What the workload's `presence` op drives (awareness), and what shutdown destroys. */
  readonly provider: { setPresence(state: unknown): void; destroy(): void };
  private sessions = 0;
  private server: string | null = null;

  constructor(
    readonly options: ChaosYwsClientOptions,
    sink: ObservationSink,
  ) {
    super(options, sink);
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
      if (status === "connected") this.onConnected();
      else if (status === "disconnected") this.endSession();
    });
  }

  protected get remoteOrigin(): unknown {
    return this.ywsProvider;
  }

  protected destroyProvider(): void {
    this.ywsProvider.destroy();
  }

  /** Connected: a session with a made-up senderId (y-websocket never learns the one its server assigned). */
  private onConnected(): void {
    this.startSession({ senderId: `yws:${this.name}#${++this.sessions}`, senderIdKnown: false, server: this.server ?? "unknown" });
  }
}
