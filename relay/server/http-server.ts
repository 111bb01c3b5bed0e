/**
 * The production host around a relay: one HTTP server for `GET /health`, `GET /metrics` and the
 * WebSocket upgrade (any path, `?docId=`). Validates docId (400) and the JWT (401) before the
 * upgrade, assigns each connection its senderId, and feeds frames and closes to the relay.
 * `lfcc serve` is a thin CLI over this; the chaos runner and integration tests use it too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { YWebsocketConfig } from "../config.ts";
import type { Logger } from "../ports.ts";
import { cryptoRandom, systemClock } from "../adapters/system.ts";
import { YWebsocketDialect } from "../dialects/y-websocket/dialect.ts";
import { attachYWebsocket, refuseYWebsocket, registerYWebsocketMetrics } from "./y-websocket-host.ts";
import { authorize, secretKey } from "./auth.ts";
import type { HostedRelay } from "./hosted-relay.ts";
import { startLivenessChecks, trackLiveness } from "./liveness.ts";
import { createRelayMetrics } from "./metrics.ts";
import { readUpgradeTarget, refuseUpgrade } from "./upgrade-request.ts";

export interface RelayHostOptions {
  relay: HostedRelay;
  /** Assigns the senderId of a new connection. */
  newClientId: () => string;
  logger: Logger;
  /** When set, clients must present an HS256 JWT signed with it. */
  jwtSecret?: string;
  /**
   * The relay answers frames over its maxFrameBytes with ERROR TOO_LARGE; `ws` must let such frames
   * through to it, so its own hard limit (close 1009) sits well above. Default 4x maxFrameBytes.
   */
  wsMaxPayloadBytes: number;
  /** Ping every client this often; terminate the ones that missed the last pong. Default 30 000 ms. */
  pingIntervalMs?: number;
  /** The y-websocket dialect's timers (defaults in relay/config.ts). */
  yWebsocket?: Partial<YWebsocketConfig>;
}

export interface RelayHost {
  readonly httpServer: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  address(): AddressInfo | null;
  /** Graceful: relay.shutdown() (sockets closed with 1001), then the HTTP server. */
  close(): Promise<void>;
}

export function createRelayHost(options: RelayHostOptions): RelayHost {
  const { relay, logger } = options;
  const secret = secretKey(options.jwtSecret);
  const yWebsocket = new YWebsocketDialect({ relay, clock: systemClock, random: cryptoRandom, config: options.yWebsocket });
  const metrics = createRelayMetrics(relay);
  registerYWebsocketMetrics(metrics.registry, yWebsocket);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.wsMaxPayloadBytes });
  const httpServer = createServer((request, response) => void serveHttp(request, response));
  let stopLiveness: (() => void) | null = null;
  let closing: Promise<void> | null = null;

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://relay.invalid").pathname;
    try {
      if (request.method === "GET" && path === "/health") {
        return sendText(response, 200, "application/json", JSON.stringify(relay.health()));
      }
      if (request.method === "GET" && path === "/metrics") {
        return sendText(response, 200, metrics.registry.contentType, await metrics.registry.metrics());
      }
      sendText(response, 404, "text/plain", "not found: try /health, /metrics, or a WebSocket with ?docId=\n");
    } catch (error) {
      logger.error({ err: String(error), path }, "http handler failed");
      sendText(response, 500, "text/plain", "internal error\n");
    }
  }

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", (error) => logger.debug({ err: String(error) }, "upgrade socket error"));
    if (closing) return refuseUpgrade(socket, 503, "server shutting down");
    const { docId, token, dialect } = readUpgradeTarget(request);
    if (!docId) return refuseUpgrade(socket, 400, "missing or invalid docId (^[A-Za-z0-9._:-]{1,128}$)");
    const auth = await authorize(secret, token, docId);
    if (!auth.ok) {
      logger.info({ docId, reason: auth.reason }, "connection refused");
      // y-websocket retries an HTTP 401 forever; a 4401/4403 close makes it stop (PROTOCOL.md section 9).
      if (dialect === "y-websocket") return wss.handleUpgrade(request, socket, head, (ws) => refuseYWebsocket(ws, auth.reason));
      return refuseUpgrade(socket, 401, auth.reason);
    }
    if (dialect === "y-websocket") {
      return wss.handleUpgrade(request, socket, head, (ws) => {
        trackLiveness(ws);
        attachYWebsocket(yWebsocket, ws, docId, options.newClientId(), auth.role, logger);
      });
    }
    wss.handleUpgrade(request, socket, head, (ws) => attach(ws, docId, auth.role));
  }

  function attach(ws: WebSocket, docId: string, role: "editor" | "viewer"): void {
    const senderId = options.newClientId();
    trackLiveness(ws);
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => relay.handleMessage(ws, data));
    ws.on("close", () => relay.handleDisconnection(ws));
    ws.on("error", (error) => logger.debug({ senderId, err: String(error) }, "client socket error"));
    relay.handleConnection(ws, docId, senderId, { role }).catch((error: unknown) => {
      logger.error({ senderId, docId, err: String(error) }, "handleConnection failed");
      ws.close(1011, "internal error");
    });
  }

  httpServer.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrade(request, socket, head).catch((error: unknown) => {
      logger.error({ err: String(error) }, "upgrade failed");
      socket.destroy();
    });
  });
  httpServer.on("clientError", (_error, socket) => socket.destroy());

  return {
    httpServer,
    async listen(port, host = "127.0.0.1") {
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          resolve();
        });
      });
      stopLiveness = startLivenessChecks(wss, options.pingIntervalMs ?? 30_000);
      return httpServer.address() as AddressInfo;
    },
    address: () => (httpServer.address() as AddressInfo | null) ?? null,
    close() {
      closing ??= (async () => {
        stopLiveness?.();
        yWebsocket.close();
        await relay.shutdown();
        await closeStragglers(wss, 1000);
        wss.close();
        httpServer.closeAllConnections();
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        metrics.registry.clear();
      })();
      return closing;
    },
  };
}

/** Gives the 1001 close handshakes the relay started a moment to finish, then cuts what is left. */
async function closeStragglers(wss: WebSocketServer, graceMs: number): Promise<void> {
  const deadlineMs = systemClock.now() + graceMs;
  while (wss.clients.size > 0 && systemClock.now() < deadlineMs) {
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 20));
  }
  for (const ws of wss.clients) ws.terminate();
}

function sendText(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  response.end(body);
}
