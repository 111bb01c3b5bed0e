/**
 * Turns one raw client frame into a validated message, or the ERROR the client gets instead
 * (PROTOCOL.md sections 2, 3 and 5). Size is checked before parsing, so an oversized frame costs
 * no JSON work. Never throws.
 */
import { crdtPayloadError } from "./crdt-payloads.ts";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "./json-depth.ts";
import { CLIENT_MESSAGE_TYPES, ErrorCode, type Role } from "./messages.ts";
import { isPlainObject, PAYLOAD_CHECKS } from "./payloads.ts";

export type RawFrame = string | Buffer | ArrayBuffer | Buffer[] | Uint8Array;

export interface ClientMessage {
  type: string;
  payload: Record<string, unknown>;
  /** The client's own messageId when it sent one (kept for de-duplication). */
  messageId?: string;
  bytes: number;
}

/** Why a frame was refused, as counted in `relay.stats().rejected` (docs/HOSTILE-INPUT.md). */
export type FrameRejection = "oversize" | "depth" | "malformed" | "bad-update" | "doc-mismatch" | "forbidden";

export type FrameResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: ErrorCode; message: string; reason: FrameRejection };

/** Types a viewer may not send: they would change the document (PROTOCOL.md section 3). */
const WRITE_TYPES: ReadonlySet<string> = new Set(["CRDT_UPDATE", "SNAPSHOT_RESPONSE"]);
const MAX_MESSAGE_ID_LENGTH = 128;

export function frameBytes(data: RawFrame): number {
  if (typeof data === "string") return Buffer.byteLength(data, "utf8");
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.byteLength, 0);
  return data.byteLength;
}

export function frameText(data: RawFrame): string {
  if (typeof data === "string") return data;
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
}

export interface FrameLimits {
  maxFrameBytes: number;
  docId: string;
  role: Role;
  /** Decode-check CRDT payloads (default true; relay config validateCrdtPayloads). */
  checkCrdt?: boolean;
}

/** `bytes` may be passed when the caller already measured the frame (the relay does, for rate limits). */
export function parseClientFrame(
  data: RawFrame,
  limits: FrameLimits,
  bytes: number = frameBytes(data),
): FrameResult {
  if (bytes > limits.maxFrameBytes) {
    return fail(ErrorCode.TOO_LARGE, `frame of ${bytes} bytes exceeds the limit of ${limits.maxFrameBytes}`, "oversize");
  }
  const text = frameText(data);
  // Before anything parses or walks it: nothing recursive may ever see a deeper value.
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    return fail(ErrorCode.BAD_MESSAGE, `frame nests deeper than ${MAX_JSON_DEPTH} levels`, "depth");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail(ErrorCode.BAD_MESSAGE, "frame is not valid JSON");
  }
  return validateEnvelope(parsed, bytes, limits);
}

function validateEnvelope(parsed: unknown, bytes: number, limits: FrameLimits): FrameResult {
  if (!isPlainObject(parsed)) return fail(ErrorCode.BAD_MESSAGE, "frame must be a JSON object");
  const { type, payload, docId, messageId } = parsed;
  if (typeof type !== "string") return fail(ErrorCode.BAD_MESSAGE, "type must be a string");
  if (!CLIENT_MESSAGE_TYPES.has(type)) return fail(ErrorCode.BAD_MESSAGE, `unknown message type ${JSON.stringify(type).slice(0, 64)}`);
  if (!isPlainObject(payload)) return fail(ErrorCode.BAD_MESSAGE, "payload must be an object");
  if (docId !== undefined && typeof docId !== "string") return fail(ErrorCode.BAD_MESSAGE, "docId must be a string");
  if (messageId !== undefined && (typeof messageId !== "string" || messageId.length > MAX_MESSAGE_ID_LENGTH)) {
    return fail(ErrorCode.BAD_MESSAGE, `messageId must be a string of at most ${MAX_MESSAGE_ID_LENGTH} characters`);
  }
  const payloadError = PAYLOAD_CHECKS[type]!(payload);
  if (payloadError) return fail(ErrorCode.BAD_MESSAGE, payloadError);
  if (docId !== undefined && docId !== limits.docId) {
    return fail(ErrorCode.DOC_MISMATCH, `docId ${JSON.stringify(docId).slice(0, 140)} is not this connection's document`, "doc-mismatch");
  }
  if (limits.role === "viewer" && WRITE_TYPES.has(type)) return fail(ErrorCode.FORBIDDEN, `a viewer may not send ${type}`, "forbidden");
  const crdtError = limits.checkCrdt === false ? null : crdtPayloadError(type, payload);
  if (crdtError) return fail(ErrorCode.BAD_MESSAGE, crdtError, "bad-update");
  return { ok: true, message: { type, payload, messageId: messageId as string | undefined, bytes } };
}

function fail(code: ErrorCode, message: string, reason: FrameRejection = "malformed"): FrameResult {
  return { ok: false, code, message, reason };
}
