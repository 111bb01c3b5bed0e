/**
 * HMAC-SHA256 signatures on routed messages (PROTOCOL.md sections 6 and 8): with a cluster
 * secret, a party that can only publish to Redis cannot inject edits, and cannot replay a captured
 * message on another channel (the channel is signed) or later (`ts` is signed and receivers check
 * its freshness, see routed.ts). The signature covers a canonical serialization (keys sorted at
 * every level, `sig` excluded) so that re-encoding by JSON.parse / JSON.stringify on the way
 * never breaks it. createHmac is pure (no randomness), so it is allowed in simulated code.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Deepest value canonicalJson serializes: a client frame's limit (64, PROTOCOL.md section 8) plus
 * the routed envelope and a BATCH around it. Receivers check depth on the text before verifying,
 * so only our own bug could reach this; it is a bound on recursion, never a crash.
 */
export const MAX_CANONICAL_DEPTH = 72;

export class TooDeepError extends Error {
  constructor() {
    super(`value nests deeper than ${MAX_CANONICAL_DEPTH} levels; not signed`);
  }
}

export function canonicalJson(value: unknown, depth = 0): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (depth >= MAX_CANONICAL_DEPTH) throw new TooDeepError();
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, depth + 1)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([key, v]) => key !== "sig" && v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, v]) => `${JSON.stringify(key)}:${canonicalJson(v, depth + 1)}`);
  return `{${entries.join(",")}}`;
}

/** The signature of `message` as published on `channel` (hex). */
export function signMessage(message: object, secret: string, channel: string): string {
  return createHmac("sha256", secret).update(channel).update("\n").update(canonicalJson(message)).digest("hex");
}

export function hasValidSignature(message: { sig?: unknown }, secret: string, channel: string): boolean {
  if (typeof message.sig !== "string" || !/^[0-9a-f]{64}$/.test(message.sig)) return false;
  const expected = Buffer.from(signMessage(message, secret, channel), "hex");
  return timingSafeEqual(expected, Buffer.from(message.sig, "hex"));
}
