/**
 * Shared pieces of the integration tests: in-process relays over a real Redis, `lfcc serve` child
 * processes, real providers on real `ws` sockets, raw `ws` clients that record every frame, and a
 * polling `waitFor` (no fixed sleeps: the 2-core CI machine is noisy).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import * as Y from "yjs";
import { createRelayServer, type RelayServer, type RelayServerOptions } from "../../relay/server/index.ts";
import { silentLogger } from "../../relay/adapters/system.ts";
import { LfccProvider } from "../../relay/provider/index.ts";
import type { RelayEvent } from "../../relay/events.ts";
import type { ClientSocket } from "../../relay/ports.ts";
import { freePort } from "../../chaos/infra/free-port.ts";

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface TestRelay {
  server: RelayServer;
  url: string;
  port: number;
  events: RelayEvent[];
}

export async function startRelay(options: RelayServerOptions = {}): Promise<TestRelay> {
  const events: RelayEvent[] = [];
  const server = createRelayServer({
    logger: silentLogger,
    ...options,
    relayOptions: { onEvent: (event) => events.push(event), ...options.relayOptions },
  });
  const address = await server.listen(0, "127.0.0.1");
  return { server, url: `ws://127.0.0.1:${address.port}/`, port: address.port, events };
}

export interface TestClient {
  name: string;
  doc: Y.Doc;
  provider: LfccProvider;
  text(): string;
}

let nextClientId = 1;

export function startClient(name: string, url: string | (() => string), docId: string, extra: { token?: string } = {}): TestClient {
  const doc = new Y.Doc();
  doc.clientID = 1000 + nextClientId++;
  const provider = new LfccProvider({
    url,
    docId,
    doc,
    token: extra.token,
    reconnectBaseMs: 50,
    reconnectMaxMs: 500,
    socketFactory: (target) => new WebSocket(target) as unknown as ClientSocket,
  });
  return { name, doc, provider, text: () => doc.getText("t").toString() };
}

/** Starts clients on relays and remembers them, so one afterAll can destroy them all. */
export function clientPool() {
  const started: TestClient[] = [];
  return {
    client(name: string, relay: { url: string }, docId: string): TestClient {
      const created = startClient(name, relay.url, docId);
      started.push(created);
      return created;
    },
    destroyAll(): void {
      for (const created of started) created.provider.destroy();
    },
  };
}

export function whenSynced(client: TestClient, timeoutMs = 10_000): Promise<void> {
  return waitFor(`${client.name} synced`, () => client.provider.synced, timeoutMs);
}

/** Waits until every client holds the same text and it contains every expected token. */
export async function waitConverged(clients: TestClient[], tokens: string[], timeoutMs = 15_000): Promise<void> {
  await waitFor(
    `convergence of ${clients.map((c) => c.name).join(", ")}`,
    () => clients.every((c) => c.text() === clients[0]!.text()) && tokens.every((t) => clients[0]!.text().includes(t)),
    timeoutMs,
  ).catch((error: Error) => {
    const detail = clients.map((c) => `${c.name}: ${JSON.stringify(c.text())}`).join("\n");
    throw new Error(`${error.message}\n${detail}`);
  });
}

/** A raw `ws` client that records every parsed frame (for protocol-level assertions). */
export class RawClient {
  readonly frames: Array<{ type: string; docId: string; senderId: string; messageId: string; ts: number; payload: Record<string, unknown> }> = [];
  closeCode: number | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => this.frames.push(JSON.parse(data.toString())));
    ws.on("close", (code) => (this.closeCode = code));
  }

  /** Opens and waits for WELCOME. */
  static async connect(baseUrl: string, docId: string, query = ""): Promise<RawClient> {
    const client = new RawClient(new WebSocket(`${baseUrl}?docId=${encodeURIComponent(docId)}${query}`));
    await client.next("WELCOME");
    return client;
  }

  get welcome() {
    return this.frames.find((f) => f.type === "WELCOME")!.payload as { senderId: string; serverId: string; peers: string[] };
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  ofType(type: string) {
    return this.frames.filter((f) => f.type === type);
  }

  async next(type: string, where: (payload: Record<string, unknown>) => boolean = () => true, timeoutMs = 10_000) {
    await waitFor(`a ${type} frame`, () => this.frames.some((f) => f.type === type && where(f.payload)), timeoutMs);
    return this.frames.find((f) => f.type === type && where(f.payload))!;
  }

  close(): void {
    this.ws.close();
  }
}

const BIN = fileURLToPath(new URL("../../bin/lfcc.js", import.meta.url));

/** One `lfcc serve` child process; resolves once it logged `listening`. */
export async function spawnServe(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number; url: string; logs: string[] }> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, "serve", "--port", String(port), "--host", "127.0.0.1", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const collect = (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  try {
    await waitFor(`lfcc serve on ${port} listening`, () => {
      if (child.exitCode !== null) throw new Error(`lfcc serve exited ${child.exitCode}: ${logs.join("\n")}`);
      return logs.some((line) => line.includes("listening"));
    }, 30_000);
  } catch (error) {
    child.kill("SIGKILL"); // never leak a relay process past a failed start
    throw error;
  }
  return { child, port, url: `ws://127.0.0.1:${port}/`, logs };
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, "exit");
  child.kill(signal);
  const [code] = await exited;
  return code as number | null;
}

export async function getJson(port: number, path: string): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: response.status, body, text };
}
