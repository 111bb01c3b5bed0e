/**
 * The design doc's (spec/multi-server-stateless-architecture.md) code, run as written with a real
 * `ws` server on loopback and the in-memory bus. Only `extractDocId`, which the doc leaves to the
 * reader, is defined here.
 */
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { createInMemoryMessageBus, generateClientId, generateServerId, StatelessCollabRelay } from "../../relay/index.ts";

function extractDocId(req: IncomingMessage): string {
  return new URL(req.url ?? "/", "http://localhost").searchParams.get("docId") ?? "";
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

it("runs the design doc's wss.on('connection') example verbatim", async () => {
  // Create adapter (development)
  const adapter = createInMemoryMessageBus();
  await adapter.connect();

  const relay = new StatelessCollabRelay({
    redisAdapter: adapter,
    serverId: generateServerId(),
    enableBatching: true,
    enableRateLimiting: true,
  });

  await relay.initialize();

  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())), () => relay.shutdown());

  // Handle WebSocket connections
  wss.on("connection", (ws, req) => {
    const docId = extractDocId(req);
    const senderId = generateClientId();

    relay.handleConnection(ws, docId, senderId);

    ws.on("message", (data) => {
      relay.handleMessage(ws, data.toString());
    });

    ws.on("close", () => {
      relay.handleDisconnection(ws);
    });
  });

  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/?docId=doc-1`;
  const alice = await openClient(url);
  const bob = await openClient(url);
  expect(alice.frames[0]).toMatchObject({ type: "WELCOME", payload: { docId: "doc-1", role: "editor", peers: [] } });
  expect(bob.frames[0]!.payload.peers).toEqual([alice.frames[0]!.payload.senderId]);

  // A real Yjs update (one client inserting "hi"): the relay decodes what it routes (PROTOCOL.md section 8).
  alice.socket.send(JSON.stringify({ type: "CRDT_UPDATE", payload: { update: "AQEBAAQBAXQCaGkA" } }));
  const received = await bob.next("CRDT_UPDATE");
  expect(received).toMatchObject({ senderId: alice.frames[0]!.payload.senderId, payload: { update: "AQEBAAQBAXQCaGkA" } });
  expect(alice.frames.some((f) => f.type === "CRDT_UPDATE")).toBe(false);

  bob.socket.close();
  const leave = await alice.next("LEAVE");
  expect(leave.payload.senderId).toBe(bob.frames[0]!.payload.senderId);
  alice.socket.close();
});

interface TestClient {
  socket: WebSocket;
  frames: Array<{ type: string; senderId: string; payload: Record<string, any> }>;
  next(type: string): Promise<{ type: string; senderId: string; payload: Record<string, any> }>;
}

async function openClient(url: string): Promise<TestClient> {
  const socket = new WebSocket(url);
  const frames: TestClient["frames"] = [];
  const waiters: Array<() => void> = [];
  socket.on("message", (data) => {
    frames.push(JSON.parse(data.toString()));
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (type: string) => {
    for (;;) {
      const found = frames.find((f) => f.type === type);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  await next("WELCOME");
  return { socket, frames, next };
}
