/**
 * The virtual network: nodes (clients c*, servers s*, "redis") joined by connections with TCP-like
 * semantics.
 *
 * - Latency: every message takes base + jitter*U(0,1) ms (scenario network.latency) plus any
 *   `latency` fault on that link. Per direction FIFO: a message never arrives before an earlier
 *   one on the same connection (arrival = max(sampled arrival, previous arrival); ties keep send
 *   order through the queue's sequence numbers).
 * - Partitions and disconnects: modelling choice, shared with chaos mode (a disabled Toxiproxy
 *   proxy does the same): when a fault starts, every connection that crosses it is RESET (its
 *   in-flight messages are lost and both ends see close code 1006 after the link latency), and
 *   new connection attempts across it FAIL after a round trip. Nothing is silently black-holed.
 * - Back-pressure: an endpoint can stop reading (slowClient). Data that reaches it is held, in
 *   order, and counts in the SENDER's bufferedBytes; when reading resumes the backlog is
 *   delivered. Control frames (open/close) are not held: a close tears the connection down and
 *   discards the backlog, as ws.terminate() would.
 */
import type { SimKernel } from "../kernel/kernel.ts";
import type { SimRandom } from "../../lab/random.ts";
import { frameDetail, frameDetailJson } from "./trace-detail.ts";

export type NodeName = string;

