/**
 * A virtual Redis pub/sub server at network node "redis". It models what the relay relies on:
 * - subscriptions belong to a connection: lost when it drops or Redis restarts;
 * - PUBLISH fans out to the subscriber connections present WHEN Redis processes it (at-most-once:
 *   a subscriber that is gone, or whose connection is reset in flight, never gets it);
 * - per-connection order (the network's FIFO);
 * - PUBLISH replies with the number of receivers; PUBSUB NUMSUB counts subscribed connections;
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
  | { id: number; op: "subscribe" | "unsubscribe" | "numsub"; channel: string };

export type RedisReply = { id: number; ok: true; value: number } | { id: number; ok: false; error: string };

export type RedisPush = { push: "message"; channel: string; message: string };

export class VirtualRedis {
  private readonly subscribers = new Map<string, Set<Endpoint>>();
  private readonly clients = new Set<Endpoint>();
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
    endpoint.send(reply, 16);
  }

  private apply(endpoint: Endpoint, command: RedisCommand): number {
    switch (command.op) {
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
