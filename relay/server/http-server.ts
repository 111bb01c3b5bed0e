/**
 * The production host around a relay: one HTTP server for `GET /health`, `GET /metrics` and the
 * WebSocket upgrade (any path, `?docId=`). Validates docId (400) and the JWT (401) and applies the
 * connection caps (503) before the upgrade, assigns each connection its senderId, feeds frames and
 * closes to the relay, and closes a socket with 1008 when its token expires (PROTOCOL.md sections
 * 1 and 8). `lfcc serve` is a thin CLI over this; the chaos runner and integration tests use it too.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Clock, Logger } from "../ports.ts";
import { cryptoRandom, systemClock } from "../adapters/system.ts";
import { DEFAULT_ADMISSION_CONFIG, type ServerAdmissionConfig, type YWebsocketConfig } from "../config.ts";
import { YWebsocketDialect } from "../dialects/y-websocket/dialect.ts";
import type { Role } from "../protocol/messages.ts";
import { refuseYWebsocket, registerYWebsocketMetrics, yWebsocketConnection } from "./y-websocket-host.ts";
import { authorize, secretKey } from "./auth.ts";
import type { HostedRelay } from "./hosted-relay.ts";
import { startLivenessChecks, trackLiveness } from "./liveness.ts";
import { createRelayMetrics } from "./metrics.ts";
import { readUpgradeTarget, refuseUpgrade, requestUrl } from "./upgrade-request.ts";
import { ConnectionAdmission } from "./admission.ts";
import { ContainedErrors } from "./contain.ts";
import { createLimitedHttpServer } from "./http-limits.ts";
import { RejectionTally, SERVER_REJECTION_REASONS as R, type ServerRejectionReason } from "./rejections.ts";
import { whenExpired } from "./token-expiry.ts";

export interface RelayHostOptions {
  relay: HostedRelay;
  /** Assigns the senderId of a new connection. */
  newClientId: () => string;
  logger: Logger;
  /** When set, clients must present an HS256 JWT signed with it. An empty string throws. */
  jwtSecret?: string;
  /**
   * The relay answers frames over its maxFrameBytes with ERROR TOO_LARGE; `ws` must let such frames
   * through to it, so its own hard limit (close 1009) sits well above. Default 4x maxFrameBytes.
   */
  wsMaxPayloadBytes: number;
  /** Ping every client this often; terminate the ones that missed the last pong. Default 30 000 ms. */
  pingIntervalMs?: number;
  /** Connection caps and the headers timeout; defaults in relay/config.ts (DEFAULT_ADMISSION_CONFIG). */
  admission?: Partial<ServerAdmissionConfig>;
  /** Where the host's refusals are counted. Default: a tally of its own. */
  rejections?: RejectionTally;
  /** Token expiry timers. Default: the system clock. */
  clock?: Clock;
  /** The y-websocket dialect's timers (defaults in relay/config.ts). */
  yWebsocket?: Partial<YWebsocketConfig>;
}

export interface RelayHost {
  readonly httpServer: Server;
  readonly rejections: RejectionTally;
  readonly admission: ConnectionAdmission;
  listen(port: number, host?: string): Promise<AddressInfo>;
  address(): AddressInfo | null;
  /** Graceful: relay.shutdown() (sockets closed with 1001), then the HTTP server. */
  close(): Promise<void>;
}

const POLICY_VIOLATION = 1008;