export interface LatencySettings {
  baseMs: number;
  jitterMs: number;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** Accepts an incoming connection at a node (a server's listener, Redis). */
export type Listener = (endpoint: Endpoint) => void;

interface ExtraLatency {
  a: NodeName;
  b: NodeName;
  addMs: number;
  jitterMs: number;
}

export class Network {
  private readonly listeners = new Map<NodeName, Listener>();
  private readonly connections = new Set<Connection>();
  private readonly partitions = new Map<number, NodeName[][]>();
  private readonly isolated = new Map<NodeName, number>();
  private readonly extraLatency = new Map<number, ExtraLatency>();
  private nextFaultId = 0;
  private nextConnectionId = 0;
  /** Messages delivered to a receiver, and messages lost to resets (metrics, tests). */
  delivered = 0;
  lost = 0;

  constructor(
    readonly kernel: SimKernel,
    private readonly rng: SimRandom,
    private readonly latency: LatencySettings,
  ) {}

  listen(node: NodeName, listener: Listener): void {
    this.listeners.set(node, listener);
  }

  unlisten(node: NodeName): void {
    this.listeners.delete(node);
  }

  isListening(node: NodeName): boolean {
    return this.listeners.has(node);
  }

  canTalk(a: NodeName, b: NodeName): boolean {
    if (a === b) return true;
    if (this.isolated.has(a) || this.isolated.has(b)) return false;
    for (const sides of this.partitions.values()) {
      const sideA = sides.findIndex((side) => side.includes(a));
      const sideB = sides.findIndex((side) => side.includes(b));
      if (sideA >= 0 && sideB >= 0 && sideA !== sideB) return false;
    }
    return true;
  }

  /** One sampled one-way delay for a message from `a` to `b`. */
  sampleLatencyMs(a: NodeName, b: NodeName): number {
    let delay = this.latency.baseMs + this.latency.jitterMs * this.rng.next();
    for (const extra of this.extraLatency.values()) {
      if ((extra.a === a && extra.b === b) || (extra.a === b && extra.b === a)) {
        delay += extra.addMs + extra.jitterMs * this.rng.next();
      }
    }
    return delay;
  }

  /** Opens a connection from `from` to `to`. The returned endpoint sees onOpen or onClose. */
  connect(from: NodeName, to: NodeName, label: string): Endpoint {
    const connection = new Connection(this, this.nextConnectionId++, from, to, label);
    this.connections.add(connection);
    this.kernel.trace.record(from, "net.connect", { to, conn: connection.id, label });
    this.kernel.after(this.sampleLatencyMs(from, to), to, () => this.arriveSyn(connection));
    return connection.initiator;
  }

  /** Starts a partition; returns its id for `heal`. Crossing connections are reset. */
  partition(sides: NodeName[][]): number {
    const id = this.nextFaultId++;
    this.partitions.set(id, sides.map((side) => [...side]));
    this.resetUnreachable("partition");
    return id;
  }

  healPartition(id: number): void {
    this.partitions.delete(id);
  }

  /** Cuts a node off from everyone (disconnect fault; several may overlap). */
  isolate(node: NodeName): void {
    this.isolated.set(node, (this.isolated.get(node) ?? 0) + 1);
    this.resetUnreachable("disconnect");
  }

  reconnectNode(node: NodeName): void {
    const count = (this.isolated.get(node) ?? 0) - 1;
    if (count > 0) this.isolated.set(node, count);
    else this.isolated.delete(node);
  }

  addLatency(a: NodeName, b: NodeName, addMs: number, jitterMs: number): number {
    const id = this.nextFaultId++;
    this.extraLatency.set(id, { a, b, addMs, jitterMs });
    return id;
  }

  removeLatency(id: number): void {
    this.extraLatency.delete(id);
  }

  /** Every connection touching `node` is reset; `silent` means that node's own side is gone (crash). */
  resetNode(node: NodeName, reason: string, silent: boolean): void {
    for (const connection of [...this.connections]) {
      if (connection.from === node || connection.to === node) connection.reset(reason, silent ? node : undefined);
    }
  }

  /** Resets the given connections (a crashed or stopped instance's own, not its successor's). */
  resetConnections(connections: Iterable<Connection>, reason: string, deadNode?: NodeName): void {
    for (const connection of [...connections]) connection.reset(reason, deadNode);
  }

  forget(connection: Connection): void {
    this.connections.delete(connection);
  }

  get openConnections(): number {
    return this.connections.size;
  }

  private resetUnreachable(reason: string): void {
    for (const connection of [...this.connections]) {
      if (!this.canTalk(connection.from, connection.to)) connection.reset(reason);
    }
  }

  private arriveSyn(connection: Connection): void {
    if (connection.state !== "connecting") return;
    const listener = this.listeners.get(connection.to);
    if (!listener || !this.canTalk(connection.from, connection.to)) {
      connection.refuse(listener ? "unreachable" : "refused");
      return;
    }
    connection.accept();
    listener(connection.acceptor);
  }
}

type ConnectionState = "connecting" | "open" | "closed";

interface Frame {
  data: unknown;
  bytes: number;
}

/** One TCP-like connection: two endpoints, two FIFO directions. */
export class Connection {
  state: ConnectionState = "connecting";
  readonly initiator: Endpoint;
  readonly acceptor: Endpoint;

  constructor(
    readonly network: Network,
    readonly id: number,
    readonly from: NodeName,
    readonly to: NodeName,
    readonly label: string,
  ) {
    this.initiator = new Endpoint(this, from, to);
    this.acceptor = new Endpoint(this, to, from);
    this.initiator.peer = this.acceptor;
    this.acceptor.peer = this.initiator;
  }

  accept(): void {
    this.state = "open";
    this.network.kernel.trace.record(this.to, "net.accept", { from: this.from, conn: this.id });
    // The open notice is the first frame of the acceptor->initiator direction, so the initiator
    // always sees open before anything the acceptor sends.
    this.acceptor.transmit({ kind: "open" });
  }

  refuse(reason: string): void {
    this.state = "closed";
    this.network.kernel.trace.record(this.to, "net.refuse", { from: this.from, conn: this.id, reason });
    const delay = this.network.sampleLatencyMs(this.to, this.from);
    this.network.kernel.after(delay, this.from, () => this.initiator.closed({ code: 1006, reason }));
    this.network.forget(this);
  }

  /** Abrupt end: in-flight data is lost, each live end sees 1006 after its link latency. */
  reset(reason: string, deadNode?: NodeName): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.network.kernel.trace.record("net", "net.reset", { conn: this.id, from: this.from, to: this.to, reason });
    for (const end of [this.initiator, this.acceptor]) {
      end.dropBacklog();
      if (end.node === deadNode) {
        end.silence();
        continue;
      }
      const delay = this.network.sampleLatencyMs(end.remote, end.node);
      this.network.kernel.after(delay, end.node, () => end.closed({ code: 1006, reason }));
    }
    this.network.forget(this);
  }
}

export type Wire = { kind: "open" } | { kind: "data"; frame: Frame } | { kind: "close"; info: CloseInfo };

/** One side of a connection, as the node at `node` sees it. */
export class Endpoint {
  peer!: Endpoint;
  onOpen: (() => void) | undefined;
  onMessage: ((data: unknown) => void) | undefined;
  onClose: ((info: CloseInfo) => void) | undefined;
  /** Data frames that reached this endpoint while it was not reading. */
  private backlog: Frame[] = [];
  private backlogBytes = 0;
  private reading = true;
  private lastArrivalMs = 0;
  private closeNotified = false;
  private localClosing = false;

