/**
 * A Redis for bus tests: ioredis-mock behind the real IoredisConnection, plus an outage switch.
 * ioredis-mock keeps delivering to a "disconnected" client, so this wrapper enforces what real
 * Redis does on a lost link: no more messages, publishes reject, subscriptions are gone.
 */
import RedisMock from "ioredis-mock";
import type { Redis } from "ioredis";
import { IoredisConnection } from "../../relay/adapters/ioredis-connection.ts";
import type { RedisConnection, RedisConnector } from "../../relay/ports.ts";

let nextPort = 17_000;

export class MockRedisServer {
  down = false;
  readonly live = new Set<ControlledConnection>();
  private readonly options = { host: "mock-redis", port: nextPort++, lazyConnect: true };

  readonly connector: RedisConnector = () => new ControlledConnection(this, this.client(), "");

  /** Connections tagged with their owner, so one server's link can be cut alone. */
  connectorFor(tag: string): RedisConnector {
    return () => new ControlledConnection(this, this.client(), tag);
  }

  /** Cuts the live connections of one owner (they may reconnect at once). */
  cut(tag: string): void {
    for (const connection of [...this.live]) if (connection.tag === tag) connection.kill("link cut");
  }

  /** A raw client on the same mock server (to publish forged messages or watch channels). */
  client(): Redis {
    return new (RedisMock as unknown as new (options: object) => Redis)(this.options);
  }

  outage(): void {
    this.down = true;
    for (const connection of [...this.live]) connection.kill("redis went away");
  }

  restore(): void {
    this.down = false;
  }
}

class ControlledConnection implements RedisConnection {
  private dead = false;
  private readonly inner: IoredisConnection;
  private readonly channels = new Set<string>();
  private readonly closeHandlers: Array<(reason: string) => void> = [];

  constructor(
    private readonly server: MockRedisServer,
    private readonly client: Redis,
    readonly tag: string,
  ) {
    this.inner = new IoredisConnection(client);
  }

  async connect(): Promise<void> {
    if (this.server.down) throw new Error("ECONNREFUSED (mock outage)");
    await this.inner.connect();
    this.server.live.add(this);
  }
  disconnect(): void {
    this.kill("disconnect");
  }
  async publish(channel: string, message: string): Promise<number> {
    if (this.dead || this.server.down) throw new Error("connection is closed");
    return this.inner.publish(channel, message);
  }
  async subscribe(channel: string): Promise<void> {
    if (this.dead) throw new Error("connection is closed");
    this.channels.add(channel);
    await this.inner.subscribe(channel);
  }
  async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
    if (!this.dead) await this.inner.unsubscribe(channel);
  }
  async numsub(channel: string): Promise<number> {
    if (this.dead) throw new Error("connection is closed");
    return this.inner.numsub(channel);
  }
  async get(key: string): Promise<string | null> {
    if (this.dead || this.server.down) throw new Error("connection is closed");
    return this.inner.get(key);
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (this.dead || this.server.down) throw new Error("connection is closed");
    await this.inner.set(key, value, ttlMs);
  }
  onMessage(handler: (channel: string, message: string) => void): void {
    this.inner.onMessage((channel, message) => {
      if (!this.dead) handler(channel, message);
    });
  }
  onClose(handler: (reason: string) => void): void {
    this.closeHandlers.push(handler);
  }

  kill(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    const wasLive = this.server.live.delete(this);
    for (const channel of this.channels) void this.client.unsubscribe(channel).catch(() => {});
    this.client.disconnect();
    if (wasLive) for (const handler of this.closeHandlers) handler(reason);
  }
}
