/**
 * HMAC-SHA256 signatures on routed messages (PROTOCOL.md section 6): with a cluster secret, a
 * party that can only publish to Redis cannot inject edits. The signature covers a canonical
 * serialization (keys sorted at every level, `sig` excluded) so that re-encoding by JSON.parse /
 * JSON.stringify on the way never breaks it. createHmac is pure (no randomness), so it is allowed
 * in simulated code.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([key, v]) => key !== "sig" && v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, v]) => `${JSON.stringify(key)}:${canonicalJson(v)}`);
  return `{${entries.join(",")}}`;
}

export function signMessage(message: object, secret: string): string {
  return createHmac("sha256", secret).update(canonicalJson(message)).digest("hex");
}

export function hasValidSignature(message: { sig?: unknown }, secret: string): boolean {
  if (typeof message.sig !== "string" || !/^[0-9a-f]{64}$/.test(message.sig)) return false;
  const expected = Buffer.from(signMessage(message, secret), "hex");
  return timingSafeEqual(expected, Buffer.from(message.sig, "hex"));
}
