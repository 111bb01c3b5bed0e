/**
 * The message bus on a Redis Cluster with sharded pub/sub (PROTOCOL.md section 10).
 *
 * One RedisMessageBus per master, each over its own pub/sub connection pair, so the single-Redis
 * logic (reconnect with back-off, re-subscribe, bounded outage queue, resume) runs per shard
 * unchanged: a lost master queues and resyncs only the documents whose slots it owns, while the
 * other shards keep routing. This bus only
 * - learns the shard map once (`ClusterConnector.discover`, retried with back-off),
 * - renames channels to their cluster form (`lfcc:doc:{d1}`: a document's channels share a slot),
 * - routes each channel to the shard owning its slot,
 * - keeps server-addressed channels (`lfcc:server:<id>`, snapshot answers) on EVERY shard: the
 *   server subscribes `lfcc:server:<id>{<tag of shard k>}` on each, a publisher uses the first
 *   shard it reaches, so one lost master does not cut snapshot answers for the other shards' docs,
 * - publishes the servers' liveness beat (`lfcc:beat`) on EVERY shard and says which shard each
 *   copy came by (`link`), so a server is judged alive per shard, for the documents of that shard,
 * - sends key commands (the snapshot cache's `lfcc:snapshot:{docId}`) to the master owning the key's
 *   slot: the `{docId}` tag puts a document's key on the shard of its channels,
 * - sums queue depths, and tags every shard's `bus-status` with the channels it concerns.
 * Follows no resharding or failover after discovery (the cluster the relays start with is the one
 * they use; see docs).
 */
import type { ClusterConnector, ClusterShard } from "../ports.ts";
import { backoffDelayMs, BusHandlers, defaultBusOptions, mergeOptions } from "./bus-base.ts";
import { fromClusterChannel, hashSlot, SLOT_COUNT, toClusterChannel } from "./cluster-slots.ts";
import type { BusEvent, BusOptions, BusTopology, MessageBus, PublishOptions } from "./message-bus.ts";
import { BoundedOutageQueue, utf8Bytes, type OutageQueue } from "./outage-queue.ts";
import { RedisMessageBus } from "./redis-bus.ts";
import { BEAT_CHANNEL } from "./routed.ts";

interface Shard {
  readonly info: ClusterShard;
  readonly bus: RedisMessageBus;
  /** A hash tag whose slot this shard owns (server channels are subscribed once per shard with it). */
  readonly tag: string;
  queued: { messages: number; bytes: number };
}

const SERVER_CHANNEL_PREFIX = "lfcc:server:";
/** Published on every shard (routed.ts BEAT_CHANNEL). */
const BROADCAST_CHANNELS: ReadonlySet<string> = new Set([BEAT_CHANNEL]);

/** Channels that live on every shard: server-addressed ones and broadcasts. */
function isServerChannel(channel: string): boolean {
  return (channel.startsWith(SERVER_CHANNEL_PREFIX) && !channel.includes("{")) || BROADCAST_CHANNELS.has(channel);
}

/** `lfcc:server:s1{7}` / `lfcc:beat{7}` (one shard's copy) -> `lfcc:server:s1` / `lfcc:beat`. */
function fromWire(channel: string): string {
  const open = channel.indexOf("{");
  if (open > 0 && channel.endsWith("}")) {
    const base = channel.slice(0, open);
    if ((base.startsWith(SERVER_CHANNEL_PREFIX) && base.length > SERVER_CHANNEL_PREFIX.length) || BROADCAST_CHANNELS.has(base)) return base;
  }
  return fromClusterChannel(channel);
}

/** The smallest decimal string whose slot `owner` owns: shard k's tag. */
function tagFor(slotOwner: Int16Array, owner: number): string {
  for (let i = 0; i < SLOT_COUNT * 8; i++) if (slotOwner[hashSlot(String(i))] === owner) return String(i);
  return "0";
}

export class ShardedMessageBus implements MessageBus {
  readonly kind = "cluster" as const;
  private options: BusOptions;
  private readonly fromRelay: Partial<BusOptions> = {};
  private readonly handlers = new BusHandlers();
  /** Relay channel names, kept so shards found later subscribe them. */
  private readonly channels = new Set<string>();
  private shards: Shard[] = [];
  /** Slot -> index in `shards` (-1: no master owns it). */
  private readonly slotOwner = new Int16Array(SLOT_COUNT).fill(-1);
  /** Publishes made before the shard map is known (doc traffic only, bounded like a shard's queue). */
  private beforeDiscovery: OutageQueue;
  private discovery: Promise<void> | null = null;
  private failedDiscoveries = 0;
  private retryTimer: unknown;
  private stopped = false;

