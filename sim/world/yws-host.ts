/**
 * The simulated server's y-websocket door (PROTOCOL.md section 9): an upgrade on `/<docId>` (no
 * `docId` query) becomes a session of the production YWebsocketDialect over the same relay
 * instance, on a binary virtual socket. The dialect gets the instance's clock (killed on crash,
 * like every timer of a dead process) and its own random stream.
 */
import { YWebsocketDialect } from "../../relay/dialects/y-websocket/dialect.ts";
import type { YWebsocketEvent } from "../../relay/dialects/y-websocket/session.ts";
import type { YWebsocketConfig } from "../../relay/config.ts";
import type { Clock, Random } from "../../relay/ports.ts";
import type { Endpoint } from "../net/network.ts";
import { VirtualBinaryRelaySocket } from "../net/binary-websocket.ts";
import type { SimRelay } from "./relay-host.ts";

/** `ws://s1/doc-1` -> "doc-1"; null when the URL has a `docId` query (the JSON dialect) or no one-segment path. */
export function yWebsocketDocId(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.searchParams.has("docId")) return null;
    const match = /^\/([^/]+)$/.exec(parsed.pathname);
    return match ? decodeURIComponent(match[1]!) : null;
  } catch {
    return null;
  }
}

export function createSimDialect(
  relay: SimRelay,
  ports: { clock: Clock; random: Random },
  onEvent: (event: YWebsocketEvent) => void,
  config?: Partial<YWebsocketConfig>,
): YWebsocketDialect {
  return new YWebsocketDialect({
    relay: {
      handleConnection: async (ws, docId, senderId) => void (await relay.handleConnection(ws, docId, senderId)),
      handleMessage: (ws, data) => void relay.handleMessage(ws, data),
      handleDisconnection: (ws) => void relay.handleDisconnection(ws),
    },
    ...ports,
    config,
    onEvent,
  });
}

/** Wires an accepted virtual connection to a dialect session; `guard` contains (and reports) any error. */
export function acceptYWebsocket(
  dialect: YWebsocketDialect,
  endpoint: Endpoint,
  docId: string,
  senderId: string,
  guard: (call: () => unknown) => void,
  onClosed: () => void,
): void {
  const socket = new VirtualBinaryRelaySocket(endpoint);
  const session = dialect.accept(socket, docId, senderId, "editor");
  socket.onMessage = (data) => guard(() => session.receive(data));
  socket.onClose = () => {
    onClosed();
    guard(() => dialect.release(session));
  };
  guard(() => session.open());
}
