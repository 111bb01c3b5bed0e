/**
 * The second planted-bug catalog (issue 12): twelve realistic bugs, each a seam override, a
 * swapped part, a wrapped bus, or a prototype patch applied only for the run (`patch` returns its
 * undo). TEST CODE ONLY. Each one is a bug the state invariants alone missed; the comment says
 * which invariant is meant to catch it.
 */
import type { MessageBus } from "../../relay/bus/message-bus.ts";
import { encodeRouted } from "../../relay/bus/routed.ts";
import type { RoutedMessage } from "../../relay/protocol/messages.ts";
import { BoundedOutageQueue, type OutageQueue, type QueuedPublish, type QueueLimits } from "../../relay/bus/outage-queue.ts";
import { PublishBatcher } from "../../relay/core/publish-batcher.ts";
import { RemotePresence } from "../../relay/core/remote-presence.ts";
import { SnapshotBroker } from "../../relay/core/snapshot-broker.ts";
import type { RedisConnector } from "../../relay/ports.ts";
import { KnownContent } from "../../relay/provider/known-content.ts";
import { StatelessCollabRelay, type RelayOptions } from "../../relay/relay.ts";

export type PlantedRelayFactory = (options: RelayOptions) => StatelessCollabRelay;

export interface PlantedDefinition {
  factory?: PlantedRelayFactory;
  /** Applied before the run, undone after it (prototype patches are process-wide). */
  patch?: () => () => void;
}

const withQueue = (make: (limits: QueueLimits) => OutageQueue): PlantedRelayFactory => (options) =>
  new StatelessCollabRelay({ ...options, parts: { createOutageQueue: make } });

/** accounting: on overflow the NEWEST message is dropped (the incoming one), not the oldest. */
class DropNewestQueue extends BoundedOutageQueue {
  override push(item: QueuedPublish): number {
    if (this.depthMessages + 1 > this.limits.queueMaxMessages || this.depthBytes + item.bytes > this.limits.queueMaxBytes) return 1;
    return super.push(item);
  }
}

/** accounting: the flush after an outage goes newest first. */
class LifoQueue extends BoundedOutageQueue {
  private readonly stack: QueuedPublish[] = [];
  override push(item: QueuedPublish): number {
    const dropped = super.push(item);
    this.stack.push(item);
    this.stack.splice(0, dropped);
    return dropped;
  }
  override shift(): QueuedPublish | undefined {
    if (!super.shift()) return undefined;
    return this.stack.pop();
  }
}

/** presenceComplete: after a reconnect the presence channels are not subscribed again. */
const presenceNotResubscribed: PlantedRelayFactory = (options) => {
  const bus = options.redisAdapter as unknown as { connector?: RedisConnector; channels?: Set<string> };
  const connect = bus.connector;
  if (connect) {
    let subLinks = 0;
    bus.connector = (role) => {
      const connection = connect(role);
      if (role !== "sub" || ++subLinks === 1) return connection;
      const before = new Set(bus.channels ?? []);
      const subscribe = connection.subscribe.bind(connection);
      connection.subscribe = (channel: string) => (before.has(channel) && channel.startsWith("lfcc:presence:") ? Promise.resolve() : subscribe(channel));
      return connection;
    };
  }
  return new StatelessCollabRelay(options);
};

/** accounting (and converge): the post-reconnect RESYNC goes to the first doc only. */
class FirstDocResyncRelay extends StatelessCollabRelay {
  protected override resyncAfterReconnect(docIds: Iterable<string> = this.docs.keys()): void {
    const [first] = docIds;
    super.resyncAfterReconnect(first === undefined ? [] : [first]);
  }
}

/** (needs a forger on Redis) HMAC check accepts a message with no signature at all. */
const hmacAcceptsMissing: PlantedRelayFactory = (options) => {
  const bus = options.redisAdapter as MessageBus | undefined;
  if (bus && options.clusterSecret) {
    const onMessage = bus.onMessage.bind(bus);
    bus.onMessage = (handler) => onMessage((channel, text) => handler(channel, signIfUnsigned(text, options.clusterSecret!, channel)));
  }
  return new StatelessCollabRelay(options);
};

function signIfUnsigned(text: string, secret: string, channel: string): string {
  try {
    const message = JSON.parse(text) as { sig?: unknown };
    if (message.sig !== undefined) return text;
    // Accepting it unsigned is the same as checking a signature made for it.
    return encodeWithSecret(message, secret, channel);
  } catch {
    return text;
  }
}
// The signature binds the channel (PROTOCOL.md section 8): sign for the one it arrived on.
const encodeWithSecret = (message: object, secret: string, channel: string) => encodeRouted(message as RoutedMessage, secret, channel);

