/**
 * StatelessCollabRelay: the design doc's stateless router. It keeps only connection mappings and
 * counters; documents live in the clients. Everything reaches the outside through ports (clock,
 * random, logger, RelaySocket) and the MessageBus, so the simulator runs this exact class.
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
import type { BusEvent, BusTopology, MessageBus } from "./bus/message-bus.ts";
import type { OutageQueue, QueueLimits } from "./bus/outage-queue.ts";
import { channelMatches, decodeRouted, encodeRouted, RoutedType } from "./bus/routed.ts";
import { resolveRelayConfig, type RelayConfig } from "./config.ts";
import type { ClientConnection } from "./core/client-connection.ts";
import { PublishBatcher } from "./core/publish-batcher.ts";
import { RemotePresence, type PresenceChange } from "./core/remote-presence.ts";
import { SnapshotBroker } from "./core/snapshot-broker.ts";
import { ConnectionRateLimiter } from "./core/token-bucket.ts";
import type { RelayEvent, RelayStats } from "./events.ts";
import { generateServerId } from "./ids.ts";
import type { Clock, Logger, Random, RelayPorts, RelaySocket, TimerHandle } from "./ports.ts";
import { frameBytes, parseClientFrame, type ClientMessage, type RawFrame } from "./protocol/client-frame.ts";
import {
  channels,
  CloseCode,
  DOC_ID_PATTERN,
  ErrorCode,
  MessageType,
  PROTOCOL_VERSION,
  type Role,
  type RoutedMessage,
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
  /** In cluster mode also `mode: "cluster"`, `nodes`, `reachableNodes` (PROTOCOL.md section 10). */
  redis: { connected: boolean; activeSubscriptions: number } & Partial<BusTopology>;
  connections: number;
  documents: number;
}

