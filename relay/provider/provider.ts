/**
 * LfccProvider: binds a Y.Doc to an LFCC relay, in the spirit of y-websocket's WebsocketProvider.
 *
 * The same class runs in browsers, in Node (real `ws`), and inside the simulator (virtual socket,
 * clock and random), so it touches time, randomness and sockets only through the ports.
 *
 * This file owns the connection (open, reconnect with backoff, rate-limit pauses) and presence;
 * the sync protocol itself is DocSync (doc-sync.ts).
 * Local edits made while offline simply stay in the doc: the next exchange pushes them.
 */
import * as Y from "yjs";
import { ObservableV2 } from "lib0/observable";
import type { ClientSocket, ClientSocketFactory, Clock, Logger, Random, TimerHandle } from "../ports.ts";
import {
  ErrorCode,
  MessageType,
  type Envelope,
  type ErrorPayload,
  type WelcomePayload,
} from "../protocol/messages.ts";
import { browserSafeClock, browserSafeRandom, loadDefaultSocketFactory, silentLogger } from "../adapters/client-defaults.ts";
import { backoffDelayMs, type BackoffPolicy } from "./backoff.ts";
import { DocSync } from "./doc-sync.ts";
import { encodeFrame, parseFrame, stringField } from "./frames.ts";
import { DEFAULT_MAX_PENDING_BYTES } from "./pending-cap.ts";

export type ProviderStatus = "connecting" | "connected" | "disconnected";

export interface LfccProviderOptions {
  /** Relay URL, or a function called on every (re)connect: a client-side load balancer. */
  url: string | (() => string);
  docId: string;
  doc: Y.Doc;
  /** JWT sent as the `token` query argument (a function lets the caller refresh it). */
  token?: string | (() => string | undefined);
  /** Default: the global WebSocket, else `ws` (loaded lazily). */
  socketFactory?: ClientSocketFactory;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** First reconnect delay cap; doubles per failed attempt. Default 100 ms. */
  reconnectBaseMs?: number;
  /** Largest reconnect delay. Default 5000 ms. */
  reconnectMaxMs?: number;
  /** Connect at construction. Default true. */
  connect?: boolean;
  /** A RESYNC is answered after a random delay below this, so a server's clients do not stampede. Default 500 ms. */
  resyncMaxDelayMs?: number;
  /** Re-send SNAPSHOT_REQUEST when no response came this long (it may have been lost). Default 15 000 ms. */
  snapshotRetryMs?: number;
  /**
   * Pending Yjs state (updates whose dependencies have not arrived) kept at most; over it, it is
   * dropped and a resync asks peers again (PROTOCOL.md section 8). Yjs retries pending state on
   * every remote update, so a hostile 710 KB update once made each keystroke cost 78 ms.
   * Default 64 KiB.
   */
  maxPendingBytes?: number;
}

export interface ProviderEvents {
  status: (status: ProviderStatus) => void;
  welcome: (welcome: WelcomePayload) => void;
  /** The snapshot exchange after a (re)connect finished. */
  synced: () => void;
  join: (senderId: string) => void;
  leave: (senderId: string, reason: string | undefined) => void;
  /** A peer's presence changed; `state` is null when it went away. */
  presence: (senderId: string, state: unknown) => void;
  /** An ERROR frame from the server. */
  error: (error: ErrorPayload) => void;
  /** Every parsed frame, before it is handled (observers, the simulator, debugging). */
  message: (frame: Envelope) => void;
}

export class LfccProvider extends ObservableV2<ProviderEvents> {
  readonly doc: Y.Doc;
  readonly docId: string;
  status: ProviderStatus = "disconnected";
  /** The id the server assigned in the last WELCOME (what peers see in JOIN/LEAVE). */
  senderId: string | null = null;
  serverId: string | null = null;
  /** Other clients of the doc, as far as the current server told us. */
  readonly peers = new Set<string>();
  /** Last presence state of each peer. */
  readonly presence = new Map<string, unknown>();
  /** True once the snapshot exchange of the current connection finished. */
  synced = false;

  private readonly options: LfccProviderOptions;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly backoff: BackoffPolicy;
  private socketFactory: ClientSocketFactory | null;
  private socket: ClientSocket | null = null;
  private shouldConnect = false;
  private failedAttempts = 0;
  private reconnectTimer: TimerHandle | undefined;
  /** WELCOME received on the current socket: only then may we send (the server is ready for us). */
  private welcomed = false;
  private opening = false;
  private localPresence: { state: unknown } | null = null;
  /** Set while the server rate-limits us: local updates wait here, merged, until it lifts. */
  private pause: { timer: TimerHandle | undefined; heldUpdates: Uint8Array[]; presenceHeld: boolean } | null = null;
  private readonly sync: DocSync;

