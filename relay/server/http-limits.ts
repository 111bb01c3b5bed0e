/**
 * The HTTP server with the admission timeouts (PROTOCOL.md section 8 "Admission"): every request,
 * the WebSocket upgrade included, must complete its headers within `headersTimeoutMs`, so half-open
 * and dripping (slowloris) connections are cut instead of held. Node checks the deadline every
 * `connectionsCheckingInterval`, 30 s by default, which alone held them up to ~85 s: it is set to a
 * fraction of the timeout here. Parser refusals are answered and counted, never left to the default.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { SERVER_REJECTION_REASONS as R, type ServerRejectionReason } from "./rejections.ts";

/**
 * Sockets, admitted WebSockets and requests still sending their headers together, beyond which Node
 * drops new TCP connections at once: a flood of half-open sockets cannot use up the process's file
 * descriptors in the headers-timeout window, and admitted clients keep room for /health scrapes.
 */
export function maxSockets(maxConnections: number): number {
  return maxConnections + Math.max(64, Math.ceil(maxConnections / 10));
}

/** Node's checking granularity: the deadline is met to within this. */
export function checkingIntervalMs(headersTimeoutMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4)));
}

export function createLimitedHttpServer(
  handler: RequestListener,
  limits: { headersTimeoutMs: number; maxConnections: number },
  onRefused: (reason: ServerRejectionReason) => void,
): Server {
  const { headersTimeoutMs } = limits;
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      // Only GETs without a body come here: the whole request gets the same deadline as its headers.
      requestTimeout: headersTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(headersTimeoutMs),
    },
    handler,
  );
  server.maxConnections = maxSockets(limits.maxConnections);
  server.on("drop", () => onRefused(R.maxSockets));
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const answer = clientErrorAnswer(error.code);
    if (answer) {
      onRefused(answer.reason);
      if (socket.writable) socket.write(`HTTP/1.1 ${answer.status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  return server;
}

/** Resets and other network errors are no refusal of input: they are dropped without an answer. */
function clientErrorAnswer(code: string | undefined): { status: string; reason: ServerRejectionReason } | null {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return { status: "408 Request Timeout", reason: R.headerTimeout };
  if (code === "HPE_HEADER_OVERFLOW") return { status: "431 Request Header Fields Too Large", reason: R.badHttpRequest };
  if (code?.startsWith("HPE_")) return { status: "400 Bad Request", reason: R.badHttpRequest };
  return null;
}
