/**
 * The Redis message bus, written against the RedisConnection port so the simulator runs this very
 * logic against its virtual Redis. Owns everything that makes Redis pub/sub survivable:
 * - two connections (pub, sub), because a subscribed connection cannot publish;
 * - reconnect with exponential back-off and jitter (Random port) after any loss;
 * - re-subscribe every channel on reconnect (Redis forgets subscriptions with the connection);
 * - a bounded outage queue for doc/presence traffic, flushed in order after re-subscribing;
 * - a `bus-status` event with `resumed: true` after that, on which the relay asks clients to
 *   exchange state vectors (pub/sub is at-most-once: what was dropped is recovered that way).
 */
import type { RedisConnection, RedisConnector } from "../ports.ts";
import { backoffDelayMs, BusHandlers, defaultBusOptions, mergeOptions } from "./bus-base.ts";
import type { BusEvent, BusOptions, MessageBus, PublishOptions } from "./message-bus.ts";
import { BoundedOutageQueue, utf8Bytes, type OutageQueue } from "./outage-queue.ts";

/** How long a subscribe waits for the very first connection attempt before giving up (clients are served anyway). */
const FIRST_CONNECT_WAIT_MS = 1000;

interface Link {
  pub: RedisConnection;
  sub: RedisConnection;
}