  constructor(
    private readonly connector: ClusterConnector,
    private readonly explicit: Partial<BusOptions> = {},
    /** Seed count, reported as `nodes` until the shard map is known. */
    private readonly seedCount = 1,
  ) {
    this.options = mergeOptions(defaultBusOptions(), explicit, {});
    this.beforeDiscovery = new BoundedOutageQueue(this.options);
  }

  configure(fromRelay: Partial<BusOptions>): void {
    Object.assign(this.fromRelay, fromRelay);
    this.options = mergeOptions(this.options, this.explicit, fromRelay);
    this.beforeDiscovery.setLimits(this.options);
    for (const shard of this.shards) shard.bus.configure(fromRelay);
  }

  connect(): Promise<void> {
    this.discovery ??= this.discover();
    return this.discovery;
  }

  async disconnect(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearTimeout(this.retryTimer as never);
    await Promise.all(this.shards.map((shard) => shard.bus.disconnect()));
  }

  isConnected(channel?: string): boolean {
    if (channel !== undefined && isServerChannel(channel)) return this.shards.some((shard) => shard.bus.isConnected());
    if (channel !== undefined) return this.shardOf(channel)?.bus.isConnected() ?? false;
    return this.shards.length > 0 && this.shards.every((shard) => shard.bus.isConnected());
  }

  publish(channel: string, message: string, options: PublishOptions = {}): void {
    if (BROADCAST_CHANNELS.has(channel)) {
      for (const [shard, wire] of this.wireNames(channel)) shard.bus.publish(wire, message, options);
      return;
    }
    if (isServerChannel(channel) && this.shards.length > 0) return this.publishToServer(channel, message, options);
    const shard = this.shardOf(channel);
    if (shard) shard.bus.publish(toClusterChannel(channel), message, options);
    else if (options.queueWhenDown && !this.stopped && this.shards.length === 0) this.queueBeforeDiscovery(channel, message, options.restamp);
  }

