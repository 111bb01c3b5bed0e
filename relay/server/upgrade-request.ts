/**
 * What the server needs from an HTTP upgrade request: the docId (query `docId`) and the token
 * (query `token`, or `Authorization: Bearer`). Also writes the plain HTTP refusals (400/401/503)
 * on the raw socket, since a refused upgrade never becomes a WebSocket.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { DOC_ID_PATTERN } from "../protocol/messages.ts";
import { systemClock } from "../adapters/system.ts";

export interface UpgradeTarget {
  docId: string | null;
  token: string | null;
}

export function readUpgradeTarget(request: IncomingMessage): UpgradeTarget {
  const url = requestUrl(request);
  const docId = url?.searchParams.get("docId") ?? null;
  return {
    docId: docId !== null && DOC_ID_PATTERN.test(docId) ? docId : null,
    token: url?.searchParams.get("token") ?? bearerToken(request.headers.authorization),
  };
}

/**
 * The request target as a URL, or null when it is not one: the HTTP parser lets through targets
 * such as `http://[` that `new URL` throws on, and one such request must not end the process.
 */
export function requestUrl(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? "/", "http://relay.invalid");
  } catch {
    return null;
  }
}

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 503: "Service Unavailable" };

/** How long a refused peer gets to read the answer and close its side before the socket is cut. */
const REFUSAL_LINGER_MS = 2000;

/**
 * Answers the upgrade with a plain HTTP error and drops the socket: at once once the peer closes its
 * side, at the latest after REFUSAL_LINGER_MS (a peer that never closes must not hold it).
 */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  const extra = status === 503 ? "Retry-After: 5\r\n" : "";
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n` +
      `Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  const cut = systemClock.setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS);
  socket.once("close", () => systemClock.clearTimeout(cut));
}
