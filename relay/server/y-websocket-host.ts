/**
 * The y-websocket dialect on real `ws` sockets: what relay/server's upgrade handler calls for an
 * upgrade on `/<docId>` (PROTOCOL.md section 9).
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { WebSocket } from "ws";
import type { Role } from "../protocol/messages.ts";
import type { YWebsocketDialect, YWebsocketStats } from "../dialects/y-websocket/dialect.ts";

/** 4400-4499: y-websocket 3 stops reconnecting (y-websocket.js `defaultShouldReconnect`). */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;

/** The path form of an upgrade: `/<docId>` (one segment, URL-decoded); null for anything else. */
export function docIdFromPath(pathname: string): string | null {
  const match = /^\/([^/]+)$/.exec(pathname);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/** An accepted `ws` socket as a dialect session: what the host feeds its frames and close to. */
export function yWebsocketConnection(dialect: YWebsocketDialect, ws: WebSocket, docId: string, senderId: string, role: Role) {
  const session = dialect.accept(ws, docId, senderId, role);
  return {
    message: (data: unknown) => session.receive(data),
    closed: () => dialect.release(session),
    open: () => session.open(),
  };
}

/**
 * Refuses an accepted socket so the client stops retrying: 4403 when the token is good but does
 * not cover the doc, 4401 for every other auth failure (missing, bad, expired token, bad role).
 */
export function refuseYWebsocket(ws: WebSocket, forbidden: boolean, detail: string): void {
  ws.close(forbidden ? CLOSE_FORBIDDEN : CLOSE_UNAUTHENTICATED, detail.slice(0, 120));
}

/** `/metrics` lines of the dialect, read from its stats at scrape time. */
export function registerYWebsocketMetrics(registry: Registry, dialect: YWebsocketDialect): void {
  const specs: Array<[string, string, "gauge" | "counter", (stats: YWebsocketStats) => number]> = [
    ["lfcc_ywebsocket_connections", "Open y-websocket dialect connections", "gauge", (s) => s.connections],
    ["lfcc_ywebsocket_input_rejected_total", "y-websocket binary messages dropped as undecodable (PROTOCOL.md section 8)", "counter", (s) => s.inputRejected],
    ["lfcc_ywebsocket_core_errors_total", "ERRORs the relay answered translated y-websocket messages with", "counter", (s) => s.coreErrors],
  ];
  for (const [name, help, kind, read] of specs) {
    if (kind === "gauge") new Gauge({ name, help, registers: [registry], collect() { this.set(read(dialect.stats())); } });
    else new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read(dialect.stats())); } });
  }
}
