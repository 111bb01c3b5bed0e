/**
 * A routing oracle for the PROTOCOL.md MUSTs that the four state invariants cannot see, because
 * the client provider tolerates them: Yjs updates are idempotent and the provider ignores frames
 * that are not for it. It wraps every socket a relay is handed and watches what the relay sends:
 * - self-echo: a client receives its own CRDT_UPDATE / PRESENCE / SYNC_STEP1 / JOIN ("never echo");
 * - unrequested snapshot: a client receives a SNAPSHOT_RESPONSE for a requestId it never sent
 *   ("responses are never broadcast");
 * - duplicate delivery: a client receives the same messageId twice ("drops a routed message whose
 *   messageId it has already delivered").
 * The wrapped relay behaves exactly like the original (the wrapper forwards every call), so the
 * run's trace is unchanged.
 */
import type { RelaySocket } from "../../relay/ports.ts";

export interface RoutingViolation {
  kind: "self-echo" | "unrequested-snapshot-response" | "duplicate-delivery";
  /** The receiving client's senderId. */
  receiver: string;
  detail: string;
}

/** What the monitor needs from a relay (the simulator's host interface has the same shape). */
export interface MonitoredRelay {
  initialize(): unknown;
  handleConnection(socket: RelaySocket, docId: string, senderId: string, ctx?: { role?: "editor" | "viewer" }): unknown;
  handleMessage(socket: RelaySocket, data: string): unknown;
  handleDisconnection(socket: RelaySocket): unknown;
  shutdown(): unknown;
  stats(): unknown;
}

const ECHO_TYPES = new Set(["CRDT_UPDATE", "PRESENCE", "SYNC_STEP1", "JOIN"]);
/** Keep at most this many violations: one is enough to fail, a few help to read. */
const MAX_VIOLATIONS = 20;

export class RoutingMonitor {
  readonly violations: RoutingViolation[] = [];

  /** Wraps a relay factory; every relay it makes reports here. */
  wrap<O, R extends MonitoredRelay>(factory: (options: O) => R): (options: O) => R {
    return (options) => this.watch(factory(options));
  }

  private watch<R extends MonitoredRelay>(relay: R): R {
    const spies = new Map<RelaySocket, SpySocket>();
    const spyOf = (socket: RelaySocket) => spies.get(socket) ?? socket;
    return Object.assign(Object.create(relay) as R, {
      handleConnection: (socket: RelaySocket, docId: string, senderId: string, ctx?: { role?: "editor" | "viewer" }) => {
        const spy = new SpySocket(socket, senderId, (v) => this.report(v));
        spies.set(socket, spy);
        return ctx ? relay.handleConnection(spy, docId, senderId, ctx) : relay.handleConnection(spy, docId, senderId);
      },
      handleMessage: (socket: RelaySocket, data: string) => {
        spies.get(socket)?.noteOutgoing(data);
        return relay.handleMessage(spyOf(socket), data);
      },
      handleDisconnection: (socket: RelaySocket) => {
        const result = relay.handleDisconnection(spyOf(socket));
        spies.delete(socket);
        return result;
      },
      initialize: () => relay.initialize(),
      shutdown: () => relay.shutdown(),
      stats: () => relay.stats(),
    });
  }

  private report(violation: RoutingViolation): void {
    if (this.violations.length < MAX_VIOLATIONS) this.violations.push(violation);
  }
}

class SpySocket implements RelaySocket {
  private readonly requestIds = new Set<string>();
  private readonly seenMessageIds = new Set<string>();

  constructor(
    private readonly socket: RelaySocket,
    private readonly senderId: string,
    private readonly report: (violation: RoutingViolation) => void,
  ) {}

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  get readyState(): number {
    return this.socket.readyState;
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  /** A frame from the client: remember its snapshot request ids. */
  noteOutgoing(data: string): void {
    const frame = parse(data);
    const requestId = frame?.payload?.requestId;
    if (frame?.type === "SNAPSHOT_REQUEST" && typeof requestId === "string") this.requestIds.add(requestId);
  }

  send(data: string): void {
    this.inspect(data);
    this.socket.send(data);
  }

  private inspect(data: string): void {
    const frame = parse(data);
    if (!frame) return;
    const { type, senderId, messageId, payload } = frame;
    const receiver = this.senderId;
    if (typeof type === "string" && ECHO_TYPES.has(type) && senderId === receiver) {
      this.report({ kind: "self-echo", receiver, detail: `${receiver} received its own ${type} (${String(messageId)})` });
    }
    if (type === "SNAPSHOT_RESPONSE" && !this.requestIds.has(String(payload?.requestId))) {
      this.report({ kind: "unrequested-snapshot-response", receiver, detail: `${receiver} received a SNAPSHOT_RESPONSE for request ${String(payload?.requestId)} it never made` });
    }
    if (typeof messageId === "string") {
      if (this.seenMessageIds.has(messageId)) {
        this.report({ kind: "duplicate-delivery", receiver, detail: `${receiver} received ${String(type)} ${messageId} twice` });
      }
      this.seenMessageIds.add(messageId);
    }
  }
}

interface LooseFrame {
  type?: unknown;
  senderId?: unknown;
  messageId?: unknown;
  payload?: Record<string, unknown>;
}

function parse(data: string): LooseFrame | null {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === "object" && value !== null ? (value as LooseFrame) : null;
  } catch {
    return null;
  }
}
