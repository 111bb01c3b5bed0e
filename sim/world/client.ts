/**
 * A simulated client node: a Y.Doc and the PRODUCTION LfccProvider, with virtual socket, clock,
 * random stream and a trace logger, plus its workload generator. The doc's clientID is drawn from
 * the client's own stream (Yjs would otherwise take it from crypto). The host watches the doc and
 * the provider to fill the observation log: local edits, remote updates applied, sessions
 * (WELCOME to socket end), and LEAVE frames.
 */
import * as Y from "yjs";
import type { SessionObservation } from "../../lab/observations.ts";
import type { Workload } from "../../lab/scenario/types.ts";
import { LfccProvider } from "../../relay/provider/provider.ts";
import type { ClientSocket } from "../../relay/ports.ts";
import type { NodeClock } from "../kernel/clock.ts";
import type { SimKernel } from "../kernel/kernel.ts";
import type { SimRandom } from "../../lab/random.ts";
import type { CloseInfo, Endpoint, Network } from "../net/network.ts";
import { VirtualClientSocket } from "../net/websocket.ts";
import { applyWorkloadOp, nextEditDelayMs, type WorkloadTarget } from "../../lab/workload.ts";
import { replicaDigest } from "../../lab/digest.ts";
import type { ObservationLog } from "./observer.ts";

export interface ClientEnv {
  kernel: SimKernel;
  network: Network;
  observer: ObservationLog;
  /** The load balancer: URL of the server this client should use now. */
  urlFor: (client: { name: string; homeServer: string }) => string;
  /** serverId -> server name, for session observations. */
  serverNameOf: (serverId: string) => string;
  /** Attack runs: watches the client's socket and provider (lab/attack/honest-observer.ts). */
  attackObserver?: { wrap(socket: ClientSocket): ClientSocket; attach(provider: LfccProvider): void };
}

export class SimClient {
  readonly doc: Y.Doc;
  readonly provider: LfccProvider;
  left = false;
  private readonly clock: NodeClock;
  private readonly workloadRandom: SimRandom;
  private endpoint: Endpoint | undefined;
  private slow = false;
  private session: SessionObservation | undefined;
  private welcomes = 0;
  /** Cached replica digest; any transaction (even one that only adds pending structs) clears it. */
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
    this.provider = new LfccProvider({
      url: () => env.urlFor(this),
      docId,
      doc: this.doc,
      socketFactory: (url) => (env.attackObserver ? env.attackObserver.wrap(this.openSocket(url)) : this.openSocket(url)),
      clock: this.clock,
      random: kernel.stream(`provider:${name}`),
      logger: kernel.logger(name),
      connect: false,
    });
    this.watch();
    env.attackObserver?.attach(this.provider);
    this.provider.connect();
  }

  digest(): string {
    this.digestCache ??= replicaDigest(this.doc);
    return this.digestCache;
  }

  /** Bytes the server sent that this client has not read (slowClient back-pressure). */
  get unreadBytes(): number {
    return this.endpoint?.peer.bufferedBytes ?? 0;
  }

  get isConnected(): boolean {
    return this.session !== undefined && this.session.endMs === null;
  }

  /** Edits at the workload's rate until `untilMs` (virtual), from its own stream. */
  startWorkload(workload: Workload, untilMs: number): void {
    startWorkloadLoop(this, { kernel: this.env.kernel, clock: this.clock, random: this.workloadRandom }, workload, untilMs);
  }

  /** slowClient: stop (or resume) reading from the network. */
  setSlow(slow: boolean): void {
    this.slow = slow;
    this.endpoint?.setReading(!slow);
  }

  /** leave: the client goes away for good (graceful close, no more edits or reconnects). */
  leave(): void {
    if (this.left) return;
    this.left = true;
    if (this.session) this.env.observer.sessionEnded(this.session, "leave");
    this.provider.destroy();
    this.clock.kill();
  }

  private openSocket(url: string): VirtualClientSocket {
    const host = new URL(url).hostname;
    const endpoint = this.env.network.connect(this.name, host, url);
    this.endpoint = endpoint;
    if (this.slow) endpoint.setReading(false);
    const socket = new VirtualClientSocket(endpoint);
    socket.onFinish = (info) => this.socketEnded(info);
    return socket;
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
      if (origin === this.provider) {
        observer.remoteApplied(this.name, this.docId, this.doc);
        return;
      }
      kernel.trace.record(this.name, "edit", { bytes: update.byteLength });
      observer.localEdit(this.name, this.docId, this.doc, update);
    });
    this.provider.on("welcome", (welcome) => {
      kernel.trace.record(this.name, "client.welcome", { senderId: welcome.senderId, serverId: welcome.serverId });
      if (this.session) observer.sessionEnded(this.session, "replaced");
      this.session = observer.sessionStarted(
        { client: this.name, docId: this.docId, senderId: welcome.senderId, server: this.env.serverNameOf(welcome.serverId) },
        this.welcomes++ > 0,
      );
    });
    // Which peers this client knows of: a LEAVE is owed only to clients that saw the sender.
    this.provider.on("welcome", (welcome) => {
      for (const peer of welcome.peers ?? []) observer.peerSeen(this.name, this.docId, peer);
    });
    this.provider.on("join", (senderId) => observer.peerSeen(this.name, this.docId, senderId));
    this.provider.on("presence", (senderId, state) => {
      if (state !== null) observer.peerSeen(this.name, this.docId, senderId);
    });
    this.provider.on("leave", (senderId) => {
      kernel.trace.record(this.name, "client.leave-seen", { senderId });
      observer.leaveSeen(this.name, this.docId, senderId);
    });
  }
}

export function endReason(info: CloseInfo): string {
  if (info.code === 1001) return "stop";
  if (info.code === 4008) return "slow-consumer";
  if (info.reason === "crash" || info.reason === "partition" || info.reason === "disconnect" || info.reason === "stopped") {
    return info.reason === "stopped" ? "stop" : info.reason;
  }
  return "network";
}

/** The edit loop of a simulated client of either kind: ops at the workload's rate until `untilMs`. */
export function startWorkloadLoop(
  client: WorkloadTarget & { left: boolean },
  ports: { kernel: SimKernel; clock: NodeClock; random: SimRandom },
  workload: Workload,
  untilMs: number,
): void {
  if (workload.editsPerSecond <= 0) return;
  const { kernel, clock, random } = ports;
  const step = () => {
    if (client.left || kernel.nowMs >= untilMs) return;
    const op = applyWorkloadOp(client, workload.ops, random);
    kernel.trace.record(client.name, "workload", { op });
    clock.setTimeout(step, nextEditDelayMs(workload.editsPerSecond, random));
  };
  clock.setTimeout(step, nextEditDelayMs(workload.editsPerSecond, random));
}
