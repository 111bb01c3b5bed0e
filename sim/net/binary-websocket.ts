/**
 * Binary virtual WebSockets for the y-websocket dialect: the browser-shaped client socket the real
 * WebsocketProvider constructs (it checks `ws.readyState === ws.OPEN` and reads
 * `new Uint8Array(event.data)`), and the server side the dialect's sessions write to. Frames are
 * copied into this realm's Uint8Array on the way in and out, since the provider runs in its own
 * vm context (sim/yws/real-provider.ts) whose typed arrays fail `instanceof` here.
 */
import type { BinarySocket } from "../../relay/dialects/y-websocket/session.ts";
import type { CloseInfo, Endpoint } from "./network.ts";

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

function copy(data: unknown): Uint8Array | string {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return new Uint8Array(data as ArrayBuffer);
}

function sizeOf(data: Uint8Array | string): number {
  return typeof data === "string" ? Buffer.byteLength(data, "utf8") : data.byteLength;
}

/** The WebSocket API subset y-websocket uses, over one virtual connection. */
export class VirtualBinaryClientSocket {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  readonly CONNECTING = CONNECTING;
  readonly OPEN = OPEN;
  readonly CLOSING = CLOSING;
  readonly CLOSED = CLOSED;
  readyState = CONNECTING;
  binaryType = "arraybuffer";
  onopen: ((ev?: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev?: unknown) => void) | null = null;

  constructor(
    readonly endpoint: Endpoint,
    private readonly onFinish: (info: CloseInfo) => void,
  ) {
    endpoint.onOpen = () => {
      if (this.readyState !== CONNECTING) return;
      this.readyState = OPEN;
      this.onopen?.({ type: "open" });
    };
    endpoint.onMessage = (data) => {
      if (this.readyState !== OPEN) return;
      const bytes = copy(data);
      this.onmessage?.({ data: typeof bytes === "string" ? bytes : bytes.buffer });
    };
    endpoint.onClose = (info) => this.finish(info);
  }

  send(data: unknown): void {
    if (this.readyState === CONNECTING) throw new Error("InvalidStateError: WebSocket is still CONNECTING");
    if (this.readyState !== OPEN) return;
    const frame = copy(data);
    this.endpoint.send(frame, sizeOf(frame));
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
    this.onFinish(info);
    if (failedToConnect || info.code === 1006) this.onerror?.({ type: "error" });
    this.onclose?.({ code: info.code, reason: info.reason });
  }
}

/** The server side of a y-websocket connection, as the dialect's session writes to it. */
export class VirtualBinaryRelaySocket implements BinarySocket {
  readyState = OPEN;
  onMessage: ((data: Uint8Array | string) => void) | undefined;
  onClose: ((info: CloseInfo) => void) | undefined;

  constructor(readonly endpoint: Endpoint) {
    endpoint.onMessage = (data) => {
      if (this.readyState === OPEN) this.onMessage?.(copy(data));
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

  send(data: Uint8Array): void {
    if (this.readyState !== OPEN) return;
    this.endpoint.send(data, data.byteLength);
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState !== OPEN) return;
    this.readyState = CLOSING;
    this.endpoint.close({ code, reason });
  }
}
