/**
 * The ports: the only ways relay code reaches time, randomness, Redis, sockets and logs.
 *
 * Why: the simulator runs this very relay, message bus and client provider under virtual time,
 * a seeded random source, a virtual Redis and virtual sockets. Anything that bypasses these
 * interfaces (Date, Math.random, timers, real I/O) makes a simulated run non-reproducible, so
 * `npm run lint` forbids it everywhere except in `relay/adapters/` (the real implementations).
 *
 * Each port mirrors the shape of the real API it replaces (turmoil's rule), so the real adapter is
 * thin and a reader recognises the calls.
 */

/** An opaque handle returned by the clock's timer functions. */
export type TimerHandle = { readonly __timer: unique symbol } | number | object;

/** Wall time and timers. Real: `Date.now` + global timers. Sim: the virtual clock of one node. */
export interface Clock {
  /** Milliseconds since the Unix epoch (virtual in the simulator, possibly skewed per node). */
  now(): number;
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, intervalMs: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
}

/** Randomness and ids. Real: `crypto`. Sim: a named stream forked from the run's root seed. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** A uniformly random unsigned 32-bit integer (Yjs clientIDs come from here in the simulator). */
  uint32(): number;
  /** A short random id, `prefix-xxxxxxxx` (hex). Unique enough for message and client ids. */
  id(prefix: string): string;
}

/** Structured log port (pino's shape). In the simulator, log lines go to the run's trace. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}

/**
 * One connection to Redis, used either to publish or to subscribe (Redis forbids publishing on a
 * connection in subscriber mode, so the bus opens two). Deliberately dumb: it does NOT reconnect,
 * queue or retry. When the connection drops it emits `close` once and is dead; the message bus
 * above it (relay/bus/) owns reconnect, re-subscribe, the outage queue and resync, so the
 * simulator exercises that logic too. Real: a thin ioredis wrapper with ioredis' own retry off.
 */
export interface RedisConnection {
  /** Opens the connection. Rejects when Redis is unreachable. */
  connect(): Promise<void>;
  /** Closes the connection; emits `close`. Safe to call twice. */
  disconnect(): void;
  /** Resolves with the number of subscribers that received it; rejects when not connected. */
  publish(channel: string, message: string): Promise<number>;
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** `PUBSUB NUMSUB channel`: how many connections (cluster-wide servers) subscribe to it. */
  numsub(channel: string): Promise<number>;
  /**
   * `GET key`: the value, or null when the key is absent or expired. Only on a connection that is
   * not subscribed (the bus uses its publishing one). Rejects when not connected.
   */
  get(key: string): Promise<string | null>;
  /** `SET key value PX ttlMs`: stores the value for ttlMs milliseconds. Rejects when not connected. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  onMessage(handler: (channel: string, message: string) => void): void;
  /** Called once when an open connection is lost or closed (not when `connect()` rejects). */
  onClose(handler: (reason: string) => void): void;
}

/** Makes a fresh, unconnected Redis connection. The bus calls it on every (re)connect attempt. */
export type RedisConnector = (role: "pub" | "sub") => RedisConnection;

/** One master of a Redis Cluster and the slot ranges it owns (inclusive, as `CLUSTER SLOTS` says). */
export interface ClusterShard {
  /** The node id (real) or name (`r1`.. in the simulator). */
  readonly id: string;
  /** `host:port` the relay reaches it at (after any address translation). */
  readonly address: string;
  readonly slots: ReadonlyArray<readonly [number, number]>;
}

/**
 * The way to a Redis Cluster: read its shard map, then open one dumb RedisConnection per master.
 * On a shard connection, publish/subscribe/numsub ARE the sharded commands (SPUBLISH, SSUBSCRIBE,
 * PUBSUB SHARDNUMSUB), so the per-shard message bus above it is the single-Redis bus unchanged;
 * get/set are plain GET/SET, for keys whose slot that master owns.
 * Real: relay/adapters/ioredis-cluster.ts. Sim: virtual shards r1..rN.
 */
export interface ClusterConnector {
  /** The masters and their slots (`CLUSTER SLOTS` on a seed node). Rejects when no seed answers. */
  discover(): Promise<ClusterShard[]>;
  /** A fresh, unconnected connection to one master, speaking sharded pub/sub. */
  connect(shard: ClusterShard, role: "pub" | "sub"): RedisConnection;
}

/**
 * The server side of one client connection, as the relay sees it. A `ws` WebSocket satisfies it
 * as is, so the design doc's `relay.handleConnection(ws, docId, senderId)` works verbatim. The
 * host (our HTTP server, a user's `ws` server, or the simulator) feeds incoming frames and the
 * close event to the relay by calling `handleMessage` / `handleDisconnection`.
 */
export interface RelaySocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** Bytes queued but not yet written to the network: the back-pressure signal. */
  readonly bufferedAmount: number;
  /** WebSocket readyState: 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
}

/**
 * The client side of one connection, as the provider sees it: the browser `WebSocket` shape,
 * which `ws` also implements, so the provider runs in browsers, in Node and in the simulator.
 */
export interface ClientSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev?: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev?: unknown) => void) | null;
}

/** Opens a client socket to a URL (`new WebSocket(url)` in real life). */
export type ClientSocketFactory = (url: string) => ClientSocket;

/** The set of ports a relay needs. Real defaults: `relay/adapters/system.ts`. */
export interface RelayPorts {
  clock: Clock;
  random: Random;
  logger: Logger;
}
