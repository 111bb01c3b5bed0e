/**
 * Frames from the relay's own clients: rate limits, validation, then routing (local fan-out plus
 * a Redis publish) or the snapshot flow. Every refusal is an ERROR frame to the sender.
 */
import { frameBytes, parseClientFrame, type ClientMessage, type RawFrame } from "../protocol/client-frame.ts";
import { channels, CloseCode, ErrorCode, MessageType, type SnapshotResponsePayload } from "../protocol/messages.ts";
import type { ClientConnection } from "./client-connection.ts";
import { envelopeOf, safeClose, type Outbound } from "./outbound.ts";
import type { Publisher } from "./publisher.ts";
import type { RelayContext } from "./relay-context.ts";
import type { SnapshotBroker } from "./snapshot-broker.ts";

export class ClientInbox {
  constructor(
    private readonly ctx: RelayContext,
    private readonly outbound: Outbound,
    private readonly publisher: Publisher,
    private readonly snapshots: SnapshotBroker<ClientConnection>,
    private readonly detach: (conn: ClientConnection, reason: string) => void,
  ) {}

  processFrame(conn: ClientConnection, data: RawFrame): void {
    const { config } = this.ctx;
    const bytes = frameBytes(data);
    if (bytes <= config.maxFrameBytes && !this.admit(conn, bytes)) return;
    const limits = { maxFrameBytes: config.maxFrameBytes, docId: conn.docId, role: conn.role };
    const result = parseClientFrame(data, limits, bytes);
    if (!result.ok) return this.outbound.sendError(conn, result.code, result.message);
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
    if (conn.limiter.consecutiveViolations >= ctx.config.rateLimitCloseAfterViolations) {
      safeClose(conn.ws, CloseCode.POLICY, "rate limit exceeded repeatedly");
      this.detach(conn, "rate-limited");
      return false;
    }
    this.outbound.sendError(conn, ErrorCode.RATE_LIMITED, "rate limit exceeded", verdict.retryAfterMs);
    return false;
  }

  private routeFromClient(conn: ClientConnection, message: ClientMessage, channel: string): void {
    const { ctx, outbound, publisher } = this;
    if (message.messageId !== undefined && ctx.isDuplicate(conn.senderId, message.messageId)) return;
    const routed = publisher.routed(message.type, conn.docId, conn.senderId, message.payload, message.messageId);
    ctx.counters.messagesRouted++;
    const frame = JSON.stringify(envelopeOf(routed));
    const to = message.type === MessageType.SYNC_STEP1 ? message.payload.to : undefined;
    if (typeof to === "string" && outbound.sendToClientId(conn.docId, to, frame)) return; // a local peer: Redis not needed
    if (typeof to !== "string") ctx.seams.fanOutLocal(conn.docId, frame, conn);
    publisher.publishRouted(channel, routed, { queue: true, batch: true });
  }
}