const SERVER_SENDER = "server";
const OPEN = 1;

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
  /** Connections per doc including those still waiting for their subscription (channel refcount). */
  private readonly docRefs = new Map<string, number>();
  private readonly docSubscriptions = new Map<string, Promise<unknown>>();
  protected readonly remotePresence = new RemotePresence();
  private readonly dedup: DedupFilter;
  private readonly snapshots: SnapshotBroker<ClientConnection>;
  private readonly batcher: PublishBatcher | null;
  private readonly onEvent: (event: RelayEvent) => void;
  private readonly createOutageQueue?: (limits: QueueLimits) => OutageQueue;
  private readonly counters: Omit<RelayStats, "serverId" | "redisConnected" | "activeDocuments" | "activeConnections"> = {
    remoteMessages: 0, snapshotRequests: 0, snapshotFallbacks: 0, queuedMessages: 0, queuedBytes: 0,
    queuedMaxMessages: 0, droppedMessages: 0, rateLimited: 0, forgedDropped: 0, duplicatesDropped: 0,
    malformedDropped: 0, slowConsumers: 0, reconnects: 0, messagesRouted: 0,
  };
  private heartbeatTimer: TimerHandle | undefined;
  private initialized: Promise<void> | null = null;
  private closing = false;
  /** Message ids are `m-<instance nonce>-<counter>`: unique even when a serverId is reused. */
  private readonly idPrefix: string;
  private idCounter = 0;

  constructor(options: RelayOptions = {}) {
    const { redisAdapter, ports, onEvent, parts, ...overrides } = options;
    this.clock = ports?.clock ?? systemClock;
    this.random = ports?.random ?? cryptoRandom;
    this.logger = ports?.logger ?? defaultRelayLogger();
    this.serverId = overrides.serverId ?? generateServerId(this.random, this.clock);
    this.config = resolveRelayConfig({ ...overrides, serverId: this.serverId });
    this.bus = redisAdapter ?? createInMemoryMessageBus();
    this.onEvent = onEvent ?? (() => {});
    this.dedup = parts?.createDedup?.(this.config) ?? new DedupWindow(this.config.dedupWindowMs, this.config.dedupMaxEntries);
    this.createOutageQueue = parts?.createOutageQueue;
    this.idPrefix = `m-${this.random.uint32().toString(36)}-`;
    this.batcher = this.config.enableBatching
      ? new PublishBatcher(this.config, this.clock, (channel, docId, messages) => this.publishBatch(channel, docId, messages))
      : null;
    this.snapshots = new SnapshotBroker<ClientConnection>(this.snapshotHost());
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
    this.connections.set(ws, conn);
    this.docRefs.set(docId, (this.docRefs.get(docId) ?? 0) + 1);
    await this.initialize();
    await this.subscribeDoc(docId);
    if (conn.gone || this.closing) return;
    this.attach(conn);
  }

  /** Never throws: bad input gets an ERROR, a bug gets ERROR INTERNAL, the server keeps running. */
  handleMessage(ws: RelaySocket, data: RawFrame | string | Buffer | ArrayBuffer | Buffer[]): void {
    const conn = this.connections.get(ws);
    if (!conn) return;
    try {
      this.processFrame(conn, data);
    } catch (error) {
      this.logger.error({ event: "handle-message-failed", senderId: conn.senderId, error: String(error) }, "message handling failed");
      this.sendError(conn, ErrorCode.INTERNAL, "internal error");
    }
  }

  handleDisconnection(ws: RelaySocket): void {
    const conn = this.connections.get(ws);
    if (conn) this.detach(conn, undefined);
  }

  /** Graceful: peers hear LEAVE for our clients, clients get 1001 (reconnect elsewhere). */
  async shutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.clock.clearInterval(this.heartbeatTimer);
    this.batcher?.flushAll();
    this.snapshots.cancelAll();
    for (const conn of this.connections.values()) {
      conn.gone = true;
      if (conn.attached) this.publishLeave(conn, "server-shutdown");
      safeClose(conn.ws, CloseCode.GOING_AWAY, "server shutting down");
    }
    this.connections.clear();
    this.docs.clear();
    const channelsToDrop = [...this.docSubscriptions.keys()].flatMap((docId) => [channels.doc(docId), channels.presence(docId)]);
    this.docSubscriptions.clear();
    await Promise.all([...channelsToDrop, channels.server(this.serverId)].map((channel) => this.bus.unsubscribe(channel)));
    await this.bus.disconnect();
  }

  stats(): RelayStats {
    return {
      serverId: this.serverId,
      redisConnected: this.bus.isConnected(),
      activeDocuments: this.docs.size,
      activeConnections: this.connections.size,
      ...this.counters,
    };
  }

  health(): RelayHealth {
    const connected = this.bus.isConnected();
    return {
      ok: true,
      status: connected ? "healthy" : "degraded",
      serverId: this.serverId,
      redis: { connected, activeSubscriptions: this.bus.activeSubscriptions(), ...this.bus.topology?.() },
      connections: this.connections.size,
      documents: this.docs.size,
    };
  }

  // ---- seams (see the file comment) ----

  /** Sends `frame` to every attached client of the doc except `exclude` (never echo). */
  protected fanOutLocal(docId: string, frame: string, exclude: ClientConnection | null): void {
    const clients = this.docs.get(docId);
    if (!clients) return;
    for (const conn of clients) if (conn !== exclude) this.sendFrame(conn, frame);
  }

  /** The snapshot answer goes to its requester only. */
  protected deliverSnapshotResponse(requester: ClientConnection, payload: SnapshotResponsePayload): void {
    this.sendFrame(requester, this.serverFrame(MessageType.SNAPSHOT_RESPONSE, requester.docId, payload));
  }

  /**
   * Redis came back: whatever pub/sub lost meanwhile is recovered by a state-vector exchange.
   * `docIds`: only these (a cluster shard came back: only its documents missed anything).
   */
  protected resyncAfterReconnect(docIds: Iterable<string> = this.docs.keys()): void {
    let resynced = 0;
    for (const docId of docIds) {
      resynced++;
      this.fanOutLocal(docId, this.serverFrame(MessageType.RESYNC, docId, {}), null);
      this.publishRouted(channels.doc(docId), this.routed(MessageType.RESYNC, docId, SERVER_SENDER, {}), { queue: false, batch: false });
    }
    this.emit({ type: "resync", docs: resynced });
  }

  /** Remote servers whose rosters went stale are presumed crashed: their clients LEAVE. */
  protected expireStalePresence(): void {
    for (const change of this.remotePresence.expire(this.clock.now(), this.config.presenceTimeoutMs)) {
      this.announcePresence(change, "server-timeout");
      this.emit({ type: "presence-expired", docId: change.docId, senderIds: change.left });
    }
  }

  // ---- start-up and the bus ----

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
    this.bus.onMessage((channel, message) => this.onBusMessage(channel, message));
    this.bus.onEvent((event) => this.onBusEvent(event));
    this.heartbeatTimer = this.clock.setInterval(() => this.heartbeat(), this.config.heartbeatIntervalMs);
    void this.bus.subscribe(channels.server(this.serverId));
    void this.bus.connect();
  }

  private onBusEvent(event: BusEvent): void {
    if (event.type === "queue") {
      this.counters.queuedMessages = event.depthMessages;
      this.counters.queuedBytes = event.depthBytes;
      this.counters.queuedMaxMessages = Math.max(this.counters.queuedMaxMessages, event.depthMessages);
      this.emit(event);
    } else if (event.type === "dropped") {
      this.counters.droppedMessages += event.count;
      this.emit(event);
    } else {
      this.emit({ type: "bus-status", connected: event.connected });
      if (event.connected) this.onBusConnected(event.resumed, event.scope);
    }
  }

  private onBusConnected(resumed: boolean, scope: ((channel: string) => boolean) | undefined): void {
    // Our roster goes out asking every server for theirs; a roster about to expire gets one
    // heartbeat to answer, so a live server that missed a beat while we were away is not dropped.
    this.remotePresence.allowAnswerWithin(this.clock.now(), this.config.presenceTimeoutMs, this.config.heartbeatIntervalMs);
    // A cluster shard that came back concerns only the documents whose channels it carries.
    const docIds = [...this.docs.keys()].filter((docId) => !scope || scope(channels.doc(docId)));
    for (const docId of docIds) this.publishRoster(docId, true);
    if (resumed) this.counters.reconnects++;
    // A first connect matters too when clients were already attached (Redis was unreachable at
    // start-up): their edits may have overflowed the queue or been flushed before peers subscribed.
    if (resumed || docIds.length > 0) this.resyncAfterReconnect(docIds);
  }

  private heartbeat(): void {
    for (const docId of this.docs.keys()) if (this.bus.isConnected(channels.presence(docId))) this.publishRoster(docId, false);
    // Expiry runs even while our own Redis link is down. A remote client we have not heard of for
    // presenceTimeoutMs is unreachable from here whatever the cause, and only this keeps the ghost
    // bound (PROTOCOL.md section 5: LEAVE within 15 s) when a peer departs during our outage: the
    // fuzzer found that suspending expiry let such LEAVEs arrive 16-18 s late, or never within an
    // outage longer than the bound. Live peers JOIN again from their rosters after the heal.
    this.expireStalePresence();
  }

  private onBusMessage(channel: string, text: string): void {
    try {
      const decoded = decodeRouted(text, { ownServerId: this.serverId, clusterSecret: this.config.clusterSecret });
      if (!decoded.ok) return this.countRejected(decoded.reason);
      const message = decoded.message;
      if (!channelMatches(channel, message)) return this.countRejected("malformed");
      if (message.type !== RoutedType.BATCH) return this.handleRouted(message);
      for (const inner of message.payload.messages as RoutedMessage[]) this.handleRouted(inner);
    } catch (error) {
      this.logger.error({ event: "bus-message-failed", channel, error: String(error) }, "routed message handling failed");
    }
  }

  private countRejected(reason: "malformed" | "own" | "forged"): void {
    if (reason === "forged") {
      this.counters.forgedDropped++;
      this.emit({ type: "forged-dropped" });
    } else if (reason === "malformed") {
      this.counters.malformedDropped++;
    }
  }

  private handleRouted(message: RoutedMessage): void {
    if (this.isDuplicate(message.senderId, message.messageId)) return;
    const { type, docId, payload } = message;
    if (type === RoutedType.ROSTER) return this.onRoster(message);
    this.counters.remoteMessages++;
    this.emit({ type: "remote-message", messageType: type, docId });
    if (type === MessageType.JOIN || type === MessageType.LEAVE) return this.onRemoteJoinLeave(message);
    if (type === MessageType.SNAPSHOT_REQUEST) return this.snapshots.requestFromServer(docId, payload, message.senderId);
    if (type === MessageType.SNAPSHOT_RESPONSE) return this.snapshots.responseFromServer(payload);
    const frame = JSON.stringify(envelopeOf(message));
    const to = type === MessageType.SYNC_STEP1 ? payload.to : undefined;
    if (typeof to === "string") this.sendToClientId(docId, to, frame);
    else this.fanOutLocal(docId, frame, null);
  }

  private onRemoteJoinLeave(message: RoutedMessage): void {
    const { docId, sourceServerId } = message;
    const clientId = message.payload.senderId as string;
    // Only news reaches the clients: a JOIN of a known client or a LEAVE of an unknown one is not.
    const changed =
      message.type === MessageType.JOIN
        ? this.remotePresence.join(docId, sourceServerId, clientId, this.clock.now())
        : this.remotePresence.leave(docId, sourceServerId, clientId);
    if (changed) this.fanOutLocal(docId, JSON.stringify(envelopeOf(message)), null);
  }

  private onRoster(message: RoutedMessage): void {
    const { docId, sourceServerId, payload } = message;
    if (!this.docs.has(docId)) return;
    const change = this.remotePresence.applyRoster(docId, sourceServerId, payload.clients as string[], this.clock.now());
    this.announcePresence(change, "server-roster");
    // A server that just (re)subscribed asks for everyone's roster so its clients learn their peers now.
    if (payload.reply === true) this.publishRoster(docId, false);
  }

  private announcePresence(change: PresenceChange, leaveReason: string): void {
    for (const senderId of change.joined) {
      this.fanOutLocal(change.docId, this.serverFrame(MessageType.JOIN, change.docId, { senderId }, senderId), null);
    }
    for (const senderId of change.left) {
      this.fanOutLocal(change.docId, this.serverFrame(MessageType.LEAVE, change.docId, { senderId, reason: leaveReason }, senderId), null);
    }
  }

  // ---- clients ----

  private newConnection(ws: RelaySocket, docId: string, senderId: string, role: Role): ClientConnection {
    const limiter = this.config.enableRateLimiting ? new ConnectionRateLimiter(this.config, this.clock.now()) : null;
    return { ws, docId, senderId, role, hasState: false, attached: false, gone: false, limiter };
  }

  private async subscribeDoc(docId: string): Promise<void> {
    let subscribed = this.docSubscriptions.get(docId);
    if (!subscribed) {
      subscribed = Promise.all([this.bus.subscribe(channels.doc(docId)), this.bus.subscribe(channels.presence(docId))]);
      this.docSubscriptions.set(docId, subscribed);
    }
    await subscribed;
  }

  private attach(conn: ClientConnection): void {
    let clients = this.docs.get(conn.docId);
    const firstHere = !clients;
    if (!clients) this.docs.set(conn.docId, (clients = new Set()));
    const peers = [...clients].map((c) => c.senderId).concat(this.remotePresence.clientsOf(conn.docId));
    clients.add(conn);
    conn.attached = true;
    const welcome = { senderId: conn.senderId, serverId: this.serverId, docId: conn.docId, role: conn.role, peers };
    this.sendFrame(conn, this.serverFrame(MessageType.WELCOME, conn.docId, welcome));
    if (conn.gone) return;
    this.fanOutLocal(conn.docId, this.serverFrame(MessageType.JOIN, conn.docId, { senderId: conn.senderId }, conn.senderId), conn);
    const join = this.routed(MessageType.JOIN, conn.docId, conn.senderId, { senderId: conn.senderId });
    this.publishRouted(channels.presence(conn.docId), join, { queue: true, batch: false });
    if (firstHere) this.publishRoster(conn.docId, true);
  }

  private detach(conn: ClientConnection, reason: string | undefined): void {
    if (conn.gone && !this.connections.has(conn.ws)) return;
    conn.gone = true;
    this.connections.delete(conn.ws);
    this.snapshots.clientGone(conn);
    const clients = this.docs.get(conn.docId);
    if (clients?.delete(conn) && conn.attached) {
      const leave = leavePayload(conn.senderId, reason);
      this.fanOutLocal(conn.docId, this.serverFrame(MessageType.LEAVE, conn.docId, leave, conn.senderId), null);
      this.publishLeave(conn, reason);
    }
    if (clients?.size === 0) this.docs.delete(conn.docId);
    this.releaseDoc(conn.docId);
  }

  private releaseDoc(docId: string): void {
    const refs = (this.docRefs.get(docId) ?? 1) - 1;
    if (refs > 0) {
      this.docRefs.set(docId, refs);
      return;
    }
    this.docRefs.delete(docId);
    this.docSubscriptions.delete(docId);
    this.remotePresence.dropDoc(docId);
    void this.bus.unsubscribe(channels.doc(docId));
    void this.bus.unsubscribe(channels.presence(docId));
  }

  private publishLeave(conn: ClientConnection, reason: string | undefined): void {
    const payload = leavePayload(conn.senderId, reason);
    this.publishRouted(channels.presence(conn.docId), this.routed(MessageType.LEAVE, conn.docId, conn.senderId, payload), {
      queue: true,
      batch: false,
    });
  }

  private publishRoster(docId: string, askForReplies: boolean): void {
    const clients = [...(this.docs.get(docId) ?? [])].map((c) => c.senderId);
    const payload = askForReplies ? { clients, reply: true } : { clients };
    // Rosters are state, not history: a stale one is worthless, so they are never queued.
    this.publishRouted(channels.presence(docId), this.routed(RoutedType.ROSTER, docId, SERVER_SENDER, payload), { queue: false, batch: false });
  }

  // ---- client frames ----

  private processFrame(conn: ClientConnection, data: RawFrame): void {
    const bytes = frameBytes(data);
    if (bytes <= this.config.maxFrameBytes && !this.admit(conn, bytes)) return;
    const limits = { maxFrameBytes: this.config.maxFrameBytes, docId: conn.docId, role: conn.role };
    const result = parseClientFrame(data, limits, bytes);
    if (!result.ok) return this.sendError(conn, result.code, result.message);
    const message = result.message;
    switch (message.type) {
      case MessageType.CRDT_UPDATE:
        conn.hasState = true;
        return this.routeFromClient(conn, message, channels.doc(conn.docId));
      case MessageType.PRESENCE:
        return this.routeFromClient(conn, message, channels.presence(conn.docId));
      case MessageType.SYNC_STEP1:
        return this.routeFromClient(conn, message, channels.doc(conn.docId));
      case MessageType.SNAPSHOT_REQUEST:
        this.counters.snapshotRequests++;
        this.emit({ type: "snapshot-request", docId: conn.docId });
        return this.snapshots.requestFromClient(conn, conn.senderId, conn.docId, message.payload as { requestId: string; stateVector?: string });
      case MessageType.SNAPSHOT_RESPONSE:
        conn.hasState = true;
        return this.snapshots.responseFromClient(conn, conn.senderId, message.payload as unknown as SnapshotResponsePayload);
    }
  }

  /** Token buckets; sustained abuse closes the socket (PROTOCOL.md section 5). */
  private admit(conn: ClientConnection, bytes: number): boolean {
    if (!conn.limiter) return true;
    const verdict = conn.limiter.admit(bytes, this.clock.now());
    if (verdict.ok) return true;
    this.counters.rateLimited++;
    this.emit({ type: "rate-limited", senderId: conn.senderId });
    if (conn.limiter.consecutiveViolations >= this.config.rateLimitCloseAfterViolations) {
      safeClose(conn.ws, CloseCode.POLICY, "rate limit exceeded repeatedly");
      this.detach(conn, "rate-limited");
      return false;
    }
    this.sendError(conn, ErrorCode.RATE_LIMITED, "rate limit exceeded", verdict.retryAfterMs);
    return false;
  }

  private routeFromClient(conn: ClientConnection, message: ClientMessage, channel: string): void {
    if (message.messageId !== undefined && this.isDuplicate(conn.senderId, message.messageId)) return;
    const routed = this.routed(message.type, conn.docId, conn.senderId, message.payload, message.messageId);
    this.counters.messagesRouted++;
    const frame = JSON.stringify(envelopeOf(routed));
    const to = message.type === MessageType.SYNC_STEP1 ? message.payload.to : undefined;
    if (typeof to === "string" && this.sendToClientId(conn.docId, to, frame)) return; // a local peer: Redis not needed
    if (typeof to !== "string") this.fanOutLocal(conn.docId, frame, conn);
    this.publishRouted(channel, routed, { queue: true, batch: true });
  }

  /** Sends to one attached client of the doc by id; false when it is not here. */
  private sendToClientId(docId: string, senderId: string, frame: string): boolean {
    for (const conn of this.docs.get(docId) ?? []) {
      if (conn.senderId === senderId) {
        this.sendFrame(conn, frame);
        return true;
      }
    }
    return false;
  }

  private isDuplicate(senderId: string, messageId: string): boolean {
    if (!this.dedup.isDuplicate(`${senderId}|${messageId}`, this.clock.now())) return false;
    this.counters.duplicatesDropped++;
    this.emit({ type: "duplicate-dropped" });
    return true;
  }

  // ---- sending ----

  /** Back-pressure and crash safety live here: a slow or broken socket is treated as gone. */
  private sendFrame(conn: ClientConnection, frame: string): void {
    if (conn.gone) return;
    const { ws } = conn;
    if (ws.readyState !== undefined && ws.readyState !== OPEN) return;
    if (ws.bufferedAmount > this.config.maxBufferedBytes) {
      this.counters.slowConsumers++;
      this.emit({ type: "slow-consumer", senderId: conn.senderId });
      safeClose(ws, CloseCode.SLOW_CONSUMER, "slow consumer");
      this.detach(conn, "slow-consumer");
      return;
    }
    try {
      ws.send(frame);
    } catch {
      this.detach(conn, "send-failed");
    }
  }

  private sendError(conn: ClientConnection, code: ErrorCode, message: string, retryAfterMs?: number): void {
    const payload = retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs };
    this.sendFrame(conn, this.serverFrame(MessageType.ERROR, conn.docId, payload));
  }

  private serverFrame(type: string, docId: string, payload: object, senderId = SERVER_SENDER): string {
    return JSON.stringify({ type, docId, senderId, messageId: this.newMessageId(), ts: this.clock.now(), payload });
  }

  private routed(type: string, docId: string, senderId: string, payload: Record<string, unknown>, messageId?: string): RoutedMessage {
    return {
      v: PROTOCOL_VERSION,
      type,
      docId,
      senderId,
      messageId: messageId ?? this.newMessageId(),
      sourceServerId: this.serverId,
      ts: this.clock.now(),
      payload,
    };
  }

  private publishRouted(channel: string, message: RoutedMessage, how: { queue: boolean; batch: boolean }): void {
    if (how.batch && this.batcher) return this.batcher.add(channel, message);
    this.bus.publish(channel, encodeRouted(message, this.config.clusterSecret), { queueWhenDown: how.queue });
  }

  /** One BATCH publish while Redis is up; single publishes while down so the queue counts messages. */
  private publishBatch(channel: string, docId: string, messages: RoutedMessage[]): void {
    if (messages.length === 1 || !this.bus.isConnected(channel)) {
      for (const message of messages) this.publishRouted(channel, message, { queue: true, batch: false });
      return;
    }
    const batch = this.routed(RoutedType.BATCH, docId, SERVER_SENDER, { messages });
    this.publishRouted(channel, batch, { queue: true, batch: false });
  }

  private newMessageId(): string {
    return this.idPrefix + (++this.idCounter).toString(36);
  }

  private emit(event: RelayEvent): void {
    try {
      this.onEvent(event);
    } catch (error) {
      this.logger.error({ event: "on-event-failed", error: String(error) }, "onEvent handler threw");
    }
  }

  private snapshotHost() {
    return {
      serverId: this.serverId,
      clock: this.clock,
      timeoutMs: this.config.snapshotTimeoutMs,
      newRequestId: () => this.newMessageId(),
      pickLocalSource: (docId: string, exclude: ClientConnection | null, tried: ReadonlySet<ClientConnection>) => {
        for (const conn of this.docs.get(docId) ?? []) {
          if (conn !== exclude && conn.hasState && !conn.gone && !tried.has(conn)) return conn;
        }
        return null;
      },
      askSource: (source: ClientConnection, requestId: string, stateVector: string | undefined, forSenderId: string) => {
        const payload = stateVector === undefined ? { requestId } : { requestId, stateVector };
        this.sendFrame(source, this.serverFrame(MessageType.SNAPSHOT_REQUEST, source.docId, payload, forSenderId));
      },
      answerRequester: (requester: ClientConnection, payload: SnapshotResponsePayload) => this.deliverSnapshotResponse(requester, payload),
      busConnected: (docId: string) => this.bus.isConnected(channels.doc(docId)),
      otherServersOnDoc: (docId: string) => this.bus.numsub(channels.doc(docId)),
      publishRequest: (docId: string, payload: Record<string, unknown>, forSenderId: string) =>
        this.publishRouted(channels.doc(docId), this.routed(MessageType.SNAPSHOT_REQUEST, docId, forSenderId, payload), { queue: false, batch: false }),
      publishResponse: (replyTo: string, docId: string, payload: Record<string, unknown>) =>
        this.publishRouted(channels.server(replyTo), this.routed(MessageType.SNAPSHOT_RESPONSE, docId, SERVER_SENDER, payload), { queue: false, batch: false }),
      onFallback: (docId: string) => {
        this.counters.snapshotFallbacks++;
        this.emit({ type: "snapshot-fallback", docId });
      },
    };
  }
}

/** The client-facing envelope of a routed message (routing fields stripped). */
function envelopeOf(message: RoutedMessage): object {
  const { type, docId, senderId, messageId, ts, payload } = message;
  return { type, docId, senderId, messageId, ts, payload };
}

/** A LEAVE payload; `reason` is left out when there is none (a plain disconnect). */
function leavePayload(senderId: string, reason: string | undefined): Record<string, unknown> {
  return reason === undefined ? { senderId } : { senderId, reason };
}

function safeClose(ws: RelaySocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // already closed: nothing to do
  }
}
