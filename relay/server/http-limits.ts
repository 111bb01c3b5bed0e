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

/** Node's checking granularity: the deadline is met to within this. */
export function checkingIntervalMs(headersTimeoutMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4)));
}

export function createLimitedHttpServer(
  handler: RequestListener,
  headersTimeoutMs: number,
  onRefused: (reason: ServerRejectionReason) => void,
): Server {
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      // Only GETs without a body come here: the whole request gets the same deadline as its headers.
      requestTimeout: headersTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(headersTimeoutMs),
    },
    handler,
  );
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