export class RedisMessageBus implements MessageBus {
  readonly kind = "redis" as const;
  private options: BusOptions;
  private queue: OutageQueue;
  private readonly handlers = new BusHandlers();
  private readonly channels = new Set<string>();
  private link: Link | null = null;
  private connected = false;
  private everConnected = false;
  private started = false;
  private stopped = false;
  private failedAttempts = 0;
  private attempt: Promise<void> | null = null;
  private retryTimer: unknown;
  private lastPublish: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connector: RedisConnector,
    private readonly explicit: Partial<BusOptions> = {},
  ) {
    this.options = mergeOptions(defaultBusOptions(), explicit, {});
    this.queue = this.makeQueue();
  }

  configure(fromRelay: Partial<BusOptions>): void {
    this.options = mergeOptions(this.options, this.explicit, fromRelay);
    if (fromRelay.createQueue && this.queue.depthMessages === 0) this.queue = this.makeQueue();
    else this.queue.setLimits(this.options);
  }

  connect(): Promise<void> {
    if (!this.started) {
      this.started = true;
      this.attempt = this.tryConnect();
    }
    return this.attempt ?? Promise.resolve();
  }

  async disconnect(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearTimeout(this.retryTimer as never);
    await this.lastPublish.catch(() => {});
    const link = this.link;
    this.link = null;
    this.connected = false;
    link?.pub.disconnect();
    link?.sub.disconnect();
  }

  isConnected(): boolean {
    return this.connected;
  }

  publish(channel: string, message: string, options: PublishOptions = {}): void {
    if (this.connected && this.link) {
      this.send(this.link, channel, message, options.queueWhenDown ?? false);
    } else if (options.queueWhenDown && !this.stopped) {
      this.enqueue(channel, message, options.restamp);
    }
  }

  async subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
    // Only the very first connection is worth waiting for: later, "down" is known and clients
    // must not wait for Redis. The channel is in the set either way, so a reconnect subscribes it.
    if (!this.link && !this.everConnected && this.attempt) await this.waitForFirstAttempt();
    // `link` is set from the moment both connections opened, also while re-subscribing.
    if (this.link) await this.link.sub.subscribe(channel).catch(() => {});
  }

  async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
    if (this.link) await this.link.sub.unsubscribe(channel).catch(() => {});
  }

  async numsub(channel: string): Promise<number> {
    if (!this.connected || !this.link) return 0;
    return this.link.pub.numsub(channel).catch(() => 0);
  }

  getKey(key: string): Promise<string | null> {
    return this.connected && this.link ? this.link.pub.get(key) : Promise.reject(new Error("redis link down"));
  }

  setKey(key: string, value: string, ttlMs: number): Promise<void> {
    return this.connected && this.link ? this.link.pub.set(key, value, ttlMs) : Promise.reject(new Error("redis link down"));
  }

  activeSubscriptions(): number {
    return this.connected ? this.channels.size : 0;
  }

  queueDepth(): { messages: number; bytes: number } {
    return { messages: this.queue.depthMessages, bytes: this.queue.depthBytes };
  }

  onMessage(handler: (channel: string, message: string) => void): void {
    this.handlers.message.push(handler);
  }

  onEvent(handler: (event: BusEvent) => void): void {
    this.handlers.event.push(handler);
  }

  private makeQueue(): OutageQueue {
    const limits = { queueMaxMessages: this.options.queueMaxMessages, queueMaxBytes: this.options.queueMaxBytes };
    return this.options.createQueue?.(limits) ?? new BoundedOutageQueue(limits);
  }

  private async tryConnect(): Promise<void> {
    if (this.stopped) return;
    const link = { pub: this.connector("pub"), sub: this.connector("sub") };
    link.sub.onMessage((channel, message) => this.handlers.deliver(channel, message));
    for (const connection of [link.pub, link.sub]) connection.onClose((reason) => this.lose(link, reason));
    try {
      await Promise.all([link.pub.connect(), link.sub.connect()]);
      if (this.stopped) throw new Error("bus stopped while connecting");
      this.link = link;
      await Promise.all([...this.channels].map((channel) => link.sub.subscribe(channel)));
    } catch (error) {
      this.abandon(link, error);
      return;
    }
    if (this.link !== link) return; // lost while re-subscribing; lose() already scheduled a retry
    this.goLive(link);
  }

  private goLive(link: Link): void {
    const resumed = this.everConnected;
    this.connected = true;
    this.everConnected = true;
    this.failedAttempts = 0;
    this.flushQueue(link);
    this.options.logger.info({ event: "redis-connected", resumed, channels: this.channels.size }, "redis connected");
    this.handlers.emit({ type: "bus-status", connected: true, resumed });
  }

  private abandon(link: Link, error: unknown): void {
    if (this.link === link) this.link = null;
    link.pub.disconnect();
    link.sub.disconnect();
    if (this.stopped) return;
    this.options.logger.debug({ event: "redis-connect-failed", error: String(error) }, "redis connect failed");
    this.scheduleRetry();
  }

  /** Either connection of the live link dropped: the whole link goes, and we retry. */
  private lose(link: Link, reason: string): void {
    if (this.link !== link || this.stopped) return;
    this.link = null;
    const wasConnected = this.connected;
    this.connected = false;
    link.pub.disconnect();
    link.sub.disconnect();
    if (wasConnected) {
      this.options.logger.warn({ event: "redis-disconnected", reason }, "redis link lost");
      this.handlers.emit({ type: "bus-status", connected: false, resumed: false });
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const delayMs = backoffDelayMs(this.options, this.failedAttempts);
    this.failedAttempts++;
    this.retryTimer = this.options.clock.setTimeout(() => {
      this.attempt = this.tryConnect();
    }, delayMs);
  }

  private async waitForFirstAttempt(): Promise<void> {
    let timer: unknown;
    const timeout = new Promise<void>((resolve) => {
      timer = this.options.clock.setTimeout(resolve, FIRST_CONNECT_WAIT_MS);
    });
    await Promise.race([this.attempt, timeout]);
    this.options.clock.clearTimeout(timer as never);
  }

  private send(link: Link, channel: string, message: string, requeueOnFailure: boolean): void {
    this.lastPublish = link.pub.publish(channel, message).catch(() => {
      // The link died under this publish; keep doc traffic for the next flush (order may shift,
      // which CRDT updates tolerate). It may have reached Redis all the same, so it goes out again
      // as it was, never re-stamped: stamped anew, a copy that outlived the receivers' dedup
      // window would be delivered twice (the fuzzer found it); as it was, freshness drops it.
      if (requeueOnFailure && !this.stopped) this.enqueue(channel, message);
    });
  }

  private enqueue(channel: string, message: string, restamp?: () => string): void {
    const dropped = this.queue.push({ channel, message, bytes: utf8Bytes(message), restamp });
    this.emitQueue();
    if (dropped > 0) this.handlers.emit({ type: "dropped", count: dropped });
  }

  private flushQueue(link: Link): void {
    for (let item = this.queue.shift(); item; item = this.queue.shift()) {
      this.send(link, item.channel, item.restamp?.() ?? item.message, true);
      this.emitQueue();
    }
  }

  private emitQueue(): void {
    const { limits } = this.queue;
    this.handlers.emit({
      type: "queue",
      depthMessages: this.queue.depthMessages,
      depthBytes: this.queue.depthBytes,
      maxMessages: limits.queueMaxMessages,
      maxBytes: limits.queueMaxBytes,
    });
  }
}
