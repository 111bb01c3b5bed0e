/**
 * WebSocket ping/pong liveness: a peer that did not answer the previous ping within one interval is
 * terminated, so a vanished client (laptop lid closed, NAT dropped) is reported LEAVE instead of
 * lingering forever. Real server only: the simulator models dead links itself.
 */
import type { WebSocket, WebSocketServer } from "ws";
import { systemClock } from "../adapters/system.ts";
import type { ContainedErrors } from "./contain.ts";

const alive = new WeakMap<WebSocket, boolean>();

/** One listener for every socket (`this` is the socket): no closure per connection. */
function onPong(this: WebSocket): void {
  alive.set(this, true);
}

export function trackLiveness(ws: WebSocket): void {
  alive.set(ws, true);
  ws.on("pong", onPong);
}

/** Starts pinging every client of `wss`; returns the function that stops it. */
export function startLivenessChecks(wss: WebSocketServer, intervalMs: number, contained: ContainedErrors): () => void {
  const timer = systemClock.setInterval(contained.wrap("liveness", () => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }
  }), intervalMs);
  return () => systemClock.clearInterval(timer);
}