  constructor(
    readonly connection: Connection,
    readonly node: NodeName,
    readonly remote: NodeName,
  ) {}

  get isOpen(): boolean {
    return this.connection.state === "open" && !this.localClosing;
  }

  /** Bytes this endpoint sent that the peer has not read yet (back-pressure). */
  get bufferedBytes(): number {
    return this.peer.backlogBytes;
  }

  send(data: unknown, bytes: number): void {
    if (!this.isOpen) return;
    this.transmit({ kind: "data", frame: { data, bytes } });
  }

  /** Graceful close: the peer sees it after the data already sent; then the connection ends. */
  close(info: CloseInfo): void {
    if (this.connection.state === "closed" || this.localClosing) return;
    this.localClosing = true;
    if (this.connection.state === "connecting") {
      this.connection.reset(info.reason || "aborted");
      return;
    }
    this.transmit({ kind: "close", info });
  }

  /** slowClient: stop or resume reading. */
  setReading(reading: boolean): void {
    this.reading = reading;
    if (!reading) return;
    const frames = this.backlog;
    this.backlog = [];
    this.backlogBytes = 0;
    for (const frame of frames) this.deliverData(frame);
  }

  transmit(wire: Wire): void {
    const kernel = this.connection.network.kernel;
    const conn = this.connection.id;
    kernel.trace.recordSerialized(this.node, "net.send", frameDetailJson(conn, this.remote, wire), () => frameDetail(conn, this.remote, wire));
    const sampled = kernel.nowMs + this.connection.network.sampleLatencyMs(this.node, this.remote);
    const arrival = Math.max(sampled, this.lastArrivalMs);
    this.lastArrivalMs = arrival;
    kernel.scheduler.scheduleAt(arrival, () => kernel.guard(this.remote, () => this.peer.receive(wire)));
  }

  /** The peer's connection is gone: called once per endpoint. */
  closed(info: CloseInfo): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.localClosing = true;
    this.onClose?.(info);
  }

  /** This endpoint's process is gone: never notify it again. */
  silence(): void {
    this.closeNotified = true;
  }

  dropBacklog(): void {
    this.connection.network.lost += this.backlog.length;
    this.backlog = [];
    this.backlogBytes = 0;
  }

  private receive(wire: Wire): void {
    if (this.closeNotified) return;
    if (wire.kind === "open") {
      if (this.connection.state === "open") this.onOpen?.();
      return;
    }
    if (this.connection.state === "closed") return; // reset while in flight: lost
    if (wire.kind === "close") {
      this.receiveClose(wire.info);
      return;
    }
    if (!this.reading || this.backlog.length > 0) {
      this.backlog.push(wire.frame);
      this.backlogBytes += wire.frame.bytes;
      return;
    }
    this.deliverData(wire.frame);
  }

  private deliverData(frame: Frame): void {
    if (this.closeNotified || this.connection.state === "closed") return;
    this.connection.network.delivered++;
    this.connection.network.kernel.trace.note(this.node, "net.deliver", { conn: this.connection.id, bytes: frame.bytes });
    this.onMessage?.(frame.data);
  }

  /** The peer closed: echo the close (the WebSocket closing handshake) and end the connection. */
  private receiveClose(info: CloseInfo): void {
    const initiatedHere = this.localClosing;
    this.dropBacklog();
    this.closed(info);
    if (!initiatedHere) this.transmit({ kind: "close", info });
    if (this.peer.closeNotified) {
      // Both sides have now seen a close frame: the connection is over.
      this.connection.state = "closed";
      this.connection.network.forget(this.connection);
    }
  }
}
