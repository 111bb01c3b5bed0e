/**
 * Payload checks per message type, shared by client frames and routed messages: tight hand checks
 * (this is the hot path; a schema library would allocate per field). Each returns an error text,
 * or null when the payload is acceptable.
 */
import { MessageType } from "./messages.ts";

type Payload = Record<string, unknown>;
type PayloadCheck = (payload: Payload) => string | null;

const isString = (value: unknown): value is string => typeof value === "string";
const isOptionalString = (value: unknown) => value === undefined || typeof value === "string";

function requireString(payload: Payload, field: string): string | null {
  return isString(payload[field]) ? null : `payload.${field} must be a string`;
}

function optionalString(payload: Payload, field: string): string | null {
  return isOptionalString(payload[field]) ? null : `payload.${field} must be a string when present`;
}

export const PAYLOAD_CHECKS: Record<string, PayloadCheck> = {
  // `to` (extension): an answer for one client only (PROTOCOL.md section 8, no amplification).
  [MessageType.CRDT_UPDATE]: (p) => requireString(p, "update") ?? optionalString(p, "to"),
  // Presence state is any JSON by contract; the payload object itself was already checked.
  [MessageType.PRESENCE]: () => null,
  [MessageType.SNAPSHOT_REQUEST]: (p) => requireString(p, "requestId") ?? optionalString(p, "stateVector"),
  [MessageType.SNAPSHOT_RESPONSE]: (p) =>
    requireString(p, "requestId") ??
    (p.update === null || isString(p.update) ? null : "payload.update must be a string or null") ??
    optionalString(p, "stateVector"),
  [MessageType.SYNC_STEP1]: (p) => requireString(p, "stateVector") ?? optionalString(p, "to") ?? optionalString(p, "deleteSet"),
  [MessageType.JOIN]: (p) => requireString(p, "senderId"),
  [MessageType.LEAVE]: (p) => requireString(p, "senderId") ?? optionalString(p, "reason"),
  [MessageType.RESYNC]: () => null,
};

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
