/**
 * What arrives from the other relays through the bus: routed messages (validated by decodeRouted,
 * de-duplicated, then delivered to local clients or handed to the snapshot flow), rosters, and the
 * bus's own events (queue depth, drops, connect / reconnect).
 */
import type { BusEvent } from "../bus/message-bus.ts";
import { channelMatches, decodeRouted, RoutedType, type RoutedRejection } from "../bus/routed.ts";
import { channels, MessageType, type RoutedMessage } from "../protocol/messages.ts";
import { creditSyncStep1 } from "./answer-credits.ts";
import { addressee } from "./client-inbox.ts";
import type { ClientConnection } from "./client-connection.ts";
import { worthLogging } from "./log-throttle.ts";
import { envelopeOf, type Outbound } from "./outbound.ts";
import type { Publisher } from "./publisher.ts";
import type { RelayContext } from "./relay-context.ts";
import type { PresenceChange } from "./remote-presence.ts";
import type { SnapshotBroker } from "./snapshot-broker.ts";
import type { ServerLiveness } from "./liveness.ts";

export class BusInbox {
  constructor(
    private readonly ctx: RelayContext,
    private readonly outbound: Outbound,
    private readonly publisher: Publisher,
    private readonly snapshots: SnapshotBroker<ClientConnection>,
    private readonly liveness?: ServerLiveness,
  ) {}

  onBusMessage(channel: string, text: string, link = ""): void {
    const { ctx } = this;
    try {
      const decoded = decodeRouted(text, {
        ownServerId: ctx.serverId,
        channel,
        clusterSecret: ctx.config.clusterSecret,
        // With replay floors, freshness is judged in the sender's clock (replay-guard.ts), beats by their seq.
        freshnessMs: ctx.replayGuard ? undefined : ctx.config.signedFreshnessMs,
        nowMs: ctx.clock.now(),
        checkCrdt: ctx.config.validateCrdtPayloads,
      });
      if (!decoded.ok) return this.countRejected(decoded.reason);
      const message = decoded.message;
      if (!channelMatches(channel, message)) return this.countRejected("malformed");
      // Before de-duplication: a cluster delivers one copy of a beat per shard, each meaning "alive here".
      if (message.type === RoutedType.BEAT) return this.liveness?.onBeat(message, link);
      // Signed: a message sent before we subscribed is a replay, whatever our filters forgot.
      if (ctx.replayGuard) return ctx.replayGuard.admit(message, channel, text.length, () => this.deliver(message));
      this.deliver(message);
    } catch (error) {
      ctx.reject("callback-error", "redis");
      const count = ctx.counters.rejected.redis["callback-error"]!;
      if (worthLogging(count)) ctx.logger.error({ event: "bus-message-failed", channel, count, error: String(error) }, "routed message handling failed");
    }
  }

  private deliver(message: RoutedMessage): void {
    if (message.type !== RoutedType.BATCH) return this.handleRouted(message);
    for (const inner of message.payload.messages as RoutedMessage[]) this.handleRouted(inner);
  }

  onBusEvent(event: BusEvent): void {
    const { ctx } = this;
    if (event.type === "queue") {
      ctx.counters.queuedMessages = event.depthMessages;
      ctx.counters.queuedBytes = event.depthBytes;
      ctx.counters.queuedMaxMessages = Math.max(ctx.counters.queuedMaxMessages, event.depthMessages);
      ctx.emit(event);
    } else if (event.type === "dropped") {
      ctx.counters.droppedMessages += event.count;
      ctx.emit(event);
    } else {
      ctx.emit({ type: "bus-status", connected: event.connected });
      if (event.connected) this.onBusConnected(event.resumed, event.scope);
    }
  }

  /** Tells local clients who joined or left on other servers. */
  announcePresence(change: PresenceChange, leaveReason: string): void {
    const { ctx, outbound } = this;
    for (const senderId of change.joined) {
      ctx.seams.fanOutLocal(change.docId, outbound.serverFrame(MessageType.JOIN, change.docId, { senderId }, senderId), null);
    }
    for (const senderId of change.left) {
      ctx.seams.fanOutLocal(change.docId, outbound.serverFrame(MessageType.LEAVE, change.docId, { senderId, reason: leaveReason }, senderId), null);
    }
  }

