/**
 * The real RedisConnection: a thin ioredis wrapper with ioredis' own resilience switched OFF
 * (no retry, no offline queue, no auto-resubscribe). Reconnect, re-subscribe, the outage queue and
 * resync live in the message bus above the port (relay/bus/redis-bus.ts) so that the simulator runs
 * them too; this file only translates calls. Auth and TLS come from the URL
 * (`redis://:password@host:6379`, `rediss://host:6380`).
 */
import { Redis, type RedisOptions } from "ioredis";
import type { RedisConnection, RedisConnector } from "../ports.ts";

/** Options every connection gets: fail fast, never retry or buffer behind the bus' back. */
export const FAIL_FAST: RedisOptions = {
  lazyConnect: true,
  retryStrategy: () => null,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResubscribe: false,
  autoResendUnfulfilledCommands: false,
  /** A black-holed Redis must not stall a reconnect attempt for ioredis' default 10 s. */
  connectTimeout: 3000,
};

/** Builds a RedisConnector from a URL; `makeClient` lets tests substitute ioredis-mock. */
export function ioredisConnector(
  redisUrl: string,
  makeClient: (url: string, options: RedisOptions) => Redis = (url, options) => new Redis(url, options),
): RedisConnector {
  return (role) => new IoredisConnection(makeClient(redisUrl, { ...FAIL_FAST, connectionName: `lfcc-${role}` }));
}

/** Sockets that already have our catch-all error listener. */
const absorbing = new WeakSet<object>();

/**
 * The pub/sub commands a connection speaks: classic ones on a single Redis, sharded ones on a
 * cluster master (SPUBLISH / SSUBSCRIBE deliver `smessage` within the slot's shard only).
 */
interface PubSubDialect {
  readonly messageEvent: "message" | "smessage";
  publish(client: Redis, channel: string, message: string): Promise<number>;
  subscribe(client: Redis, channel: string): Promise<unknown>;
  unsubscribe(client: Redis, channel: string): Promise<unknown>;
  /** `PUBSUB NUMSUB` / `PUBSUB SHARDNUMSUB` reply: [channel, count]. */
  numsub(client: Redis, channel: string): Promise<unknown>;
}

const CLASSIC: PubSubDialect = {
  messageEvent: "message",
  publish: (client, channel, message) => client.publish(channel, message),
  subscribe: (client, channel) => client.subscribe(channel),
  unsubscribe: (client, channel) => client.unsubscribe(channel),
  numsub: (client, channel) => client.pubsub("NUMSUB", channel),
};

export const SHARDED: PubSubDialect = {
  messageEvent: "smessage",
  publish: async (client, channel, message) => Number(await client.spublish(channel, message)),
  subscribe: (client, channel) => client.ssubscribe(channel),
  unsubscribe: (client, channel) => client.sunsubscribe(channel),
  numsub: (client, channel) => client.pubsub("SHARDNUMSUB", channel),
};

export class IoredisConnection implements RedisConnection {
  private opened = false;
  private closed = false;
  private readonly messageHandlers: Array<(channel: string, message: string) => void> = [];
  private readonly closeHandlers: Array<(reason: string) => void> = [];

  constructor(
    private readonly client: Redis,
    private readonly dialect: PubSubDialect = CLASSIC,
  ) {
    // ioredis emits "error" for every socket error; without a listener Node would crash.
    client.on("error", () => this.absorbLaterSocketErrors());
    client.on("connect", () => this.absorbLaterSocketErrors());
    client.on(dialect.messageEvent, (channel: string, message: string) => {
      for (const handler of this.messageHandlers) handler(channel, message);
    });
    client.on("close", () => this.fireClose("connection closed"));
    client.on("end", () => this.fireClose("connection ended"));
  }

  async connect(): Promise<void> {
    await this.client.connect();
    this.opened = true;
  }

  disconnect(): void {
    this.client.disconnect(false);
    this.fireClose("disconnect");
  }

  async publish(channel: string, message: string): Promise<number> {
    return this.dialect.publish(this.client, channel, message);
  }

  async subscribe(channel: string): Promise<void> {
    await this.dialect.subscribe(this.client, channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    await this.dialect.unsubscribe(this.client, channel);
  }

  async numsub(channel: string): Promise<number> {
    const reply = (await this.dialect.numsub(this.client, channel)) as Array<string | number>;
    return Number(reply[1] ?? 0);
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(key, value, "PX", Math.max(1, Math.round(ttlMs)));
  }

  onMessage(handler: (channel: string, message: string) => void): void {
    this.messageHandlers.push(handler);
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandlers.push(handler);
  }

  /**
   * ioredis listens for its socket's errors with `once`, so a second error on one socket goes
   * unhandled and kills the process: a TLS handshake to a Redis with a certificate we reject
   * errors twice (our rejection, then the server's alert). Seen here as a crash of `lfcc serve
   * --redis rediss://...`; upstream calls it wontfix (ioredis PR #962). The bus reconnects with a
   * fresh connection anyway, so later errors on this socket carry nothing we need.
   */
  private absorbLaterSocketErrors(): void {
    const stream = (this.client as unknown as { stream?: { on(event: "error", fn: () => void): void } }).stream;
    if (!stream || absorbing.has(stream)) return;
    absorbing.add(stream);
    stream.on("error", () => {});
  }

  /** Close is reported once, and only for a connection that had opened (port contract). */
  private fireClose(reason: string): void {
    if (!this.opened || this.closed) return;
    this.closed = true;
    for (const handler of this.closeHandlers) handler(reason);
  }
}