  constructor(options: LfccProviderOptions) {
    super();
    this.options = options;
    this.doc = options.doc;
    this.docId = options.docId;
    this.clock = options.clock ?? browserSafeClock;
    this.random = options.random ?? browserSafeRandom;
    this.logger = options.logger ?? silentLogger;
    this.backoff = { baseMs: options.reconnectBaseMs ?? 100, maxMs: options.reconnectMaxMs ?? 5000 };
    this.socketFactory = options.socketFactory ?? null;
    this.sync = new DocSync({
      doc: this.doc,
      clock: this.clock,
      random: this.random,
      logger: this.logger,
      origin: this,
      resyncMaxDelayMs: options.resyncMaxDelayMs ?? 500,
      snapshotRetryMs: options.snapshotRetryMs ?? 15_000,
      maxPendingBytes: options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES,
      selfId: () => this.senderId,
      send: (type, payload) => this.send(type, payload),
      onSynced: () => {
        this.synced = true;
        this.emit("synced", []);
      },
    });
    this.doc.on("update", this.onDocUpdate);
    if (options.connect !== false) this.connect();
  }

  /** Opens the connection (and keeps reconnecting after any close until disconnect()). */
  connect(): void {
    this.shouldConnect = true;
    if (this.socket || this.reconnectTimer !== undefined || this.opening) return;
    void this.open();
  }

  /** Closes the connection and stops reconnecting. The doc keeps every edit. */
  disconnect(): void {
    this.shouldConnect = false;
    this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const socket = this.socket;
    this.endSession();
    if (socket) {
      detach(socket);
      socket.close(1000, "client disconnect");
    }
    this.setStatus("disconnected");
  }

  override destroy(): void {
    this.disconnect();
    this.doc.off("update", this.onDocUpdate);
    this.sync.destroy();
    super.destroy();
  }

  /** Publishes this client's presence (cursor, name...) to every peer, now and after reconnects. */
  setPresence(state: unknown): void {
    this.localPresence = { state };
    if (this.pause) this.pause.presenceHeld = true;
    else this.sendPresence();
  }