  private onBusConnected(resumed: boolean, scope: ((channel: string) => boolean) | undefined): void {
    const { ctx } = this;
    // Signed: peers must hear our nonce now, not at the next heartbeat, to prove their clocks.
    if (ctx.replayGuard) this.liveness?.beatSoon();
    // Our roster goes out asking every server for theirs; a roster about to expire gets one
    // heartbeat to answer, so a live server that missed a beat while we were away is not dropped.
    ctx.remotePresence.allowAnswerWithin(ctx.clock.now(), ctx.config.presenceTimeoutMs, ctx.config.heartbeatIntervalMs);
    // A cluster shard that came back concerns only the documents whose channels it carries.
    const docIds = [...ctx.docs.keys()].filter((docId) => !scope || scope(channels.doc(docId)));
    for (const docId of docIds) this.publisher.publishRoster(docId, true);
    if (resumed) ctx.counters.reconnects++;
    // A first connect matters too when clients were already attached (Redis was unreachable at
    // start-up): their edits may have overflowed the queue or been flushed before peers subscribed.
    if (resumed || docIds.length > 0) ctx.seams.resyncAfterReconnect(docIds);
  }

  private countRejected(reason: RoutedRejection): void {
    if (reason === "own") return; // our own publish coming back: expected, not hostile
    if (reason === "forged") {
      this.ctx.counters.forgedDropped++;
      this.ctx.emit({ type: "forged-dropped" });
    } else if (reason === "malformed") {
      this.ctx.counters.malformedDropped++;
    }
    this.ctx.reject(reason, "redis");
  }

  private handleRouted(message: RoutedMessage): void {
    const { ctx } = this;
    if (ctx.isDuplicate(message.senderId, message.messageId)) return;
    const { type, docId, payload } = message;
    if (type === RoutedType.ROSTER) return this.onRoster(message);
    ctx.counters.remoteMessages++;
    ctx.emit({ type: "remote-message", messageType: type, docId });
    if (type === MessageType.JOIN || type === MessageType.LEAVE) return this.onRemoteJoinLeave(message);
    if (type === MessageType.SNAPSHOT_REQUEST) return this.snapshots.requestFromServer(docId, payload, message.senderId);
    if (type === MessageType.SNAPSHOT_RESPONSE) return this.snapshots.responseFromServer(payload);
    if (type === MessageType.PRESENCE) ctx.remotePresence.presenceSeen(docId, message.sourceServerId, message.senderId, ctx.clock.now());
    const frame = JSON.stringify(envelopeOf(message));
    const to = addressee(message);
    if (type === MessageType.SYNC_STEP1) creditSyncStep1(ctx.docs.get(docId) ?? [], message.senderId, to, null);
    // An addressed answer reaches its one client, or nobody: never a broadcast (PROTOCOL.md section 8).
    if (to !== undefined) this.outbound.sendToClientId(docId, to, frame);
    else ctx.seams.fanOutLocal(docId, frame, null);
  }

  private onRemoteJoinLeave(message: RoutedMessage): void {
    const { ctx } = this;
    const { docId, sourceServerId } = message;
    const clientId = message.payload.senderId as string;
    // Only news reaches the clients: a JOIN of a known client or a LEAVE of an unknown one is not.
    const changed =
      message.type === MessageType.JOIN
        ? ctx.remotePresence.join(docId, sourceServerId, clientId, ctx.clock.now())
        : ctx.remotePresence.leave(docId, sourceServerId, clientId);
    if (changed) ctx.seams.fanOutLocal(docId, JSON.stringify(envelopeOf(message)), null);
  }

  private onRoster(message: RoutedMessage): void {
    const { ctx } = this;
    const { docId, sourceServerId, payload } = message;
    if (!ctx.docs.has(docId)) return;
    const change = ctx.remotePresence.applyRoster(docId, sourceServerId, payload.clients as string[], ctx.clock.now());
    this.announcePresence(change, "server-roster");
    // A server that just (re)subscribed asks for everyone's roster so its clients learn their peers now.
    if (payload.reply === true) this.publisher.publishRoster(docId, false);
  }
}
