/**
 * StatelessCollabRelay: the design doc's stateless router. It keeps only connection mappings and
 * counters; documents live in the clients. Everything reaches the outside through ports (clock,
 * random, logger, RelaySocket) and the MessageBus, so the simulator runs this exact class.
 *
 * This file is the public face and the wiring; the work is done by parts under core/ that share
 * one RelayContext: ClientInbox (client frames), BusInbox (routed messages and bus events),
 * Outbound (sending, back-pressure), DocMembership (attach / detach, subscriptions), Publisher
 * (routed messages, batching, rosters) and the SnapshotBroker.
 *
 * Seams for planted-bug tests (test code subclasses or passes `parts`; production never does):
 * - `parts.createDedup`          -> a filter that never sees duplicates ("dedup removed")
 * - `parts.createOutageQueue`    -> a queue that never drops ("outage queue unbounded")
 * - `resyncAfterReconnect()`     -> override as a no-op ("post-reconnect resync removed")
 * - `expireStalePresence()`      -> override as a no-op ("presence expiry removed")
 * - `deliverSnapshotResponse()`  -> send to every client ("snapshot response broadcast")
 * - `fanOutLocal(docId, frame, exclude)` -> ignore `exclude` ("self-echo")
 */
import { cryptoRandom, defaultRelayLogger, systemClock } from "./adapters/system.ts";
import { createInMemoryMessageBus } from "./bus/in-memory-bus.ts";
import { DedupWindow, type DedupFilter } from "./bus/dedup-window.ts";
import { ReplayGuard } from "./core/replay-guard.ts";
import type { BusTopology, MessageBus } from "./bus/message-bus.ts";
import type { OutageQueue, QueueLimits } from "./bus/outage-queue.ts";
import { resolveRelayConfig, type RelayConfig } from "./config.ts";
import { BusInbox } from "./core/bus-inbox.ts";
import { ServerLiveness } from "./core/liveness.ts";
import { BEAT_CHANNEL } from "./bus/routed.ts";
import { ClientInbox } from "./core/client-inbox.ts";
import type { ClientConnection } from "./core/client-connection.ts";
import { DocMembership } from "./core/doc-membership.ts";
import { worthLogging } from "./core/log-throttle.ts";
import { Outbound, safeClose, SERVER_SENDER } from "./core/outbound.ts";
import { Publisher } from "./core/publisher.ts";
import { newCounters, type RelayContext } from "./core/relay-context.ts";
import { RemotePresence } from "./core/remote-presence.ts";
import { SnapshotBroker } from "./core/snapshot-broker.ts";
import { SnapshotCacheFlow } from "./core/cache-flow.ts";
import { createSnapshotHost } from "./core/snapshot-host.ts";
import { ConnectionRateLimiter, stateRequestBucket } from "./core/token-bucket.ts";
import type { RelayEvent, RelayStats } from "./events.ts";
import { generateServerId } from "./ids.ts";
import type { Clock, Logger, Random, RelayPorts, RelaySocket, TimerHandle } from "./ports.ts";
import type { RawFrame } from "./protocol/client-frame.ts";
import { redisMode, type RedisMode } from "./bus/redis-mode.ts";
import {
  channels,
  CloseCode,
  DOC_ID_PATTERN,
  ErrorCode,
  MessageType,
  type Role,
  type SnapshotResponsePayload,
} from "./protocol/messages.ts";

export interface RelayParts {
  createDedup(config: RelayConfig): DedupFilter;
  createOutageQueue?(limits: QueueLimits): OutageQueue;
}

export interface RelayOptions extends Partial<RelayConfig> {
  /** The bus to the other relays; default: a private in-memory bus (single server). */
  redisAdapter?: MessageBus;
  /** Real adapters by default; the simulator passes virtual ones. */
  ports?: Partial<RelayPorts>;
  onEvent?: (event: RelayEvent) => void;
  /** Swappable parts (see the file comment). */
  parts?: Partial<RelayParts>;
}

export interface RelayHealth {
  ok: boolean;
  status: "healthy" | "degraded";
  serverId: string;
  /**
   * `connected` is true only over a live Redis link: never for mode "memory" (there is no Redis).
   * In cluster mode also `nodes` and `reachableNodes` (PROTOCOL.md section 10).
   */
  redis: { mode: RedisMode; connected: boolean; activeSubscriptions: number } & Partial<Omit<BusTopology, "mode">>;
  connections: number;
  documents: number;
}

