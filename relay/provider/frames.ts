/**
 * Reading and writing frames on the client side. Incoming frames come from a server we do not
 * fully trust (or a buggy one): anything that is not a JSON object with a string `type` and an
 * object `payload` is ignored rather than thrown, so one bad frame never kills a provider.
 */
import type { Envelope } from "../protocol/messages.ts";

/** The envelope fields a client sends (the server stamps senderId, messageId, ts). */
export interface OutgoingFrame {
  type: string;
  docId: string;
  payload: object;
}

export function encodeFrame(frame: OutgoingFrame): string {
  return JSON.stringify(frame);
}

/** Text of a socket message event (browser WebSocket: string; `ws`/virtual: maybe bytes). */
export function frameText(data: unknown): string | null {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) {
    return new TextDecoder().decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return null;
}

/** The parsed envelope, or null when the frame is not one. */
export function parseFrame(data: unknown): Envelope | null {
  const text = frameText(data);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || typeof value.type !== "string" || !isRecord(value.payload)) return null;
  return {
    type: value.type,
    docId: typeof value.docId === "string" ? value.docId : "",
    senderId: typeof value.senderId === "string" ? value.senderId : "",
    messageId: typeof value.messageId === "string" ? value.messageId : "",
    ts: typeof value.ts === "number" ? value.ts : 0,
    payload: value.payload,
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringField(payload: Record<string, unknown>, name: string): string | undefined {
  const value = payload[name];
  return typeof value === "string" ? value : undefined;
}
