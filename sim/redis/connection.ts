/**
 * The RedisConnection port in the simulator: one virtual TCP connection from a server node to
 * the "redis" node. Deliberately dumb, like the real adapter: no reconnect, no queue, no retry.
 * connect() rejects when Redis is unreachable or down; a command on a dead connection rejects;
 * commands in flight when the connection drops reject; `close` fires once.
 */
import type { RedisConnection, RedisConnector } from "../../relay/ports.ts";
import type { Connection, Endpoint, Network } from "../net/network.ts";
import { REDIS_NODE, type RedisCommand, type RedisPush, type RedisReply } from "./server.ts";

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  resolve: (value: number | string | null) => void;
  reject: (error: Error) => void;
}

export class VirtualRedisConnection implements RedisConnection {
  private endpoint: Endpoint | undefined;
  private state: "new" | "connecting" | "open" | "closed" = "new";
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private messageHandlers: ((channel: string, message: string) => void)[] = [];
  private closeHandlers: ((reason: string) => void)[] = [];

  constructor(
    private readonly network: Network,
    private readonly node: string,
    private readonly role: string,
    /** Told about the network connection once opened, so a dying host can reset it. */
    private readonly onConnection?: (connection: Connection) => void,
    /** The Redis node to dial: "redis", or a cluster master "r1".."rN". */
    private readonly target: string = REDIS_NODE,
  ) {}

  connect(): Promise<void> {
    if (this.state !== "new") return Promise.reject(new Error(`redis connection already ${this.state}`));
    this.state = "connecting";
    return new Promise((resolve, reject) => {
      const endpoint = this.network.connect(this.node, this.target, `${this.target}-${this.role}`);
      this.endpoint = endpoint;
      this.onConnection?.(endpoint.connection);
      endpoint.onOpen = () => {
        this.state = "open";
        resolve();
      };
      endpoint.onMessage = (data) => this.receive(data as RedisReply | RedisPush);
      endpoint.onClose = (info) => {
        if (this.state === "connecting") {
          this.state = "closed";
          reject(new Error(`redis connect failed: ${info.reason}`));
          return;
        }
        this.lost(info.reason || "connection closed");
      };
    });
  }

  disconnect(): void {
    if (this.state === "closed") return;
    const wasOpen = this.state === "open";
    this.endpoint?.close({ code: 1000, reason: "disconnect" });
    if (wasOpen) this.lost("disconnect");
    else this.state = "closed";
  }

  // publish / numsub reply numbers; the promise is passed on as is (no extra hop: run timings stay as they were).
  publish(channel: string, message: string): Promise<number> {
    const bytes = Buffer.byteLength(message, "utf8");
    return this.command({ op: "publish", channel, message, bytes }, bytes) as Promise<number>;
  }

  async subscribe(channel: string): Promise<void> {
    await this.command({ op: "subscribe", channel }, channel.length);
  }

  async unsubscribe(channel: string): Promise<void> {
    await this.command({ op: "unsubscribe", channel }, channel.length);
  }

  numsub(channel: string): Promise<number> {
    return this.command({ op: "numsub", channel }, channel.length) as Promise<number>;
  }

  async get(key: string): Promise<string | null> {
    const value = await this.command({ op: "get", key }, key.length);
    return typeof value === "string" ? value : null;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.command({ op: "set", key, value, ttlMs }, key.length + Buffer.byteLength(value, "utf8"));
  }

  onMessage(handler: (channel: string, message: string) => void): void {
    this.messageHandlers.push(handler);
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandlers.push(handler);
  }

  private command(body: DistributiveOmit<RedisCommand, "id">, bytes: number): Promise<number | string | null> {
    if (this.state !== "open" || !this.endpoint) {
      return Promise.reject(new Error(`redis connection not open (${this.state})`));
    }
    const id = this.nextId++;
    const promise = new Promise<number | string | null>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.endpoint.send({ ...body, id } as RedisCommand, bytes);
    return promise;
  }

  private receive(data: RedisReply | RedisPush): void {
    if ("push" in data) {
      for (const handler of this.messageHandlers) handler(data.channel, data.message);
      return;
    }
    const pending = this.pending.get(data.id);
    if (!pending) return;
    this.pending.delete(data.id);
    if (data.ok) pending.resolve(data.value);
    else pending.reject(new Error(data.error));
  }

  /** Called once: reject what is in flight, tell the bus. */
  private lost(reason: string): void {
    if (this.state === "closed") return;
    this.state = "closed";
    for (const pending of this.pending.values()) pending.reject(new Error(`redis connection lost: ${reason}`));
    this.pending.clear();
    for (const handler of this.closeHandlers) handler(reason);
  }
}

/** The connector a simulated relay's bus uses: every call opens a fresh virtual connection. */
export function createSimRedisConnector(
  network: Network,
  node: string,
  onConnection?: (connection: Connection) => void,
): RedisConnector {
  return (role) => new VirtualRedisConnection(network, node, role, onConnection);
}