  async subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
    await Promise.all(this.wireNames(channel).map(([shard, wire]) => shard.bus.subscribe(wire)));
  }

  async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
    await Promise.all(this.wireNames(channel).map(([shard, wire]) => shard.bus.unsubscribe(wire)));
  }

  async numsub(channel: string): Promise<number> {
    return (await this.shardOf(channel)?.bus.numsub(toClusterChannel(channel))) ?? 0;
  }

  getKey(key: string): Promise<string | null> {
    return this.shardOf(key)?.bus.getKey(key) ?? Promise.reject(new Error("no shard owns the key (cluster not discovered yet)"));
  }

  setKey(key: string, value: string, ttlMs: number): Promise<void> {
    return this.shardOf(key)?.bus.setKey(key, value, ttlMs) ?? Promise.reject(new Error("no shard owns the key (cluster not discovered yet)"));
  }

  activeSubscriptions(): number {
    return this.shards.reduce((sum, shard) => sum + shard.bus.activeSubscriptions(), 0);
  }

  queueDepth(): { messages: number; bytes: number } {
    let messages = this.beforeDiscovery.depthMessages;
    let bytes = this.beforeDiscovery.depthBytes;
    for (const shard of this.shards) {
      messages += shard.queued.messages;
      bytes += shard.queued.bytes;
    }
    return { messages, bytes };
  }

  onMessage(handler: (channel: string, message: string) => void): void {
    this.handlers.message.push(handler);
  }

  onEvent(handler: (event: BusEvent) => void): void {
    this.handlers.event.push(handler);
  }

  topology(): BusTopology {
    const reachable = this.shards.filter((shard) => shard.bus.isConnected()).length;
    return { mode: "cluster", nodes: this.shards.length || this.seedCount, reachableNodes: reachable };
  }

  linkOf(channel: string): string {
    return String(this.shardIndexOf(channel));
  }

  /** Index of the shard carrying `channel`, for tests and the simulator's observers. */
  shardIndexOf(channel: string): number {
    return this.slotOwner[hashSlot(toClusterChannel(channel))]!;
  }

  private shardOf(channel: string): Shard | undefined {
    return this.shards[this.shardIndexOf(channel)];
  }

  /** Where a relay channel lives: one shard, or every shard for a server channel. */
  private wireNames(channel: string): Array<[Shard, string]> {
    if (isServerChannel(channel)) return this.shards.map((shard) => [shard, `${channel}{${shard.tag}}`]);
    const shard = this.shardOf(channel);
    return shard ? [[shard, toClusterChannel(channel)]] : [];
  }

  /** The first reachable shard, starting from the channel's own slot (spreads servers over shards). */
  private publishToServer(channel: string, message: string, options: PublishOptions): void {
    const first = Math.max(0, this.shardIndexOf(channel));
    for (let step = 0; step < this.shards.length; step++) {
      const shard = this.shards[(first + step) % this.shards.length]!;
      if (step === this.shards.length - 1 || shard.bus.isConnected()) {
        return shard.bus.publish(`${channel}{${shard.tag}}`, message, options);
      }
    }
  }

  private async discover(): Promise<void> {
    if (this.stopped) return;
    let found: ClusterShard[];
    try {
      found = await this.connector.discover();
      if (found.length === 0) throw new Error("the cluster reports no masters");
    } catch (error) {
      this.options.logger.warn({ event: "redis-cluster-discovery-failed", error: String(error) }, "redis cluster unreachable");
      this.scheduleDiscovery();
      return;
    }
    if (this.stopped) return;
    this.adopt(found);
    await Promise.all(this.shards.map((shard) => shard.bus.connect()));
  }

  private scheduleDiscovery(): void {
    const delayMs = backoffDelayMs(this.options, this.failedDiscoveries++);
    this.retryTimer = this.options.clock.setTimeout(() => {
      this.discovery = this.discover();
    }, delayMs);
  }

  /** Builds one bus per master, subscribes the channels it owns, hands it what waited for the map. */
  private adopt(found: ClusterShard[]): void {
    found.forEach((info, index) => {
      for (const [from, to] of info.slots) this.slotOwner.fill(index, from, to + 1);
    });
    this.shards = found.map((info, index) => this.makeShard(info, index));
    this.options.logger.info({ event: "redis-cluster-discovered", shards: found.map((s) => s.address) }, "redis cluster shards");
    for (const channel of this.channels) void this.subscribe(channel);
    for (let item = this.beforeDiscovery.shift(); item; item = this.beforeDiscovery.shift()) {
      this.publish(item.channel, item.message, { queueWhenDown: true, restamp: item.restamp });
    }
  }

  private makeShard(info: ClusterShard, index: number): Shard {
    const bus = new RedisMessageBus((role) => this.connector.connect(info, role), this.explicit);
    bus.configure(this.fromRelay);
    const shard: Shard = { info, bus, tag: tagFor(this.slotOwner, index), queued: { messages: 0, bytes: 0 } };
    bus.onMessage((channel, message) => this.handlers.deliver(fromWire(channel), message, String(index)));
    bus.onEvent((event) => this.onShardEvent(shard, index, event));
    return shard;
  }

  private onShardEvent(shard: Shard, index: number, event: BusEvent): void {
    if (event.type === "queue") {
      shard.queued = { messages: event.depthMessages, bytes: event.depthBytes };
      const depth = this.queueDepth();
      const limits = this.shards.length * event.maxMessages;
      this.handlers.emit({ ...event, depthMessages: depth.messages, depthBytes: depth.bytes, maxMessages: limits, maxBytes: this.shards.length * event.maxBytes });
    } else if (event.type === "dropped") {
      this.handlers.emit(event);
    } else {
      this.options.logger.info({ event: "redis-shard-status", shard: shard.info.address, connected: event.connected }, "redis shard status");
      this.handlers.emit({ ...event, scope: (channel) => this.shardIndexOf(channel) === index });
    }
  }

  private queueBeforeDiscovery(channel: string, message: string, restamp?: () => string): void {
    const dropped = this.beforeDiscovery.push({ channel, message, bytes: utf8Bytes(message), restamp });
    if (dropped > 0) this.handlers.emit({ type: "dropped", count: dropped });
  }
}
