/**
 * The message bus: how a relay reaches the other relays. Two implementations share this shape:
 * the Redis bus (relay/bus/redis-bus.ts: reconnect, re-subscribe, bounded outage queue, over the
 * RedisConnection port) and the in-memory bus (one process, no Redis). The bus moves strings; the
 * relay owns the routed-message format, signing and de-duplication (relay/bus/routed.ts).
 */
import type { Clock, Logger, Random } from "../ports.ts";
import type { OutageQueue, QueueLimits } from "./outage-queue.ts";

/** What the bus reports to its relay (the relay turns these into RelayEvents). */
export type BusEvent =
  | { type: "queue"; depthMessages: number; depthBytes: number; maxMessages: number; maxBytes: number }
  | { type: "dropped"; count: number }
  /**
   * `resumed`: true when a link that had been up before came back (the relay then resyncs).
   * `scope`: set by a sharded bus, whose links come and go per shard: the event concerns only the
   * channels it accepts (the relay resyncs only those documents). Unset: every channel.
   */
  | { type: "bus-status"; connected: boolean; resumed: boolean; scope?: (channel: string) => boolean };

/** What /health says about the bus beyond `connected` (PROTOCOL.md section 10). */
export interface BusTopology {
  mode: "cluster";
  /** Masters of the cluster (seed nodes until the shard map is known). */
  nodes: number;
  /** Masters this relay has a live link to. */
  reachableNodes: number;
}

/** Settings the relay hands to its bus in `initialize()` (its config and ports). */
export interface BusOptions extends QueueLimits {
  clock: Clock;
  random: Random;
  logger: Logger;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /** Seam for planted-bug tests (e.g. an unbounded queue); production uses the bounded one. */
  createQueue?: (limits: QueueLimits) => OutageQueue;
}

export interface PublishOptions {
  /** Keep it in the outage queue while Redis is down (doc/presence traffic). Default false. */
  queueWhenDown?: boolean;
  /**
   * A queued message is published as this returns at flush time, not as it was queued: a signed
   * message gets a fresh `ts` and signature, so a long outage does not make it stale, and it is
   * not below a replay floor of a relay that subscribed meanwhile (relay/core/replay-guard.ts).
   */
  restamp?: () => string;
}

export interface MessageBus {
  readonly kind: "redis" | "memory" | "cluster";
  /** Called by the relay before `connect()`; explicit options given to the factory win. */
  configure(options: Partial<BusOptions>): void;
  /** Starts connecting; resolves after the first attempt whatever its outcome (never rejects). */
  connect(): Promise<void>;
  /** Lets in-flight publishes go out, then closes for good. */
  disconnect(): Promise<void>;
  /** With a channel: is the link that carries it up? Without: are ALL links up? */
  isConnected(channel?: string): boolean;
  /** Fire and forget. While down: queued if `queueWhenDown`, else dropped. */
  publish(channel: string, message: string, options?: PublishOptions): void;
  /** Resolves once subscribed, or at once while the link is down (re-subscribed on reconnect). */
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** How many subscribers (servers) the channel has cluster-wide; 0 when unknown (link down). */
  numsub(channel: string): Promise<number>;
  activeSubscriptions(): number;
  queueDepth(): { messages: number; bytes: number };
  /**
   * `link`: which link delivered it, when the bus has several (a cluster's shard index, as
   * `linkOf` names it); undefined on a single link.
   */
  onMessage(handler: (channel: string, message: string, link?: string) => void): void;
  /** Cluster buses only: the link (shard) that carries `channel`; absent means one link for all. */
  linkOf?(channel: string): string;
  onEvent(handler: (event: BusEvent) => void): void;
  /**
   * Redis buses only (the in-memory bus has no keys): `GET` / `SET key value PX ttlMs` over the
   * link that owns the key, on a cluster the master owning the slot of its `{hash tag}`. Used by
   * the opt-in snapshot cache (relay/core/snapshot-cache.ts). Never queued: rejects while that
   * link is down, so a caller can count the failure and go on.
   */
  getKey?(key: string): Promise<string | null>;
  setKey?(key: string, value: string, ttlMs: number): Promise<void>;
  /** Cluster buses only: shard counts for /health. */
  topology?(): BusTopology;
}
