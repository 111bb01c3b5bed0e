/**
 * Where the chaos run's Redis and Toxiproxy come from, in order (issue 6):
 *   1. a URL the user gave (REDIS_URL / TOXIPROXY_URL, or --redis-url / --toxiproxy-url);
 *   2. local binaries (redis-server, toxiproxy-server) started on free loopback ports;
 *   3. testcontainers, where a Docker engine answers;
 * and with none of them a ChaosSetupError that says how to install each.
 */
import { startRedisServer, REDIS_INSTALL_HINT } from "./redis-server.ts";
import { startToxiproxyServer, findToxiproxyBinary, TOXIPROXY_INSTALL_HINT } from "./toxiproxy-server.ts";
import { findBinary } from "./find-binary.ts";
import { containerFallbackNote, containerRuntime } from "./container-runtime.ts";

export interface ServiceOptions {
  redisUrl?: string;
  toxiproxyUrl?: string;
  redisServerBinary?: string;
  toxiproxyServerBinary?: string;
  /** Try testcontainers when no URL and no binary is found. Default true. */
  allowContainers?: boolean;
}

export interface RedisService {
  host: string;
  port: number;
  /** "url" | "binary" | "container": where it came from, for the run's log. */
  origin: string;
  /** Really restarts redis-server (kill + start on the same port); null when we do not own it. */
  restart: (() => Promise<void>) | null;
}

export interface ToxiproxyService {
  url: string;
  origin: string;
}

export interface ChaosServices {
  redis: RedisService;
  toxiproxy: ToxiproxyService;
  teardown(): Promise<void>;
}

/** Nothing to run against: the message says how to install what is missing. Exit code 2. */
export class ChaosSetupError extends Error {
  override name = "ChaosSetupError";
}

export async function acquireServices(options: ServiceOptions = {}): Promise<ChaosServices> {
  const teardowns: Array<() => Promise<void>> = [];
  const teardown = async () => {
    for (const stop of teardowns.reverse()) await stop().catch(() => undefined);
  };
  const missing = missingServices(options);
  if (missing.length > 0) {
    const runtime = options.allowContainers === false ? "disabled" : await containerRuntime();
    // Say everything that is missing at once, not one tool per attempt.
    if (runtime !== "available") throw new ChaosSetupError(`${missing.join("; ")} ${containerFallbackNote(runtime)}`);
  }
  try {
    const redis = await acquireRedis(options, teardowns);
    const toxiproxy = await acquireToxiproxy(options, teardowns);
    return { redis, toxiproxy, teardown };
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** Which services are missing on this machine (no URL, no binary): for tests that must skip loudly. */
export function missingServices(options: ServiceOptions = {}): string[] {
  const missing: string[] = [];
  if (!(options.redisUrl ?? process.env.REDIS_URL) && !findBinary(options.redisServerBinary ?? "redis-server", ["/usr/bin", "/usr/local/bin"])) {
    missing.push(REDIS_INSTALL_HINT);
  }
  if (!(options.toxiproxyUrl ?? process.env.TOXIPROXY_URL) && !findToxiproxyBinary(options.toxiproxyServerBinary)) {
    missing.push(TOXIPROXY_INSTALL_HINT);
  }
  return missing;
}

async function acquireRedis(options: ServiceOptions, teardowns: Array<() => Promise<void>>): Promise<RedisService> {
  const url = options.redisUrl ?? process.env.REDIS_URL;
  if (url) {
    const parsed = new URL(url);
    return { host: parsed.hostname, port: Number(parsed.port || 6379), origin: `url ${url}`, restart: null };
  }
  if (findBinary(options.redisServerBinary ?? "redis-server", ["/usr/bin", "/usr/local/bin"])) {
    const local = await startRedisServer({ binary: options.redisServerBinary });
    teardowns.push(local.stop);
    const restart = async () => {
      await local.kill();
      await local.restart();
    };
    return { host: "127.0.0.1", port: local.port, origin: "binary redis-server", restart };
  }
  if (options.allowContainers !== false && (await dockerAvailable())) {
    const { RedisContainer } = await import("@testcontainers/redis");
    const container = await new RedisContainer("redis:7").start();
    teardowns.push(async () => void (await container.stop()));
    return {
      host: container.getHost(),
      port: container.getPort(),
      origin: "container redis:7",
      restart: async () => void (await container.restart()),
    };
  }
  throw new ChaosSetupError(REDIS_INSTALL_HINT);
}

async function acquireToxiproxy(options: ServiceOptions, teardowns: Array<() => Promise<void>>): Promise<ToxiproxyService> {
  const url = options.toxiproxyUrl ?? process.env.TOXIPROXY_URL;
  // A remote Toxiproxy must share our loopback: its proxies listen on 127.0.0.1 and reach the relays there.
  if (url) return { url: url.replace(/\/$/, ""), origin: `url ${url}` };
  if (findToxiproxyBinary(options.toxiproxyServerBinary)) {
    const local = await startToxiproxyServer({ binary: options.toxiproxyServerBinary });
    teardowns.push(local.stop);
    return { url: local.url, origin: "binary toxiproxy-server" };
  }
  if (options.allowContainers !== false && (await dockerAvailable())) {
    const { GenericContainer, Wait } = await import("testcontainers");
    // Host networking: the proxies must reach relays on the host loopback, and clients the proxies.
    const container = await new GenericContainer("ghcr.io/shopify/toxiproxy:2.12.0")
      .withNetworkMode("host")
      .withWaitStrategy(Wait.forLogMessage(/API HTTP server starting/))
      .start();
    teardowns.push(async () => void (await container.stop()));
    return { url: "http://127.0.0.1:8474", origin: "container ghcr.io/shopify/toxiproxy" };
  }
  throw new ChaosSetupError(TOXIPROXY_INSTALL_HINT);
}

async function dockerAvailable(): Promise<boolean> {
  return (await containerRuntime()) === "available";
}
