/**
 * Publishing to the other relays: building routed messages, signing them (encodeRouted), batching
 * per channel, and the presence publishes (LEAVE, rosters). Local fan-out never waits on this.
 */
import { encodeRouted, RoutedType } from "../bus/routed.ts";
import { channels, MessageType, PROTOCOL_VERSION, type RoutedMessage } from "../protocol/messages.ts";
import type { ClientConnection } from "./client-connection.ts";
import { leavePayload, SERVER_SENDER } from "./outbound.ts";
import { containedClock } from "./contained-clock.ts";
import { PublishBatcher } from "./publish-batcher.ts";
import type { RelayContext } from "./relay-context.ts";

export interface PublishHow {
  /** Queue while Redis is down (history), or drop (state that goes stale). */
  queue: boolean;
  /** May wait in the channel's batch window. */
  batch: boolean;
}

export class Publisher {
  private readonly batcher: PublishBatcher | null;

  constructor(private readonly ctx: RelayContext) {
    this.batcher = ctx.config.enableBatching
      ? new PublishBatcher(ctx.config, this.flushClock(), (channel, docId, messages) => this.publishBatch(channel, docId, messages))
      : null;
  }

  routed(type: string, docId: string, senderId: string, payload: Record<string, unknown>, messageId?: string): RoutedMessage {
    return {
      v: PROTOCOL_VERSION,
      type,
      docId,
      senderId,
      messageId: messageId ?? this.ctx.newMessageId(),
      sourceServerId: this.ctx.serverId,
      ts: this.ctx.clock.now(),
      payload,
    };
  }

  publishRouted(channel: string, message: RoutedMessage, how: PublishHow): void {
    if (how.batch && this.batcher) return this.batcher.add(channel, message);
    const secret = this.ctx.config.clusterSecret;
    // Signed history that waits out an outage goes out stamped when it is sent (PublishOptions.restamp);
    // only a publish the bus will queue needs one (a re-queued failed send keeps its stamp).
    const queued = secret && how.queue && !this.ctx.bus.isConnected(channel);
    const restamp = queued ? () => encodeRouted({ ...message, ts: this.ctx.clock.now() }, secret, channel) : undefined;
    this.ctx.bus.publish(channel, encodeRouted(message, secret, channel), { queueWhenDown: how.queue, restamp });
  }

  publishLeave(conn: ClientConnection, reason: string | undefined): void {
    const payload = leavePayload(conn.senderId, reason);
    this.publishRouted(channels.presence(conn.docId), this.routed(MessageType.LEAVE, conn.docId, conn.senderId, payload), {
      queue: true,
      batch: false,
    });
  }

  publishRoster(docId: string, askForReplies: boolean): void {
    const clients = [...(this.ctx.docs.get(docId) ?? [])].map((c) => c.senderId);
    const payload = askForReplies ? { clients, reply: true } : { clients };
    // Rosters are state, not history: a stale one is worthless, so they are never queued.
    this.publishRouted(channels.presence(docId), this.routed(RoutedType.ROSTER, docId, SERVER_SENDER, payload), { queue: false, batch: false });
  }

  /** Batch flushes run from timers: an exception there would end the process (PROTOCOL.md section 8). */
  private flushClock() {
    return containedClock(this.ctx.clock, (where, fn) => this.ctx.contain(where, "client", fn), "batch-flush");
  }

  flushAll(): void {
    this.batcher?.flushAll();
  }

  /** One BATCH publish while Redis is up; single publishes while down so the queue counts messages. */
  private publishBatch(channel: string, docId: string, messages: RoutedMessage[]): void {
    if (messages.length === 1 || !this.ctx.bus.isConnected(channel)) {
      for (const message of messages) this.publishRouted(channel, message, { queue: true, batch: false });
      return;
    }
    const batch = this.routed(RoutedType.BATCH, docId, SERVER_SENDER, { messages });
    this.publishRouted(channel, batch, { queue: true, batch: false });
  }
}
