/**
 * The binary fields of CRDT messages must be what they claim (PROTOCOL.md section 8): `update`
 * valid base64 of a decodable Yjs v1 update, state vectors decodable state vectors, a SYNC_STEP1
 * `deleteSet` a decodable update. Checked once, by the relay that takes the frame from its client
 * (and by receivers of unsigned routed messages): so no client ever has to parse garbage.
 * Server-side only (node:buffer).
 */
import { MessageType } from "./messages.ts";
import { isDecodableStateVector, isDecodableYjsUpdate } from "./yjs-update-check.ts";

/** Standard padded base64, as lib0's toBase64 (Buffer / btoa) writes it. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Below this many characters a JS loop into a reused buffer beats the regex plus Buffer.from. */
const SMALL_BASE64_CHARS = 1024;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) SEXTET[ALPHABET.charCodeAt(i)] = i;
const scratch = new Uint8Array((SMALL_BASE64_CHARS / 4) * 3);

/**
 * The bytes of a strict base64 string, or null (Buffer.from alone silently skips bad characters).
 * Keystroke updates are a few dozen characters: those decode into one reused buffer (the result
 * is only valid until the next call), the rest through Buffer.from.
 */
export function strictBase64(text: string): Uint8Array | null {
  const length = text.length;
  if (length % 4 !== 0) return null;
  if (length > SMALL_BASE64_CHARS) return BASE64.test(text) ? Buffer.from(text, "base64") : null;
  const padding = length === 0 ? 0 : text.charCodeAt(length - 1) !== 0x3d ? 0 : text.charCodeAt(length - 2) === 0x3d ? 2 : 1;
  const end = length - padding;
  let out = 0;
  let bits = 0;
  let buffered = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const sextet = code < 128 ? SEXTET[code]! : -1;
    if (sextet < 0) return null;
    bits = (bits << 6) | sextet;
    buffered += 6;
    if (buffered >= 8) {
      buffered -= 8;
      scratch[out++] = (bits >> buffered) & 0xff;
    }
  }
  return scratch.subarray(0, out);
}

function updateError(field: string, value: unknown): string | null {
  if (typeof value !== "string") return null; // absent or null: the structural check decided
  const bytes = strictBase64(value);
  if (!bytes) return `payload.${field} is not base64`;
  return isDecodableYjsUpdate(bytes) ? null : `payload.${field} is not a decodable Yjs update`;
}

function stateVectorError(field: string, value: unknown): string | null {
  if (typeof value !== "string") return null;
  const bytes = strictBase64(value);
  if (!bytes) return `payload.${field} is not base64`;
  return isDecodableStateVector(bytes) ? null : `payload.${field} is not a decodable Yjs state vector`;
}

/** Why the binary fields of this payload are unusable, or null when they are fine (or there are none). */
export function crdtPayloadError(type: string, payload: Record<string, unknown>): string | null {
  switch (type) {
    case MessageType.CRDT_UPDATE:
      return updateError("update", payload.update);
    case MessageType.SNAPSHOT_RESPONSE:
      return updateError("update", payload.update) ?? stateVectorError("stateVector", payload.stateVector);
    case MessageType.SNAPSHOT_REQUEST:
      return stateVectorError("stateVector", payload.stateVector);
    case MessageType.SYNC_STEP1:
      return stateVectorError("stateVector", payload.stateVector) ?? updateError("deleteSet", payload.deleteSet);
    default:
      return null;
  }
}