export class StatelessCollabRelay {
  readonly serverId: string;
  readonly config: RelayConfig;
  protected readonly clock: Clock;
  protected readonly random: Random;
  protected readonly logger: Logger;
  protected readonly bus: MessageBus;
  protected readonly connections = new Map<RelaySocket, ClientConnection>();
  /** Attached clients per doc: the fan-out sets. */
  protected readonly docs = new Map<string, Set<ClientConnection>>();
  protected readonly remotePresence = new RemotePresence();
  private readonly ctx: RelayContext;
  private readonly outbound: Outbound;
  private readonly publisher: Publisher;
  private readonly membership: DocMembership;
  private readonly snapshots: SnapshotBroker<ClientConnection>;
  /** The opt-in snapshot cache (docs/SNAPSHOT-CACHE.md); null when off. */
  private readonly snapshotCache: SnapshotCacheFlow | null;
  private readonly clientInbox: ClientInbox;
  private readonly busInbox: BusInbox;
  private readonly liveness: ServerLiveness;
  private readonly onEvent: (event: RelayEvent) => void;
  private readonly createOutageQueue?: (limits: QueueLimits) => OutageQueue;
  private heartbeatTimer: TimerHandle | undefined;
  private initialized: Promise<void> | null = null;
  private closing = false;

  constructor(options: RelayOptions = {}) {
    const { redisAdapter, ports, onEvent, parts, ...overrides } = options;
    this.clock = ports?.clock ?? systemClock;
    this.random = ports?.random ?? cryptoRandom;
    this.logger = ports?.logger ?? defaultRelayLogger();
    this.serverId = overrides.serverId ?? generateServerId(this.random, this.clock);
    this.config = resolveRelayConfig({ ...overrides, serverId: this.serverId });
    this.bus = redisAdapter ?? createInMemoryMessageBus();
    this.onEvent = onEvent ?? (() => {});
    this.createOutageQueue = parts?.createOutageQueue;
    this.ctx = this.createContext(parts?.createDedup?.(this.config) ?? new DedupWindow(this.config.dedupWindowMs, this.config.dedupMaxEntries));
    this.outbound = new Outbound(this.ctx, (conn, reason) => this.membership.detach(conn, reason));
    this.publisher = new Publisher(this.ctx);
    this.snapshotCache = SnapshotCacheFlow.create(this.ctx, (docId, forSenderId, onUpdate) => this.snapshots.requestForCache(docId, forSenderId, onUpdate));
    this.snapshots = new SnapshotBroker<ClientConnection>(createSnapshotHost(this.ctx, this.outbound, this.publisher, this.snapshotCache));
    this.membership = new DocMembership(this.ctx, this.outbound, this.publisher, (conn) => {
      this.snapshots.clientGone(conn);
      this.snapshotCache?.clientGone(conn.docId);
      this.outbound.forget(conn);
    });
    const detach = (conn: ClientConnection, reason: string) => this.membership.detach(conn, reason);
    this.clientInbox = new ClientInbox(this.ctx, this.outbound, this.publisher, this.snapshots, detach, this.snapshotCache);
    this.liveness = new ServerLiveness(this.ctx, this.publisher);
    this.busInbox = new BusInbox(this.ctx, this.outbound, this.publisher, this.snapshots, this.liveness);
  }

  /** Connects the bus in the background: clients are served at once, Redis or not. */
  initialize(): Promise<void> {
    this.initialized ??= this.start();
    return this.initialized;
  }

  async handleConnection(ws: RelaySocket, docId: string, senderId: string, ctx: { role?: Role } = {}): Promise<void> {
    if (typeof docId !== "string" || !DOC_ID_PATTERN.test(docId)) {
      safeClose(ws, CloseCode.POLICY, "invalid docId");
      return;
    }
    if (this.closing) {
      safeClose(ws, CloseCode.GOING_AWAY, "server shutting down");
      return;
    }
    if (this.connections.has(ws)) return;
    // Registered before any await: frames that arrive meanwhile are handled, not lost.
    const conn = this.newConnection(ws, docId, senderId, ctx.role ?? "editor");
    this.membership.register(conn);
    await this.initialize();
    await this.membership.subscribeDoc(docId);
    if (conn.gone || this.closing) return;
    this.ctx.contain("attach", "client", () => this.membership.attach(conn));
  }

  /** Never throws: bad input gets an ERROR, a bug gets ERROR INTERNAL, the server keeps running. */
  handleMessage(ws: RelaySocket, data: RawFrame | string | Buffer | ArrayBuffer | Buffer[]): void {
    const conn = this.connections.get(ws);
    if (!conn) return;
    try {
      this.clientInbox.processFrame(conn, data);
    } catch (error) {
      this.ctx.reject("callback-error", "client");
      const count = this.ctx.counters.rejected.client["callback-error"]!;
      if (worthLogging(count)) this.logger.error({ event: "handle-message-failed", senderId: conn.senderId, count, error: String(error) }, "message handling failed");
      this.ctx.contain("error-reply", "client", () => this.outbound.sendError(conn, ErrorCode.INTERNAL, "internal error"));
    }
  }