  private async open(): Promise<void> {
    this.setStatus("connecting");
    this.opening = true;
    const factory = this.socketFactory ?? (this.socketFactory = await loadDefaultSocketFactory());
    this.opening = false;
    if (!this.shouldConnect || this.socket) return;
    let socket: ClientSocket;
    try {
      socket = factory(this.buildUrl());
    } catch (error) {
      this.logger.warn({ err: String(error) }, "provider socket open failed");
      this.afterClose();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.socket === socket && this.setStatus("connected");
    socket.onmessage = (event) => this.socket === socket && this.onFrame(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.logger.info({ code: event.code, reason: event.reason }, "provider socket closed");
      this.socket = null;
      this.afterClose();
    };
    socket.onerror = () => this.logger.debug({}, "provider socket error");
  }

  private buildUrl(): string {
    const base = typeof this.options.url === "function" ? this.options.url() : this.options.url;
    const url = new URL(base);
    url.searchParams.set("docId", this.docId);
    const token = typeof this.options.token === "function" ? this.options.token() : this.options.token;
    if (token) url.searchParams.set("token", token);
    return url.toString();
  }

  private afterClose(): void {
    this.endSession();
    this.setStatus("disconnected");
    if (!this.shouldConnect) return;
    const delayMs = backoffDelayMs(this.backoff, this.failedAttempts++, this.random);
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.shouldConnect) void this.open();
    }, delayMs);
  }

  /** Forgets everything tied to one connection (a new server may know different peers). */
  private endSession(): void {
    this.socket = null;
    this.welcomed = false;
    this.synced = false;
    this.sync.reset();
    if (this.pause) this.clock.clearTimeout(this.pause.timer);
    this.pause = null;
    this.peers.clear();
    const gone = [...this.presence.keys()];
    this.presence.clear();
    for (const senderId of gone) this.emit("presence", [senderId, null]);
  }

  private setStatus(status: ProviderStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit("status", [status]);
  }

  private onFrame(data: unknown): void {
    const frame = parseFrame(data);
    if (!frame) {
      this.logger.warn({}, "provider ignored a frame that is not an envelope");
      return;
    }
    this.emit("message", [frame]);
    try {
      this.handleFrame(frame);
    } catch (error) {
      this.logger.warn({ type: frame.type, err: String(error) }, "provider could not handle a frame");
    }
  }

  private handleFrame(frame: Envelope): void {
    const payload = frame.payload;
    switch (frame.type) {
      case MessageType.WELCOME:
        return this.onWelcome(payload as unknown as WelcomePayload);
      case MessageType.JOIN:
        return this.onJoin(stringField(payload, "senderId") ?? frame.senderId);
      case MessageType.LEAVE:
        return this.onLeave(stringField(payload, "senderId") ?? frame.senderId, stringField(payload, "reason"));
      case MessageType.PRESENCE:
        return this.onPresence(frame.senderId, payload.state);
      case MessageType.CRDT_UPDATE:
        return this.sync.applyRemote(stringField(payload, "update"));
      case MessageType.SNAPSHOT_REQUEST:
        return this.sync.answerSnapshotRequest(payload);
      case MessageType.SNAPSHOT_RESPONSE:
        return this.sync.onSnapshotResponse(payload);
      case MessageType.SYNC_STEP1:
        return this.sync.onSyncStep1(frame.senderId, payload);
      case MessageType.RESYNC:
        return this.sync.scheduleResync();
      case MessageType.ERROR:
        return this.onError(payload as unknown as ErrorPayload);
    }
  }

  private onWelcome(welcome: WelcomePayload): void {
    this.senderId = welcome.senderId;
    this.serverId = welcome.serverId;
    this.welcomed = true;
    this.failedAttempts = 0;
    this.peers.clear();
    for (const peer of Array.isArray(welcome.peers) ? welcome.peers : []) {
      if (peer !== welcome.senderId) this.peers.add(peer);
    }
    this.emit("welcome", [welcome]);
    this.sync.requestSnapshot();
    if (this.localPresence) this.sendPresence();
  }

  private onJoin(senderId: string): void {
    if (senderId === this.senderId) return;
    this.peers.add(senderId);
    this.emit("join", [senderId]);
    // A newcomer has not seen our presence yet.
    if (this.localPresence && !this.pause) this.sendPresence();
  }

  private onLeave(senderId: string, reason: string | undefined): void {
    this.peers.delete(senderId);
    if (this.presence.delete(senderId)) this.emit("presence", [senderId, null]);
    this.emit("leave", [senderId, reason]);
  }

  private onPresence(senderId: string, state: unknown): void {
    if (!senderId || senderId === this.senderId) return;
    this.peers.add(senderId);
    this.presence.set(senderId, state);
    this.emit("presence", [senderId, state]);
  }

  private onError(error: ErrorPayload): void {
    this.logger.warn({ code: error.code, message: error.message }, "relay error");
    if (error.code === ErrorCode.RATE_LIMITED) this.pauseSending(error.retryAfterMs ?? 1000);
    this.emit("error", [error]);
  }

  /**
   * Rate-limited: hold local updates until the server's retryAfterMs has passed. The frame the
   * server refused is not identified, so on resume we also ask peers for a state-vector exchange,
   * which brings back whatever the refused frame carried.
   */
  private pauseSending(retryAfterMs: number): void {
    const held = this.pause ?? { heldUpdates: [], presenceHeld: false, timer: undefined };
    this.clock.clearTimeout(held.timer);
    held.timer = this.clock.setTimeout(() => this.resumeSending(), Math.max(retryAfterMs, 1));
    this.pause = held;
  }

  private resumeSending(): void {
    const held = this.pause;
    this.pause = null;
    if (!held) return;
    if (held.heldUpdates.length > 0) this.sync.sendUpdate(Y.mergeUpdates(held.heldUpdates));
    if (held.presenceHeld) this.sendPresence();
    this.sync.broadcastSyncStep1();
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    if (this.pause) this.pause.heldUpdates.push(update);
    else this.sync.sendUpdate(update);
  };

  private sendPresence(): void {
    if (this.localPresence) this.send(MessageType.PRESENCE, { state: this.localPresence.state });
  }

  /** Sends on the open socket of a welcomed session; otherwise drops (the next sync recovers). */
  private send(type: string, payload: object): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== 1 || !this.welcomed) return;
    try {
      socket.send(encodeFrame({ type, docId: this.docId, payload }));
    } catch (error) {
      this.logger.warn({ type, err: String(error) }, "provider send failed");
    }
  }
}

function detach(socket: ClientSocket): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  socket.onerror = null;
}
