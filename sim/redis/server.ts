/**
 * A virtual Redis pub/sub server at network node "redis". It models what the relay relies on:
 * - subscriptions belong to a connection: lost when it drops or Redis restarts;
 * - PUBLISH fans out to the subscriber connections present WHEN Redis processes it (at-most-once:
 *   a subscriber that is gone, or whose connection is reset in flight, never gets it);
 * - per-connection order (the network's FIFO);
 * - PUBLISH replies with the number of receivers; PUBSUB NUMSUB counts subscribed connections;
 * - GET / SET PX on string keys (the opt-in snapshot cache) that expire in virtual time and live
 *   in memory only: a restart loses them all (no persistence, as the chaos lab's redis-server runs);
 * - down (restart in progress) = connection attempts refused.
 * Commands travel as frames over the network, so latency, partitions and resets apply to Redis
 * traffic exactly as to WebSocket traffic.
 */
import type { SimKernel } from "../kernel/kernel.ts";
import type { Endpoint, Network } from "../net/network.ts";

export const REDIS_NODE = "redis";

export type RedisCommand =
  /** `bytes`: the message's UTF-8 size, measured once by the sender (it is also the frame size). */
  | { id: number; op: "publish"; channel: string; message: string; bytes: number }
  | { id: number; op: "subscribe" | "unsubscribe" | "numsub"; channel: string }
  | { id: number; op: "get"; key: string }
  | { id: number; op: "set"; key: string; value: string; ttlMs: number };

export type RedisReply = { id: number; ok: true; value: number | string | null } | { id: number; ok: false; error: string };

/** A reply frame's size beyond its value (a number's reply is this alone). */
const REPLY_BYTES = 16;

export type RedisPush = { push: "message"; channel: string; message: string };

export class VirtualRedis {
  private readonly subscribers = new Map<string, Set<Endpoint>>();
  private readonly clients = new Set<Endpoint>();
  /** String keys with their expiry in virtual time (ms). */
  private readonly keys = new Map<string, { value: string; expiresAtMs: number }>();
  private up = true;
  published = 0;
  pushed = 0;

  constructor(
    private readonly kernel: SimKernel,
    private readonly network: Network,
    /** Its network node: "redis", or a cluster master "r1".."rN" (sim/redis/shards.ts). */
    readonly node: string = REDIS_NODE,
  ) {
    this.start();
  }

  get isUp(): boolean {
    return this.up;
  }

  numsub(channel: string): number {
    return this.subscribers.get(channel)?.size ?? 0;
  }

  /** Redis restart: every connection dropped, every subscription lost; back after `downMs`. */
  restart(downMs: number): void {
    this.kernel.trace.record(this.node, "redis.restart", { downMs });
    this.up = false;
    this.network.unlisten(this.node);
    this.network.resetNode(this.node, "redis restart", true);
    this.subscribers.clear();
    this.clients.clear();
    this.keys.clear();
    this.kernel.after(downMs, this.node, () => this.start());
  }

  private start(): void {
    this.up = true;
    this.network.listen(this.node, (endpoint) => this.accept(endpoint));
  }

  private accept(endpoint: Endpoint): void {
    this.clients.add(endpoint);
    endpoint.onMessage = (data) => this.execute(endpoint, data as RedisCommand);
    endpoint.onClose = () => this.drop(endpoint);
  }

  private drop(endpoint: Endpoint): void {
    this.clients.delete(endpoint);
    for (const [channel, set] of this.subscribers) {
      set.delete(endpoint);
      if (set.size === 0) this.subscribers.delete(channel);
    }
  }

  private execute(endpoint: Endpoint, command: RedisCommand): void {
    const value = this.apply(endpoint, command);
    const reply: RedisReply = { id: command.id, ok: true, value };
    endpoint.send(reply, typeof value === "string" ? REPLY_BYTES + Buffer.byteLength(value, "utf8") : REPLY_BYTES);
  }

  /** The live value of a key (an expired one is gone, as Redis' lazy expiry makes it look). */
  getKey(key: string): string | null {
    const entry = this.keys.get(key);
    if (entry && entry.expiresAtMs <= this.kernel.nowMs) this.keys.delete(key);
    return this.keys.get(key)?.value ?? null;
  }

  private apply(endpoint: Endpoint, command: RedisCommand): number | string | null {
    switch (command.op) {
      case "get":
        return this.getKey(command.key);
      case "set":
        this.keys.set(command.key, { value: command.value, expiresAtMs: this.kernel.nowMs + Math.max(1, command.ttlMs) });
        return 1;
      case "publish":
        return this.publish(command.channel, command.message, command.bytes);
      case "subscribe": {
        const set = this.subscribers.get(command.channel) ?? new Set<Endpoint>();
        set.add(endpoint);
        this.subscribers.set(command.channel, set);
        return set.size;
      }
      case "unsubscribe":
        this.subscribers.get(command.channel)?.delete(endpoint);
        if (this.subscribers.get(command.channel)?.size === 0) this.subscribers.delete(command.channel);
        return 0;
      case "numsub":
        return this.numsub(command.channel);
    }
  }

  private publish(channel: string, message: string, bytes: number): number {
    this.published++;
    const receivers = this.subscribers.get(channel);
    if (!receivers) return 0;
    const push: RedisPush = { push: "message", channel, message };
    for (const receiver of receivers) receiver.send(push, bytes);
    this.pushed += receivers.size;
    return receivers.size;
  }
}
