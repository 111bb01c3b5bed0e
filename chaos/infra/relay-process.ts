/**
 * One real relay: an `lfcc serve` child process (the production entry point, unchanged), on a
 * fixed loopback port so the client proxies in front of it survive its restarts. Its log lines
 * are kept (bounded) so a failing run can save them under --out.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DEFAULT_RELAY_CONFIG, type RelayConfig } from "../../relay/config.ts";
import type { NatMap } from "../../relay/adapters/ioredis-cluster.ts";

/**
 * The package's own `lfcc` executable: two folders up from chaos/infra/ in a checkout, three from
 * dist/chaos/infra/ in the build (the build does not copy bin/, it sits beside dist/).
 */
const LFCC_BIN = ["../../bin/lfcc.js", "../../../bin/lfcc.js"]
  .map((candidate) => fileURLToPath(new URL(candidate, import.meta.url)))
  .find((path) => existsSync(path)) ?? fileURLToPath(new URL("../../bin/lfcc.js", import.meta.url));
/** Lines of relay log kept per server (the tail matters most for a post-mortem). */
const LOG_LINES_KEPT = 20_000;
/**
 * How long `lfcc serve` may take to print `listening`. bin/lfcc.js runs the build (dist/) when it
 * is current, a few hundred ms (bench/cli-startup.ts); in a checkout with edited sources it runs
 * them through tsx, which compiles on first start: the timeout is for that case and loaded CI.
 */
const START_TIMEOUT_MS = 20_000;

export interface RelayProcessOptions {
  /** Scenario name of the server, e.g. "s2". */
  server: string;
  port: number;
  /** Single Redis; or `redisCluster` (sharded pub/sub, every node reached through `natMap`). */
  redisUrl?: string;
  redisCluster?: { seeds: string; natMap: NatMap };
  relay: Partial<Omit<RelayConfig, "serverId">>;
  /** Log lines land here, tagged with the server name and the serverId of that incarnation. */
  log: (line: string) => void;
}

export class RelayProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  serverId = "";

  constructor(private readonly options: RelayProcessOptions) {}

  get port(): number {
    return this.options.port;
  }

  get alive(): boolean {
    return this.child !== null;
  }

  /** Spawns a new incarnation with a new serverId and waits for its `listening` line. */
  async start(serverId: string): Promise<void> {
    this.serverId = serverId;
    const natMap = this.options.redisCluster?.natMap;
    const child = spawn(process.execPath, [LFCC_BIN, "serve", ...serveArgs(this.options, serverId)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: natMap ? { ...process.env, REDIS_CLUSTER_NAT_MAP: JSON.stringify(natMap) } : process.env,
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.once("exit", () => {
      if (this.child === child) this.child = null;
    });
    await waitForListening(child, serverId, this.options.log);
  }

  /** Sends `signal` and waits for the process to exit (SIGKILL: a crash; SIGTERM: a graceful stop). */
  async kill(signal: "SIGKILL" | "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = this.exited;
    child.kill(signal);
    const forced = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(forced);
  }

  /** GET /health as JSON, or null when the relay does not answer. */
  async health(): Promise<Record<string, unknown> | null> {
    if (!this.child) return null;
    try {
      const response = await fetch(`http://127.0.0.1:${this.options.port}/health`, { signal: AbortSignal.timeout(1000) });
      return (await response.json()) as Record<string, unknown>;
    } catch {
      return null;
    }
  }

  /** GET /metrics (Prometheus text), or null. */
  async metrics(): Promise<string | null> {
    if (!this.child) return null;
    try {
      const response = await fetch(`http://127.0.0.1:${this.options.port}/metrics`, { signal: AbortSignal.timeout(1000) });
      return await response.text();
    } catch {
      return null;
    }
  }
}

/**
 * Relay overrides a chaos relay cannot take. Every RelayConfig field reaches `lfcc serve` through
 * `--relay-config`, so only fields unknown to RelayConfig are left (the scenario parser already
 * rejects those; this stays as the one place that would report them instead of hiding them).
 */
export function unsupportedOverrides(relay: Partial<RelayConfig>): string[] {
  return Object.keys(relay).filter((key) => key !== "clusterSecret" && !(key in DEFAULT_RELAY_CONFIG));
}

function serveArgs(options: RelayProcessOptions, serverId: string): string[] {
  const redis = options.redisCluster ? ["--redis-cluster", options.redisCluster.seeds] : ["--redis", options.redisUrl ?? ""];
  const args = ["--port", String(options.port), "--host", "127.0.0.1", ...redis, "--server-id", serverId];
  if (Object.keys(options.relay).length > 0) args.push("--relay-config", JSON.stringify(options.relay));
  return args;
}

function waitForListening(child: ChildProcess, serverId: string, log: (line: string) => void): Promise<void> {
  const recent: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay ${serverId} did not print "listening" within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onLine = (line: string) => {
      log(`${serverId} ${line}`);
      recent.push(line);
      if (recent.length > 5) recent.shift();
      if (line.includes("listening")) {
        clearTimeout(timer);
        resolve();
      }
    };
    forEachLine(child.stdout, onLine);
    forEachLine(child.stderr, onLine);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`relay ${serverId} exited before listening (code ${code}, signal ${signal}): ${recent.join(" / ")}`));
    });
  });
}

function forEachLine(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line) onLine(line);
  });
}

/** A bounded log buffer per server: keeps the last LOG_LINES_KEPT lines. */
export class RelayLogs {
  private readonly lines = new Map<string, string[]>();

  sink(server: string): (line: string) => void {
    return (line) => {
      const kept = this.lines.get(server) ?? [];
      kept.push(line);
      if (kept.length > LOG_LINES_KEPT) kept.splice(0, kept.length - LOG_LINES_KEPT);
      this.lines.set(server, kept);
    };
  }

  entries(): Array<[string, string[]]> {
    return [...this.lines.entries()];
  }
}