export function createRelayHost(options: RelayHostOptions): RelayHost {
  const { relay, logger } = options;
  const clock = options.clock ?? systemClock;
  const limits = { ...DEFAULT_ADMISSION_CONFIG, ...stripUndefined(options.admission ?? {}) };
  const secret = secretKey(options.jwtSecret);
  const rejections = options.rejections ?? new RejectionTally();
  const contained = new ContainedErrors(logger);
  const admission = new ConnectionAdmission(limits);
  const metrics = createRelayMetrics(relay, { rejections, containedErrors: contained });
  const yWebsocket = new YWebsocketDialect({ relay, clock, random: cryptoRandom, config: options.yWebsocket });
  registerYWebsocketMetrics(metrics.registry, yWebsocket);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.wsMaxPayloadBytes });
  const httpServer = createLimitedHttpServer(
    (request, response) => void serveHttp(request, response).catch((error: unknown) => contained.record("http-request", error)),
    limits,
    (reason) => rejections.count(reason, "upgrade"),
  );
  let stopLiveness: (() => void) | null = null;
  let closing: Promise<void> | null = null;

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = requestUrl(request)?.pathname ?? null;
    try {
      if (request.method === "GET" && path === "/health") {
        return sendText(response, 200, "application/json", JSON.stringify(relay.health()));
      }
      if (request.method === "GET" && path === "/metrics") {
        return sendText(response, 200, metrics.registry.contentType, await metrics.registry.metrics());
      }
      sendText(response, 404, "text/plain", "not found: try /health, /metrics, or a WebSocket with ?docId=\n");
    } catch (error) {
      contained.record("http-request", error);
      if (!response.headersSent) sendText(response, 500, "text/plain", "internal error\n");
      else response.destroy();
    }
  }

  function refuse(socket: Duplex, status: number, reason: ServerRejectionReason, detail: string): void {
    rejections.count(reason, "upgrade");
    // Debug, not info: under a flood one line per refusal would itself fill the disk. /metrics counts them.
    logger.debug({ status, reason, detail }, "connection refused");
    refuseUpgrade(socket, status, detail);
  }

  // Defined once, not inside upgrade(): a closure there would keep upgrade()'s whole scope (the
  // auth result, docId...) alive for as long as the socket is open.
  const onUpgradeSocketError = (error: Error) => logger.debug({ err: String(error) }, "upgrade socket error");

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", onUpgradeSocketError);
    if (closing) return refuseUpgrade(socket, 503, "server shutting down");
    const { docId, token, dialect } = readUpgradeTarget(request);
    if (!docId) return refuse(socket, 400, R.badDocId, "missing or invalid docId (^[A-Za-z0-9._:-]{1,128}$)");
    const auth = await authorize(secret, token, docId);
    if (!auth.ok && dialect === "y-websocket" && !socket.destroyed) {
      // y-websocket retries an HTTP 401 forever; a 4401/4403 close makes it stop (PROTOCOL.md section 9).
      rejections.count(auth.reason, "upgrade");
      return wss.handleUpgrade(request, socket, head, (ws) => refuseYWebsocket(ws, auth.reason === R.docForbidden, auth.detail));
    }
    if (!auth.ok) return refuse(socket, 401, auth.reason, auth.detail);
    // The peer may have gone while the token was checked: a slot taken now would never be released.
    if (socket.destroyed) return;
    if (closing) return refuseUpgrade(socket, 503, "server shutting down");
    const admitted = admission.tryAdmit(request.socket.remoteAddress);
    if (!admitted.ok) return refuse(socket, 503, admitted.reason, `too many connections (${admitted.reason})`);
    // Released on the raw socket's close, whichever way it ends (failed handshake included).
    // `on`, not `once`: 'close' fires once and release() is idempotent, and once() would add a
    // wrapper, its state and a bound function per connection (~130 bytes at 10,000 connections).
    socket.on("close", admitted.release);
    wss.handleUpgrade(request, socket, head, contained.wrap("attach", (ws: WebSocket) => attach(ws, docId, auth.role, auth.expiresAtMs, dialect)));
  }

  // The JSON dialect's socket listeners, shared by every JSON socket (`this` is the socket): with
  // a closure or two per connection, 10,000 idle connections held ~5 MiB more (bench/idle-cost.ts).
  const onJsonMessage = contained.wrapShared("ws-message", (ws: WebSocket, data: Buffer | ArrayBuffer | Buffer[]) => relay.handleMessage(ws, data));
  const onJsonClose = contained.wrapShared("ws-close", (ws: WebSocket) => relay.handleDisconnection(ws));

  function attach(ws: WebSocket, docId: string, role: Role, expiresAtMs: number | null, dialect: "json" | "y-websocket"): void {
    const senderId = options.newClientId();
    trackLiveness(ws);
    // Registered before the relay's close listener, so the timer is gone before the relay hears of it.
    if (expiresAtMs !== null) ws.once("close", contained.wrap("ws-close", expiryTimer(ws, senderId, docId, expiresAtMs)));
    ws.on("error", (error) => logger.debug({ senderId, err: String(error) }, "client socket error"));
    let opened: Promise<void>;
    if (dialect === "y-websocket") {
      const connection = yWebsocketConnection(yWebsocket, ws, docId, senderId, role);
      ws.on("message", contained.wrap("ws-message", connection.message));
      ws.on("close", contained.wrap("ws-close", connection.closed));
      opened = connection.open();
    } else {
      ws.on("message", onJsonMessage);
      ws.on("close", onJsonClose);
      opened = relay.handleConnection(ws, docId, senderId, { role });
    }
    opened.catch((error: unknown) => {
      contained.record("handle-connection", error);
      ws.terminate();
    });
  }

  /** Closes `ws` with 1008 when its token expires; returns the cancel function. */
  function expiryTimer(ws: WebSocket, senderId: string, docId: string, expiresAtMs: number): () => void {
    return whenExpired(clock, expiresAtMs, contained.wrap("token-expiry", () => {
      rejections.count(R.authExpired, "client");
      logger.info({ senderId, docId }, "token expired: closing its socket");
      ws.close(POLICY_VIOLATION, "token expired");
    }));
  }

  httpServer.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrade(request, socket, head).catch((error: unknown) => {
      contained.record("upgrade", error);
      socket.destroy();
    });
  });
  // A failed accept (EMFILE under a connection flood) is emitted here: without a listener it would throw.
  const onServerError = (error: Error) => contained.record("http-server", error);
  wss.on("error", onServerError);

  return {
    httpServer,
    rejections,
    admission,
    async listen(port, host = "127.0.0.1") {
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          resolve();
        });
      });
      httpServer.on("error", onServerError);
      stopLiveness = startLivenessChecks(wss, options.pingIntervalMs ?? 30_000, contained);
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

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
