/**
 * What the server needs from an HTTP upgrade request: the docId (query `docId`) and the token
 * (query `token`, or `Authorization: Bearer`). Also writes the plain HTTP refusals (400/401)
 * on the raw socket, since a refused upgrade never becomes a WebSocket.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { docIdFromPath } from "./y-websocket-host.ts";
import { DOC_ID_PATTERN } from "../protocol/messages.ts";

export interface UpgradeTarget {
  docId: string | null;
  token: string | null;
  /** `?docId=`: the JSON protocol; no docId query and a `/<docId>` path: y-websocket (PROTOCOL.md section 9). */
  dialect: "json" | "y-websocket";
}

export function readUpgradeTarget(request: IncomingMessage): UpgradeTarget {
  const url = new URL(request.url ?? "/", "http://relay.invalid");
  const queryDocId = url.searchParams.get("docId");
  const pathDocId = queryDocId === null ? docIdFromPath(url.pathname) : null;
  const docId = queryDocId ?? pathDocId;
  return {
    docId: docId !== null && DOC_ID_PATTERN.test(docId) ? docId : null,
    token: url.searchParams.get("token") ?? bearerToken(request.headers.authorization),
    dialect: pathDocId !== null ? "y-websocket" : "json",
  };
}

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 503: "Service Unavailable" };

/** Answers the upgrade with a plain HTTP error and drops the socket. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n` +
      "Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
