/**
 * The y-websocket dialect (PROTOCOL.md section 9): hosts YWebsocketSessions over a relay core and
 * runs the one sweep that keeps their clients' idle watchdogs and awareness views alive. A host
 * (relay/server for real sockets, the simulator for virtual ones) calls `accept` for every
 * upgrade on `/<docId>` and feeds the socket's frames and close to the session it gets back.
 */
import { DEFAULT_Y_WEBSOCKET_CONFIG, type YWebsocketConfig } from "../../config.ts";
import type { Clock, Random, TimerHandle } from "../../ports.ts";
import type { Role } from "../../protocol/messages.ts";
import { DocAwareness } from "./awareness-bridge.ts";
import { YWebsocketSession, type BinarySocket, type DialectRelay, type YWebsocketEvent } from "./session.ts";

interface DocSessions {
  awareness: DocAwareness;
  sessions: Set<YWebsocketSession>;
}

export interface YWebsocketDialectOptions {
  relay: DialectRelay;
  clock: Clock;
  random: Random;
  config?: Partial<YWebsocketConfig>;
  onEvent?: (event: YWebsocketEvent) => void;
}

export interface YWebsocketStats {
  connections: number;
  /** Binary messages dropped because they were not y-websocket messages (PROTOCOL.md section 8). */
  inputRejected: number;
  /** ERRORs the core answered a translated message with (rate limit, size, ...). */
  coreErrors: number;
}

export class YWebsocketDialect {
  private readonly sessions = new Set<YWebsocketSession>();
  private readonly docs = new Map<string, DocSessions>();
  private readonly config: YWebsocketConfig;
  private readonly counters = { inputRejected: 0, coreErrors: 0 };
  private sweepTimer: TimerHandle | undefined;

  constructor(private readonly options: YWebsocketDialectOptions) {
    this.config = { ...DEFAULT_Y_WEBSOCKET_CONFIG, ...options.config };
  }

  /** Starts a session for an accepted socket; feed it `receive(data)` and `closed()`. */
  accept(socket: BinarySocket, docId: string, senderId: string, role: Role): YWebsocketSession {
    let doc = this.docs.get(docId);
    if (!doc) this.docs.set(docId, (doc = { awareness: new DocAwareness(), sessions: new Set() }));
    const session = new YWebsocketSession(socket, this.sessionContext(), doc.awareness, docId, senderId, role);
    this.sessions.add(session);
    doc.sessions.add(session);
    this.sweepTimer ??= this.options.clock.setInterval(() => this.sweep(), this.config.sweepIntervalMs);
    return session;
  }

  /** The session's socket ended. */
  release(session: YWebsocketSession): void {
    session.closed();
    this.sessions.delete(session);
    const doc = this.docs.get(session.docId);
    if (doc?.sessions.delete(session) && doc.sessions.size === 0) this.docs.delete(session.docId);
    if (this.sessions.size === 0) this.stopSweep();
  }

  stats(): YWebsocketStats {
    return { connections: this.sessions.size, ...this.counters };
  }

  /** Stops the sweep (the host is shutting down; the relay closes the sockets). */
  close(): void {
    this.stopSweep();
  }

  private sweep(): void {
    const nowMs = this.options.clock.now();
    for (const doc of this.docs.values()) {
      const renewals = doc.awareness.renewals(nowMs, this.config.awarenessRenewMs);
      if (renewals) for (const session of doc.sessions) session.sendAwareness(renewals);
    }
    for (const session of this.sessions) {
      try {
        session.sweep(nowMs);
      } catch {
        // one broken socket must not stop the others' keepalives
      }
    }
  }

  private stopSweep(): void {
    this.options.clock.clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  private sessionContext() {
    return {
      relay: this.options.relay,
      clock: this.options.clock,
      random: this.options.random,
      config: this.config,
      emit: (event: YWebsocketEvent) => {
        if (event.type === "input-rejected") this.counters.inputRejected++;
        else this.counters.coreErrors++;
        try {
          this.options.onEvent?.(event);
        } catch {
          // an observer's bug is not the client's problem
        }
      },
    };
  }
}
