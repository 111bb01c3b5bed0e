/**
 * Server admission and auth against real `lfcc serve` processes on a real Redis (PROTOCOL.md
 * section 8 "Auth" and "Admission", docs/ADMISSION.md): an empty JWT secret is a start-up error,
 * strict roles, `exp` enforced on open sockets, connection caps answered 503 and given back on
 * close, half-open requests cut at the headers timeout, a malformed request target survived, and
 * every refusal counted in /metrics as lfcc_rejected_total{reason,source}.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { SignJWT } from "jose";
import { startRedisServer, type LocalRedis } from "../../chaos/infra/redis-server.ts";
import { RawClient, getJson, spawnServe, stopChild, waitFor } from "./helpers.ts";

type Served = Awaited<ReturnType<typeof spawnServe>>;

const JWT_SECRET = "admission-test-secret";
const HEADER_TIMEOUT_MS = 1000;
const BIN = fileURLToPath(new URL("../../bin/lfcc.js", import.meta.url));

let redis: LocalRedis;
let guarded: Served; // JWT required, 1 s headers timeout
let capped: Served; // no auth, at most 3 sockets and 2 per address
let emptySecretRuns: Promise<Array<{ code: number | null; output: string }>>;
const opened: WebSocket[] = [];

beforeAll(async () => {
  // Started first: these processes must refuse to start, and they load while the relays below do.
  emptySecretRuns = Promise.all([serveExit(["--jwt-secret", ""]), serveExit([], { JWT_SECRET: "" })]);
  redis = await startRedisServer();
  const common = ["--redis", redis.url, "--log-level", "warn"];
  const started = await Promise.allSettled([
    spawnServe([...common, "--jwt-secret", JWT_SECRET, "--header-timeout", `${HEADER_TIMEOUT_MS}ms`]),
    spawnServe([...common, "--max-connections", "3", "--max-connections-per-ip", "2"]),
  ]);
  [guarded, capped] = started.map((r) => (r.status === "fulfilled" ? r.value : undefined!));
  for (const result of started) if (result.status === "rejected") throw result.reason;
}, 60_000);

afterAll(async () => {
  for (const ws of opened) ws.terminate();
  await Promise.all([guarded, capped].filter(Boolean).map((s) => stopChild(s.child, "SIGKILL")));
  await redis?.stop();
});

const token = (claims: Record<string, unknown>, exp: number | string = "5m") =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setExpirationTime(exp).sign(new TextEncoder().encode(JWT_SECRET));

/** Opens a WebSocket; resolves with 101 (left open, closed in afterAll) or the refusal's HTTP status. */
function upgrade(url: string, options: { localAddress?: string } = {}): Promise<{ status: number; ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on("unexpected-response", (_req, res) => resolve({ status: res.statusCode ?? 0, ws }));
    ws.on("open", () => {
      opened.push(ws);
      resolve({ status: 101, ws });
    });
    ws.on("error", reject);
  });
}

/** lfcc_rejected_total{reason,source} as /metrics shows it now (0 when the series is absent). */
async function rejected(server: Served, reason: string, source: string): Promise<number> {
  const { text } = await getJson(server.port, "/metrics");
  const match = new RegExp(`^lfcc_rejected_total\\{reason="${reason}",source="${source}"\\} (\\d+)$`, "m").exec(text);
  return match ? Number(match[1]) : 0;
}

/** Runs `lfcc serve` expecting it to refuse to start. */
async function serveExit(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // A relay that wrongly starts must not outlive the test.
  const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const [code] = await once(child, "exit");
  clearTimeout(kill);
  return { code: code as number | null, output };
}

describe("auth (PROTOCOL.md section 8)", () => {
  it("refuses to start with an empty JWT secret, from the flag or JWT_SECRET: exit 2, one line", async () => {
    const results = await emptySecretRuns;
    for (const { code, output } of results) {
      expect(code).toBe(2);
      expect(output.trim().split("\n")).toHaveLength(1);
      expect(output).toMatch(/empty/);
      expect(output).not.toMatch(/listening/);
    }
  }, 30_000);

  it("says in the start-up line whether auth is on", () => {
    expect(guarded.logs.find((line) => line.includes("listening"))).toMatch(/auth on/);
    expect(capped.logs.find((line) => line.includes("listening"))).toMatch(/auth off/);
  });

  it("refuses a role that is not absent, editor or viewer with 401, and counts it", async () => {
    const url = (t: string) => `${guarded.url}?docId=roles&token=${t}`;
    const before = await rejected(guarded, "role-invalid", "upgrade");
    for (const role of [null, "admin", 3]) {
      expect((await upgrade(url(await token({ sub: "mallory", role })))).status, JSON.stringify(role)).toBe(401);
    }
    expect(await rejected(guarded, "role-invalid", "upgrade")).toBe(before + 3);
    expect((await upgrade(url(await token({ sub: "ann" })))).status).toBe(101);
    expect((await upgrade(url(await token({ sub: "vic", role: "viewer" })))).status).toBe(101);
  });

  it("closes an open socket with 1008 when its token expires, and counts it", async () => {
    const before = await rejected(guarded, "auth-expired", "client");
    // exp has 1 s granularity: 2-3 s from now leaves a slow machine time to finish the upgrade first.
    const shortLived = await RawClient.connect(guarded.url, "expiry", `&token=${await token({ sub: "eve" }, Math.floor(Date.now() / 1000) + 3)}`);
    const longLived = await RawClient.connect(guarded.url, "expiry", `&token=${await token({ sub: "ann" })}`);
    expect(shortLived.closeCode).toBeNull();
    await waitFor("the expired socket closed", () => shortLived.closeCode !== null, 8000);
    expect(shortLived.closeCode).toBe(1008);
    expect(await rejected(guarded, "auth-expired", "client")).toBe(before + 1);
    // Only the expired one: a valid token's socket stays open and hears the other leave.
    await longLived.next("LEAVE", (p) => p.senderId === shortLived.welcome.senderId);
    expect(longLived.closeCode).toBeNull();
    shortLived.close();
    longLived.close();
  });
});

