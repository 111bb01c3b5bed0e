/**
 * Real ports for the client provider when the caller passes none. Kept apart from
 * relay/adapters/system.ts on purpose: the provider also runs in browsers, so its defaults use
 * only what browsers and Node share (global timers, `Date`, Web Crypto, `WebSocket`), and `ws`
 * is loaded lazily, only in Node and only when no global WebSocket exists. The simulator and
 * the chaos runner always pass their own ports, so nothing here runs under simulation.
 */
import type { ClientSocket, ClientSocketFactory, Clock, Random, TimerHandle } from "../ports.ts";

export const browserSafeClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs) as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout> | undefined),
  setInterval: (fn, intervalMs) => setInterval(fn, intervalMs) as TimerHandle,
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval> | undefined),
};

function randomUint32(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}

export const browserSafeRandom: Random = {
  next: () => randomUint32() / 2 ** 32,
  uint32: randomUint32,
  id: (prefix) => `${prefix}-${randomUint32().toString(16).padStart(8, "0")}`,
};

export { silentLogger } from "./silent-logger.ts";

type WebSocketConstructor = new (url: string) => ClientSocket;

/** `new WebSocket(url)` with the global WebSocket when there is one, else the `ws` package. */
export async function loadDefaultSocketFactory(): Promise<ClientSocketFactory> {
  const globalWebSocket = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (globalWebSocket) return (url) => new globalWebSocket(url);
  const { WebSocket } = await import("ws");
  return (url) => new WebSocket(url) as unknown as ClientSocket;
}
