/**
 * A real `redis-server` child process on a free loopback port, for integration tests and chaos
 * runs. Persistence is off (the relay keeps nothing in Redis; pub/sub only), so a restart really
 * loses every subscription, like a production failover.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import { findBinary } from "./find-binary.ts";
import { freePort } from "./free-port.ts";

export const REDIS_INSTALL_HINT =
  "redis-server not found: install it (Debian/Ubuntu: `apt-get install -y redis-server`; macOS: `brew install redis`), " +
  "or pass REDIS_URL of a running Redis";

export interface LocalRedis {
  readonly port: number;
  readonly url: string;
  /** Kills the process (SIGKILL: nothing is flushed, clients see their connection drop). */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Serve TLS only (`rediss://`), with this certificate; clients are not asked for one. */
export interface RedisTlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

export async function startRedisServer(options: { binary?: string; port?: number; password?: string; tls?: RedisTlsFiles } = {}): Promise<LocalRedis> {
  const binary = findBinary(options.binary ?? "redis-server", ["/usr/bin", "/usr/local/bin"]);
  if (!binary) throw new Error(REDIS_INSTALL_HINT);
  const port = options.port ?? (await freePort());
  let child: ChildProcess | null = null;

  const start = async () => {
    const auth = options.password === undefined ? [] : ["--requirepass", options.password];
    const listen = options.tls === undefined ? ["--port", String(port)] : tlsArgs(port, options.tls);
    child = spawn(binary, [...listen, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...auth], {
      stdio: "ignore",
    });
    await waitForPort(port, 10_000);
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };

  await start();
  const credentials = options.password === undefined ? "" : `:${encodeURIComponent(options.password)}@`;
  const scheme = options.tls === undefined ? "redis" : "rediss";
  return { port, url: `${scheme}://${credentials}127.0.0.1:${port}`, kill, restart: start, stop: kill };
}

function tlsArgs(port: number, tls: RedisTlsFiles): string[] {
  return ["--port", "0", "--tls-port", String(port), "--tls-cert-file", tls.certFile, "--tls-key-file", tls.keyFile, "--tls-ca-cert-file", tls.caFile, "--tls-auth-clients", "no"];
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(port)) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
