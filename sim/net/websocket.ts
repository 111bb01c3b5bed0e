/**
 * Virtual WebSockets over the virtual network. `VirtualClientSocket` has the browser WebSocket
 * shape the provider expects (ClientSocket); `VirtualRelaySocket` is the server side the relay
 * expects (RelaySocket, with bufferedAmount fed by the network's back-pressure model).
 * Frames are strings (the protocol is JSON text); their size is their UTF-8 length.
 */
import type { ClientSocket, RelaySocket } from "../../relay/ports.ts";
import type { CloseInfo, Endpoint } from "./network.ts";

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

export function frameBytes(data: string): number {
  return Buffer.byteLength(data, "utf8");
}

export class VirtualClientSocket implements ClientSocket {
  readyState = CONNECTING;
  onopen: ((ev?: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev?: unknown) => void) | null = null;
  /** Host hook (observers): called once when the socket ends, before onclose. */
  onFinish: ((info: CloseInfo) => void) | undefined;

  constructor(readonly endpoint: Endpoint) {
    endpoint.onOpen = () => {
      if (this.readyState !== CONNECTING) return;
      this.readyState = OPEN;
      this.onopen?.({});
    };
    endpoint.onMessage = (data) => {
      if (this.readyState === OPEN) this.onmessage?.({ data });
    };
    endpoint.onClose = (info) => this.finish(info);
  }

  send(data: string): void {
    if (this.readyState === CONNECTING) throw new Error("InvalidStateError: WebSocket is still CONNECTING");
    if (this.readyState !== OPEN) return; // browsers silently discard after close
    this.endpoint.send(data, frameBytes(String(data)));
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    this.endpoint.close({ code, reason });
  }

  private finish(info: CloseInfo): void {
    if (this.readyState === CLOSED) return;
    const failedToConnect = this.readyState === CONNECTING;
    this.readyState = CLOSED;
    this.onFinish?.(info);
    if (failedToConnect || info.code === 1006) this.onerror?.({ type: "error" });
    this.onclose?.({ code: info.code, reason: info.reason });
  }
}

export class VirtualRelaySocket implements RelaySocket {
  readyState = OPEN;
  /** Set by the host: feeds frames and the close to the relay. */
  onMessage: ((data: string) => void) | undefined;
  onClose: ((info: CloseInfo) => void) | undefined;

  constructor(readonly endpoint: Endpoint) {
    endpoint.onMessage = (data) => {
      if (this.readyState === OPEN) this.onMessage?.(String(data));
    };
    endpoint.onClose = (info) => {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      this.onClose?.(info);
    };
  }

  get bufferedAmount(): number {
    return this.endpoint.bufferedBytes;
  }

  send(data: string): void {
    if (this.readyState !== OPEN) return;
    this.endpoint.send(data, frameBytes(data));
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState !== OPEN) return;
    this.readyState = CLOSING;
    this.endpoint.close({ code, reason });
  }
}
