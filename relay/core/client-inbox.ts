/**
 * Frames from the relay's own clients: rate limits, validation, then routing (local fan-out plus
 * a Redis publish) or the snapshot flow. Every refusal is an ERROR frame to the sender and is
 * counted by reason (PROTOCOL.md section 8).
 */
import { frameBytes, parseClientFrame, type ClientMessage, type RawFrame } from "../protocol/client-frame.ts";
import { channels, CloseCode, ErrorCode, MessageType, type SnapshotResponsePayload } from "../protocol/messages.ts";
import { creditSyncStep1, takeOwedAnswer } from "./answer-credits.ts";
import type { ClientConnection } from "./client-connection.ts";
import { envelopeOf, safeClose, type Outbound } from "./outbound.ts";
import type { Publisher } from "./publisher.ts";
import type { RelayContext } from "./relay-context.ts";
import type { SnapshotBroker } from "./snapshot-broker.ts";

/** Types that may be addressed to one client with `payload.to` (answers; PROTOCOL.md section 8). */
const ADDRESSABLE: ReadonlySet<string> = new Set([MessageType.SYNC_STEP1, MessageType.CRDT_UPDATE]);

export class ClientInbox {
  constructor(
    private readonly ctx: RelayContext,
    private readonly outbound: Outbound,
    private readonly publisher: Publisher,
    private readonly snapshots: SnapshotBroker<ClientConnection>,
    private readonly detach: (conn: ClientConnection, reason: string) => void,
    /** The opt-in snapshot cache, told of every edit (relay/core/cache-flow.ts); null when off. */
    private readonly snapshotCache: { noteEdit(docId: string): void } | null = null,
  ) {}

  processFrame(conn: ClientConnection, data: RawFrame): void {
    const { config } = this.ctx;
    const bytes = frameBytes(data);
    // Oversized frames are charged too (before anything else), so a flood of them ends in
    // RATE_LIMITED and then a close, like any other flood (PROTOCOL.md section 8).
    if (!this.admit(conn, bytes)) return;
    const limits = { maxFrameBytes: config.maxFrameBytes, docId: conn.docId, role: conn.role, checkCrdt: config.validateCrdtPayloads };
    const result = parseClientFrame(data, limits, bytes);
    if (!result.ok) {
      this.ctx.reject(result.reason, "client");
      return this.outbound.sendError(conn, result.code, result.message);
    }
    const message = result.message;
    if (this.isOwedAnswer(conn, message)) conn.limiter?.refund(bytes);
    else if (isStateRequest(message) && !this.admitStateRequest(conn)) return;
    switch (message.type) {
      case MessageType.CRDT_UPDATE:
        conn.hasState = true;
        this.snapshotCache?.noteEdit(conn.docId);
        return this.routeFromClient(conn, message, channels.doc(conn.docId));
      case MessageType.PRESENCE:
        return this.routeFromClient(conn, message, channels.presence(conn.docId));
      case MessageType.SYNC_STEP1:
        return this.routeFromClient(conn, message, channels.doc(conn.docId));
      case MessageType.SNAPSHOT_REQUEST:
        this.ctx.counters.snapshotRequests++;
        this.ctx.emit({ type: "snapshot-request", docId: conn.docId });
        return this.snapshots.requestFromClient(conn, conn.senderId, conn.docId, message.payload as { requestId: string; stateVector?: string });
      case MessageType.SNAPSHOT_RESPONSE:
        conn.hasState = true;
        return this.snapshots.responseFromClient(conn, conn.senderId, message.payload as unknown as SnapshotResponsePayload);
    }
  }

  /** Token buckets; sustained abuse closes the socket (PROTOCOL.md section 5). */
  private admit(conn: ClientConnection, bytes: number): boolean {
    const { ctx } = this;
    if (!conn.limiter) return true;
    const verdict = conn.limiter.admit(bytes, ctx.clock.now());
    if (verdict.ok) return true;
    ctx.counters.rateLimited++;
    ctx.emit({ type: "rate-limited", senderId: conn.senderId });
    ctx.reject("rate-limited", "client");
    if (conn.limiter.consecutiveViolations >= ctx.config.rateLimitCloseAfterViolations) {
      safeClose(conn.ws, CloseCode.POLICY, "rate limit exceeded repeatedly");
      this.detach(conn, "rate-limited");
      return false;
    }
    this.outbound.sendError(conn, ErrorCode.RATE_LIMITED, "rate limit exceeded", verdict.retryAfterMs);
    return false;
  }

  /** SNAPSHOT_REQUEST / SYNC_STEP1 spend the connection's state-request budget. */
  private admitStateRequest(conn: ClientConnection): boolean {
    if (!conn.stateRequests) return true;
    const verdict = conn.stateRequests.take(1, this.ctx.clock.now());
    if (verdict.ok) return true;
    this.ctx.counters.rateLimited++;
    this.ctx.reject("state-request-budget", "client");
    this.outbound.sendError(conn, ErrorCode.RATE_LIMITED, "state request budget exceeded", Math.max(1, verdict.retryAfterMs));
    return false;
  }

  /** An answer the relay asked for (snapshot) or a peer asked for (SYNC_STEP1): not the sender's own traffic. */
  private isOwedAnswer(conn: ClientConnection, message: ClientMessage): boolean {
    if (message.type === MessageType.SNAPSHOT_RESPONSE) return this.snapshots.awaitsAnswerFrom(conn, message.payload.requestId);
    const to = addressee(message);
    return to !== undefined && takeOwedAnswer(conn, to);
  }

  private routeFromClient(conn: ClientConnection, message: ClientMessage, channel: string): void {
    const { ctx, outbound, publisher } = this;
    if (message.messageId !== undefined && ctx.isDuplicate(conn.senderId, message.messageId)) return;
    const routed = publisher.routed(message.type, conn.docId, conn.senderId, message.payload, message.messageId);
    ctx.counters.messagesRouted++;
    const frame = JSON.stringify(envelopeOf(routed));
    const to = addressee(message);
    if (message.type === MessageType.SYNC_STEP1) creditSyncStep1(ctx.docs.get(conn.docId) ?? [], conn.senderId, to, conn);
    if (to !== undefined && outbound.sendToClientId(conn.docId, to, frame)) return; // a local peer: Redis not needed
    // An addressed answer whose client is not here goes to the other servers only, never to our clients.
    if (to === undefined) ctx.seams.fanOutLocal(conn.docId, frame, conn);
    publisher.publishRouted(channel, routed, { queue: true, batch: true });
  }
}

/** `payload.to` of an addressable message, else undefined. */
export function addressee(message: { type: string; payload: Record<string, unknown> }): string | undefined {
  if (!ADDRESSABLE.has(message.type)) return undefined;
  const to = message.payload.to;
  return typeof to === "string" ? to : undefined;
}

function isStateRequest(message: ClientMessage): boolean {
  return message.type === MessageType.SNAPSHOT_REQUEST || message.type === MessageType.SYNC_STEP1;
}
