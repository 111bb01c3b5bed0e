/**
 * Everything the relay sends to its own clients goes through here. Back-pressure and crash safety
 * live in sendFrame: a slow or broken socket is treated as gone (closed 4008, then detached).
 */
import type { RelaySocket } from "../ports.ts";
import { CloseCode, ErrorCode, MessageType, type RoutedMessage } from "../protocol/messages.ts";
import { BufferBudget } from "./buffer-budget.ts";
import type { ClientConnection } from "./client-connection.ts";
import type { RelayContext } from "./relay-context.ts";

/** The senderId of frames the relay itself originates (WELCOME, ERROR, RESYNC, rosters...). */
export const SERVER_SENDER = "server";
const OPEN = 1;

export class Outbound {
  private readonly budget: BufferBudget;

  constructor(
    private readonly ctx: RelayContext,
    /** Called when a socket must be given up (slow consumer, send failure). */
    private readonly drop: (conn: ClientConnection, reason: string) => void,
  ) {
    this.budget = new BufferBudget(ctx.config.maxBufferedBytesTotal);
  }

  /** A connection is gone: its buffer no longer counts. */
  forget(conn: ClientConnection): void {
    this.budget.forget(conn);
  }

  sendFrame(conn: ClientConnection, frame: string): void {
    if (conn.gone) return;
    const { ws } = conn;
    if (ws.readyState !== undefined && ws.readyState !== OPEN) return;
    if (ws.bufferedAmount > this.ctx.config.maxBufferedBytes) return this.closeSlow(conn);
    try {
      ws.send(frame);
    } catch {
      this.drop(conn, "send-failed");
      return;
    }
    for (const victim of this.budget.observe(conn, ws.bufferedAmount ?? 0)) {
      this.ctx.reject("slow-consumer-total", "client");
      this.closeSlow(victim);
    }
  }

  private closeSlow(conn: ClientConnection): void {
    this.ctx.counters.slowConsumers++;
    this.ctx.emit({ type: "slow-consumer", senderId: conn.senderId });
    safeClose(conn.ws, CloseCode.SLOW_CONSUMER, "slow consumer");
    this.drop(conn, "slow-consumer");
  }

  sendError(conn: ClientConnection, code: ErrorCode, message: string, retryAfterMs?: number): void {
    const payload = retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs };
    this.sendFrame(conn, this.serverFrame(MessageType.ERROR, conn.docId, payload));
  }

  /** Sends to one attached client of the doc by id; false when it is not here. */
  sendToClientId(docId: string, senderId: string, frame: string): boolean {
    for (const conn of this.ctx.docs.get(docId) ?? []) {
      if (conn.senderId === senderId) {
        this.sendFrame(conn, frame);
        return true;
      }
    }
    return false;
  }

  serverFrame(type: string, docId: string, payload: object, senderId = SERVER_SENDER): string {
    return JSON.stringify({ type, docId, senderId, messageId: this.ctx.newMessageId(), ts: this.ctx.clock.now(), payload });
  }
}

/** The client-facing envelope of a routed message (routing fields stripped). */
export function envelopeOf(message: RoutedMessage): object {
  const { type, docId, senderId, messageId, ts, payload } = message;
  return { type, docId, senderId, messageId, ts, payload };
}

/** A LEAVE payload; `reason` is left out when there is none (a plain disconnect). */
export function leavePayload(senderId: string, reason: string | undefined): Record<string, unknown> {
  return reason === undefined ? { senderId } : { senderId, reason };
}

export function safeClose(ws: RelaySocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // already closed: nothing to do
  }
}