/** converge / noDataLoss: a batch of two or more leaves out its last message. */
function batchOmitsMessage(): () => void {
  const proto = PublishBatcher.prototype as unknown as { publishCollected(channel: string, window: { messages: unknown[] }): void };
  const original = proto.publishCollected;
  proto.publishCollected = function (channel, window) {
    if (window.messages.length >= 2) window.messages.pop();
    return original.call(this, channel, window);
  };
  return () => void (proto.publishCollected = original);
}

/** presenceComplete (crash LEAVE bound): our link came back, every remote roster clock restarts. */
function expiryClocksReset(): () => void {
  const proto = RemotePresence.prototype as unknown as { allowAnswerWithin(nowMs: number, timeoutMs: number, graceMs: number): void; docs: Map<string, Map<string, { lastSeenMs: number }>> };
  const original = proto.allowAnswerWithin;
  proto.allowAnswerWithin = function (nowMs) {
    for (const servers of this.docs.values()) for (const roster of servers.values()) roster.lastSeenMs = nowMs;
  };
  return () => void (proto.allowAnswerWithin = original);
}

/** snapshots / routing: a snapshot from another server is handed over with that server's request id. */
function snapshotWrongRequestId(): () => void {
  const proto = SnapshotBroker.prototype as unknown as { responseFromServer(payload: Record<string, unknown>): void; host: { answerRequester(r: unknown, p: { requestId: string }): void } };
  const original = proto.responseFromServer;
  proto.responseFromServer = function (payload) {
    const answer = this.host.answerRequester;
    this.host.answerRequester = (requester, p) => answer(requester, { ...p, requestId: String(payload.requestId) });
    try {
      original.call(this, payload);
    } finally {
      this.host.answerRequester = answer;
    }
  };
  return () => void (proto.responseFromServer = original);
}

/** rateLimitFair: the buckets refill 1000x too fast (nobody is ever limited). */
const rateLimitRefill1000x: PlantedRelayFactory = (options) => {
  const perSecond = options.rateLimitMessagesPerSecond ?? 100;
  const bytesPerSecond = options.rateLimitBytesPerSecond ?? 1024 * 1024;
  return new StatelessCollabRelay({ ...options, rateLimitMessagesPerSecond: perSecond * 1000, rateLimitBytesPerSecond: bytesPerSecond * 1000 });
};

/** converge: "same state vector, nothing to send" (the peer's delete set is ignored). */
function sameVectorIgnoresDeletions(): () => void {
  const proto = KnownContent.prototype as unknown as { heldBy(sv: Uint8Array, ds: Uint8Array): boolean; deleteSetAsUpdate(): Uint8Array };
  const original = proto.heldBy;
  proto.heldBy = function (sv) {
    return original.call(this, sv, this.deleteSetAsUpdate()); // as if the peer held every deletion
  };
  return () => void (proto.heldBy = original);
}

/** efficiency: every receiver publishes each remote update again (once). */
const remoteUpdatesResent: PlantedRelayFactory = (options) => {
  const bus = options.redisAdapter as MessageBus | undefined;
  if (bus) {
    const resent = new Set<string>();
    const onMessage = bus.onMessage.bind(bus);
    bus.onMessage = (handler) =>
      onMessage((channel, text) => {
        handler(channel, text);
        if (!channel.startsWith("lfcc:doc:") || resent.has(text) || text.includes(`"sourceServerId":"${options.serverId}"`)) return;
        resent.add(text);
        bus.publish(channel, text, { queueWhenDown: false });
      });
  }
  return new StatelessCollabRelay(options);
};

/** presenceComplete (prompt graceful LEAVE): a graceful stop publishes no LEAVE for its clients. */
class SilentStopRelay extends StatelessCollabRelay {
  override async shutdown(): Promise<void> {
    const publish = this.bus.publish.bind(this.bus);
    this.bus.publish = (channel, message, publishOptions) => (message.includes('"type":"LEAVE"') ? undefined : publish(channel, message, publishOptions));
    return super.shutdown();
  }
}

export const PLANTED_CATALOG = {
  queueDropsNewest: { factory: withQueue((limits) => new DropNewestQueue(limits)) },
  lifoFlush: { factory: withQueue((limits) => new LifoQueue(limits)) },
  presenceNotResubscribed: { factory: presenceNotResubscribed },
  resyncFirstDocOnly: { factory: (options) => new FirstDocResyncRelay(options) },
  hmacAcceptsMissingSignature: { factory: hmacAcceptsMissing },
  batchOmitsMessage: { patch: batchOmitsMessage },
  expiryClocksResetOnReconnect: { patch: expiryClocksReset },
  snapshotWrongRequestId: { patch: snapshotWrongRequestId },
  rateLimitRefill1000x: { factory: rateLimitRefill1000x },
  sameVectorIgnoresDeletions: { patch: sameVectorIgnoresDeletions },
  remoteUpdatesResent: { factory: remoteUpdatesResent },
  noLeaveOnGracefulStop: { factory: (options) => new SilentStopRelay(options) },
} satisfies Record<string, PlantedDefinition>;

export type CatalogBug = keyof typeof PLANTED_CATALOG;