  handleDisconnection(ws: RelaySocket): void {
    const conn = this.connections.get(ws);
    if (conn) this.ctx.contain("disconnect", "client", () => this.membership.detach(conn, undefined));
  }

  /** Graceful: peers hear LEAVE for our clients, clients get 1001 (reconnect elsewhere). */
  async shutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.clock.clearInterval(this.heartbeatTimer);
    this.liveness.stop();
    this.publisher.flushAll();
    this.snapshots.cancelAll();
    this.snapshotCache?.stop();
    for (const conn of this.connections.values()) {
      conn.gone = true;
      if (conn.attached) this.publisher.publishLeave(conn, "server-shutdown");
      safeClose(conn.ws, CloseCode.GOING_AWAY, "server shutting down");
    }
    this.connections.clear();
    this.docs.clear();
    const channelsToDrop = this.membership.dropAllSubscriptions();
    await Promise.all([...channelsToDrop, channels.server(this.serverId), BEAT_CHANNEL].map((channel) => this.bus.unsubscribe(channel)));
    await this.bus.disconnect();
  }

  stats(): RelayStats {
    return {
      serverId: this.serverId,
      redisConnected: this.bus.isConnected(),
      activeDocuments: this.docs.size,
      activeConnections: this.connections.size,
      ...this.ctx.counters,
      rejected: { client: { ...this.ctx.counters.rejected.client }, redis: { ...this.ctx.counters.rejected.redis } },
    };
  }

  health(): RelayHealth {
    const mode = redisMode(this.bus);
    const connected = mode !== "memory" && this.bus.isConnected();
    return {
      ok: true,
      status: connected || mode === "memory" ? "healthy" : "degraded",
      serverId: this.serverId,
      redis: { mode, connected, activeSubscriptions: this.bus.activeSubscriptions(), ...this.bus.topology?.() },
      connections: this.connections.size,
      documents: this.docs.size,
    };
  }

  // ---- seams (see the file comment) ----

  /** Sends `frame` to every attached client of the doc except `exclude` (never echo). */
  protected fanOutLocal(docId: string, frame: string, exclude: ClientConnection | null): void {
    const clients = this.docs.get(docId);
    if (!clients) return;
    for (const conn of clients) if (conn !== exclude) this.outbound.sendFrame(conn, frame);
  }

  /** The snapshot answer goes to its requester only. */
  protected deliverSnapshotResponse(requester: ClientConnection, payload: SnapshotResponsePayload): void {
    this.outbound.sendFrame(requester, this.outbound.serverFrame(MessageType.SNAPSHOT_RESPONSE, requester.docId, payload));
  }

  /**
   * Redis came back: whatever pub/sub lost meanwhile is recovered by a state-vector exchange.
   * `docIds`: only these (a cluster shard came back: only its documents missed anything).
   */
  protected resyncAfterReconnect(docIds: Iterable<string> = this.docs.keys()): void {
    let resynced = 0;
    for (const docId of docIds) {
      resynced++;
      this.fanOutLocal(docId, this.outbound.serverFrame(MessageType.RESYNC, docId, {}), null);
      const resync = this.publisher.routed(MessageType.RESYNC, docId, SERVER_SENDER, {});
      this.publisher.publishRouted(channels.doc(docId), resync, { queue: false, batch: false });
    }
    this.emit({ type: "resync", docs: resynced });
  }

  /** Remote servers whose rosters went stale are presumed crashed: their clients LEAVE. */
  protected expireStalePresence(): void {
    for (const change of this.remotePresence.expire(this.clock.now(), this.config.presenceTimeoutMs)) {
      this.busInbox.announcePresence(change, "server-timeout");
      this.liveness.noteExpired(change);
      this.emit({ type: "presence-expired", docId: change.docId, senderIds: change.left });
    }
  }

  // ---- start-up ----

  private async start(): Promise<void> {
    this.bus.configure({
      clock: this.clock,
      random: this.random,
      logger: this.logger,
      queueMaxMessages: this.config.queueMaxMessages,
      queueMaxBytes: this.config.queueMaxBytes,
      reconnectBaseMs: this.config.redisReconnectBaseMs,
      reconnectMaxMs: this.config.redisReconnectMaxMs,
      createQueue: this.createOutageQueue,
    });
    this.bus.onMessage((channel, message, link) =>
      this.ctx.contain("bus-message", "redis", () => this.busInbox.onBusMessage(channel, message, link)),
    );
    this.bus.onEvent((event) => this.ctx.contain("bus-event", "redis", () => this.busInbox.onBusEvent(event)));
    const heartbeat = () => this.ctx.contain("heartbeat", "redis", () => this.heartbeat());
    this.heartbeatTimer = this.clock.setInterval(heartbeat, this.config.heartbeatIntervalMs);
    void this.bus.subscribe(channels.server(this.serverId));
    void this.liveness.subscribe();
    void this.bus.connect();
    // Signed: peers must hear our nonce at once to prove their clocks to us (core/replay-guard.ts).
    if (this.ctx.replayGuard) this.liveness.beatSoon();
  }

  private heartbeat(): void {
    // One beat, not a roster per document: idle Redis traffic does not grow with the documents held.
    this.liveness.beat();
    this.ctx.replayGuard?.sweep();
    // Expiry runs even while our own Redis link is down. A remote client we have not heard of for
    // presenceTimeoutMs is unreachable from here whatever the cause, and only this keeps the ghost
    // bound (PROTOCOL.md section 5: LEAVE within 15 s) when a peer departs during our outage: the
    // fuzzer found that suspending expiry let such LEAVEs arrive 16-18 s late, or never within an
    // outage longer than the bound. Live peers JOIN again from their rosters after the heal.
    this.expireStalePresence();
  }

  private newConnection(ws: RelaySocket, docId: string, senderId: string, role: Role): ClientConnection {
    const { config } = this;
    const limiter = config.enableRateLimiting ? new ConnectionRateLimiter(config, this.clock.now()) : null;
    const stateRequests = config.enableRateLimiting ? stateRequestBucket(config, role, this.clock.now()) : null;
    return { ws, docId, senderId, role, hasState: false, attached: false, gone: false, limiter, stateRequests, answersOwed: null };
  }

  /** The state every part shares; seams call back into this object so overrides are honoured. */
  private createContext(dedup: DedupFilter): RelayContext {
    /** Message ids are `m-<instance nonce>-<counter>`: unique even when a serverId is reused. */
    const idPrefix = `m-${this.random.uint32().toString(36)}-`;
    let idCounter = 0;
    const counters = newCounters();
    return {
      serverId: this.serverId,
      config: this.config,
      clock: this.clock,
      logger: this.logger,
      bus: this.bus,
      connections: this.connections,
      docs: this.docs,
      remotePresence: this.remotePresence,
      replayGuard: this.config.clusterSecret ? this.createReplayGuard() : undefined,
      counters,
      seams: {
        fanOutLocal: (docId, frame, exclude) => this.fanOutLocal(docId, frame, exclude),
        deliverSnapshotResponse: (requester, payload) => this.deliverSnapshotResponse(requester, payload),
        resyncAfterReconnect: (docIds) => this.resyncAfterReconnect(docIds),
        expireStalePresence: () => this.expireStalePresence(),
      },
      emit: (event) => {
        this.snapshotCache?.observe(event);
        this.emit(event);
      },
      reject: (reason, source) => {
        const bySource = counters.rejected[source];
        bySource[reason] = (bySource[reason] ?? 0) + 1;
        this.emit({ type: "input-rejected", reason, source });
      },
      contain: (where, source, fn) => {
        try {
          fn();
        } catch (error) {
          this.ctx.reject("callback-error", source);
          const count = counters.rejected[source]["callback-error"]!;
          if (worthLogging(count)) this.logger.error({ event: "callback-failed", where, count, error: String(error) }, "a relay callback threw; contained");
        }
      },
      newMessageId: () => idPrefix + (++idCounter).toString(36),
      isDuplicate: (senderId, messageId) => {
        if (!dedup.isDuplicate(`${senderId}|${messageId}`, this.clock.now())) return false;
        counters.duplicatesDropped++;
        this.emit({ type: "duplicate-dropped" });
        return true;
      },
    };
  }

  private createReplayGuard(): ReplayGuard {
    return new ReplayGuard(this.config, this.clock, this.random, {
      beatSoon: () => this.liveness.beatSoon(),
      drop: (verdict) => this.ctx.reject(verdict, "redis"),
    });
  }

  private emit(event: RelayEvent): void {
    try {
      this.onEvent(event);
    } catch (error) {
      this.logger.error({ event: "on-event-failed", error: String(error) }, "onEvent handler threw");
    }
  }
}
