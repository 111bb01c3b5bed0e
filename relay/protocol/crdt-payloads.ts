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

/** The bytes of a strict base64 string, or null (Buffer.from alone silently skips bad characters). */
export function strictBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null;
  return Buffer.from(text, "base64");
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