describe("admission (PROTOCOL.md section 8)", () => {
  const url = () => `${capped.url}?docId=caps`;
  const connections = async () => (await getJson(capped.port, "/health")).body.connections as number;

  it("answers HTTP 503 over the per-address and the total cap, and frees a slot on close", async () => {
    const perIpBefore = await rejected(capped, "max-connections-per-ip", "upgrade");
    const totalBefore = await rejected(capped, "max-connections", "upgrade");
    const first = await upgrade(url(), { localAddress: "127.0.0.1" });
    expect(first.status).toBe(101);
    expect((await upgrade(url(), { localAddress: "127.0.0.1" })).status).toBe(101);
    expect((await upgrade(url(), { localAddress: "127.0.0.1" })).status).toBe(503); // 3rd from one address
    expect((await upgrade(url(), { localAddress: "127.0.0.2" })).status).toBe(101); // another address: 3 open
    expect((await upgrade(url(), { localAddress: "127.0.0.3" })).status).toBe(503); // over the total
    expect(await rejected(capped, "max-connections-per-ip", "upgrade")).toBe(perIpBefore + 1);
    expect(await rejected(capped, "max-connections", "upgrade")).toBe(totalBefore + 1);

    first.ws.close();
    await waitFor("the closed socket is gone from the server", async () => (await connections()) === 2);
    expect((await upgrade(url(), { localAddress: "127.0.0.1" })).status).toBe(101); // its address has room again
    expect(await connections()).toBe(3);
  });
});

describe("headers timeout and malformed requests", () => {
  /** A raw TCP client: what it received, and whether the server closed it. */
  function rawTcp(port: number, send: string | null, dripEveryMs?: number) {
    const socket = net.connect(port, "127.0.0.1");
    const state = { received: "", closed: false };
    socket.on("data", (chunk) => (state.received += chunk.toString()));
    socket.on("error", () => {});
    socket.on("close", () => (state.closed = true));
    if (send !== null) socket.write(send);
    if (dripEveryMs) {
      const drip = setInterval(() => socket.writable && socket.write("X-Slow: 1\r\n"), dripEveryMs);
      socket.on("close", () => clearInterval(drip));
    }
    return { socket, state };
  }

  it("cuts silent, half-sent and dripping upgrades at the headers timeout with 408, and counts them", async () => {
    const before = await rejected(guarded, "header-timeout", "upgrade");
    const partial = "GET /?docId=half-open HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    const clients = [
      ...Array.from({ length: 10 }, () => rawTcp(guarded.port, null)),
      ...Array.from({ length: 10 }, () => rawTcp(guarded.port, partial)),
      ...Array.from({ length: 5 }, () => rawTcp(guarded.port, partial, 100)),
    ];
    // The headers timeout is 1 s: well before the default 10 s (and Node's own ~85 s) all are gone.
    await waitFor("every half-open socket closed", () => clients.every((c) => c.state.closed), 5000);
    for (const client of clients.slice(10)) expect(client.state.received).toMatch(/^HTTP\/1\.1 408/);
    expect(await rejected(guarded, "header-timeout", "upgrade")).toBeGreaterThanOrEqual(before + 25);
    // Honest clients are still served.
    expect((await upgrade(`${guarded.url}?docId=after&token=${await token({ sub: "ann" })}`)).status).toBe(101);
  });

  it("drops TCP connections beyond the caps plus headroom at once, instead of holding each for the timeout", async () => {
    const before = await rejected(capped, "max-sockets", "upgrade");
    // capped: --max-connections 3, so at most 3 + 64 sockets; its headers timeout is the default 10 s.
    const clients = Array.from({ length: 90 }, () => rawTcp(capped.port, null));
    await waitFor("the surplus dropped", () => clients.filter((c) => c.state.closed).length >= 90 - 67);
    const dropped = clients.filter((c) => c.state.closed).length;
    await waitFor("each drop counted", async () => (await rejected(capped, "max-sockets", "upgrade")) === before + dropped);
    for (const client of clients) client.socket.destroy();
  });

  it("survives request targets that are not URLs (once a crash of the whole process)", async () => {
    const plain = rawTcp(guarded.port, "GET http://[ HTTP/1.1\r\nHost: relay\r\n\r\n");
    const asUpgrade = rawTcp(guarded.port, "GET http://[ HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    await waitFor("both answered", () => /^HTTP\/1\.1 404/.test(plain.state.received) && /^HTTP\/1\.1 400/.test(asUpgrade.state.received));
    plain.socket.destroy();
    asUpgrade.socket.destroy();
    expect(guarded.child.exitCode).toBeNull();
    expect(capped.child.exitCode).toBeNull();
    expect((await getJson(guarded.port, "/health")).status).toBe(200);
    expect(await rejected(guarded, "bad-doc-id", "upgrade")).toBeGreaterThanOrEqual(1);
  });
});
