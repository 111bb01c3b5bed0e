/**
 * A simulated y-websocket client: a Y.Doc and the REAL, unmodified `WebsocketProvider` of the
 * y-websocket package (sim/yws/real-provider.ts runs it on this node's virtual clock and seeded
 * stream), on binary virtual sockets to `ws://<server>/<docId>` (the relay's y-websocket dialect).
 * Same surface as SimClient for the world, faults and workload; it reports edits, remote applies,
 * replica digests and sessions (socket open to socket end) to the observation log.
 *
 * Sessions carry a made-up senderId (`yws:<name>#<n>`): the client never learns the one its server
 * assigned, and it reports no JOIN/LEAVE sightings (awareness is not senderId-keyed), so the
 * noGhostPresence checker does not judge y-websocket sessions (docs/Y-WEBSOCKET.md).
 */
import * as Y from "yjs";
import type { WebsocketProvider } from "y-websocket";
import type { SessionObservation } from "../../lab/observations.ts";
import type { Workload } from "../../lab/scenario/types.ts";
import type { NodeClock } from "../kernel/clock.ts";
import type { SimRandom } from "../../lab/random.ts";
import type { CloseInfo, Endpoint } from "../net/network.ts";
import { VirtualBinaryClientSocket } from "../net/binary-websocket.ts";
import { loadRealWebsocketProvider } from "../yws/real-provider.ts";
import { endReason, startWorkloadLoop, type ClientEnv } from "./client.ts";
import { replicaDigest } from "../../lab/digest.ts";

export class SimYwsClient {
  readonly kind = "yWebsocket";
  readonly doc: Y.Doc;
  readonly ywsProvider: WebsocketProvider;
  /** What the workload's `presence` op drives: the awareness state. */
  readonly provider: { setPresence(state: unknown): void };
  left = false;
  private readonly clock: NodeClock;
  private readonly workloadRandom: SimRandom;
  private endpoint: Endpoint | undefined;
  private slow = false;
  private session: SessionObservation | undefined;
  private sessions = 0;
  private digestCache: string | undefined;

  constructor(
    private readonly env: ClientEnv,
    readonly name: string,
    readonly docId: string,
    readonly homeServer: string,
  ) {
    const { kernel, observer } = env;
    this.clock = kernel.clock(name);
    this.workloadRandom = kernel.stream(`workload:${name}`);
    this.doc = new Y.Doc({ guid: `${docId}/${name}` });
    this.doc.clientID = kernel.stream(`ydoc:${name}`).uint32();
    observer.addReplica(name, docId, this.doc.clientID);
    const logger = kernel.logger(name);
    const Provider = loadRealWebsocketProvider({
      clock: this.clock,
      random: kernel.stream(`yws-provider:${name}`),
      WebSocket: this.socketClass(),
      log: (level, args) => logger.warn({ level, text: args.map(String).join(" ").slice(0, 200) }, "y-websocket console"),
    });
    // The host part is the load balancer's choice, made again on every (re)connect (socketClass).
    this.ywsProvider = new Provider(`ws://${homeServer}`, docId, this.doc, { disableBc: true, connect: false });
    this.provider = { setPresence: (state) => this.ywsProvider.awareness.setLocalState(state as Record<string, unknown>) };
    this.watch();
    this.ywsProvider.connect();
  }

  digest(): string {
    this.digestCache ??= replicaDigest(this.doc);
    return this.digestCache;
  }

  get unreadBytes(): number {
    return this.endpoint?.peer.bufferedBytes ?? 0;
  }

  get isConnected(): boolean {
    return this.session !== undefined && this.session.endMs === null;
  }

  startWorkload(workload: Workload, untilMs: number): void {
    startWorkloadLoop(this, { kernel: this.env.kernel, clock: this.clock, random: this.workloadRandom }, workload, untilMs);
  }

  setSlow(slow: boolean): void {
    this.slow = slow;
    this.endpoint?.setReading(!slow);
  }

  leave(): void {
    if (this.left) return;
    this.left = true;
    if (this.session) this.env.observer.sessionEnded(this.session, "leave");
    this.ywsProvider.destroy();
    this.clock.kill();
  }

  /** The WebSocket class the provider constructs: a binary virtual socket to the balanced server. */
  private socketClass(): unknown {
    const client = this;
    return class extends VirtualBinaryClientSocket {
      constructor(_url: string) {
        const server = new URL(client.env.urlFor(client)).hostname;
        const endpoint = client.env.network.connect(client.name, server, `ws://${server}/${encodeURIComponent(client.docId)}`);
        super(endpoint, (info) => client.socketEnded(info));
        client.endpoint = endpoint;
        if (client.slow) endpoint.setReading(false);
        endpoint.onOpen = wrapOpen(endpoint.onOpen, () => client.socketOpened(server));
      }
    };
  }

  private socketOpened(server: string): void {
    const { kernel, observer } = this.env;
    kernel.trace.record(this.name, "client.open", { server });
    if (this.session) observer.sessionEnded(this.session, "replaced");
    const senderId = `yws:${this.name}#${++this.sessions}`;
    this.session = observer.sessionStarted({ client: this.name, docId: this.docId, senderId, senderIdKnown: false, server }, this.sessions > 1);
  }

  private socketEnded(info: CloseInfo): void {
    this.env.kernel.trace.record(this.name, "client.closed", { code: info.code, reason: info.reason });
    if (this.session) this.env.observer.sessionEnded(this.session, endReason(info));
    this.session = undefined;
  }

  private watch(): void {
    const { kernel, observer } = this.env;
    this.doc.on("afterTransaction", () => (this.digestCache = undefined));
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === this.ywsProvider) {
        observer.remoteApplied(this.name, this.docId, this.doc);
        return;
      }
      kernel.trace.record(this.name, "edit", { bytes: update.byteLength });
      observer.localEdit(this.name, this.docId, this.doc, update);
    });
    this.ywsProvider.on("sync", (synced: boolean) => kernel.trace.record(this.name, "client.synced", { synced }));
  }
}

function wrapOpen(inner: (() => void) | undefined, after: () => void): () => void {
  return () => {
    inner?.();
    after();
  };
}
