/**
 * The trace detail of a frame on the virtual network (`net.send`): sizes and a content
 * fingerprint, not the content (kept small). It is the most frequent event of a run, so besides
 * the detail object there is its JSON text built directly: exactly what JSON.stringify writes for
 * that object (test/sim/trace-detail.test.ts compares them), without building and walking it.
 */
import { RecentMemo } from "../../lab/recent-memo.ts";
import type { NodeName, Wire } from "./network.ts";

export function frameDetail(conn: number, to: NodeName, wire: Wire): Record<string, unknown> {
  if (wire.kind === "open") return { conn, to, wire: "open" };
  if (wire.kind === "close") return { conn, to, wire: "close", code: wire.info.code };
  return { conn, to, bytes: wire.frame.bytes, fp: frameFingerprint(wire.frame.data) };
}

/** JSON.stringify(frameDetail(conn, to, wire)), the common case written out. */
export function frameDetailJson(conn: number, to: NodeName, wire: Wire): string {
  if (wire.kind !== "data") return JSON.stringify(frameDetail(conn, to, wire));
  const { bytes } = wire.frame;
  // Template literals print finite numbers as JSON does; anything else takes the general path.
  if (!Number.isFinite(conn) || typeof bytes !== "number" || !Number.isFinite(bytes)) return JSON.stringify(frameDetail(conn, to, wire));
  return `{"conn":${conn},"to":${JSON.stringify(to)},"bytes":${bytes},"fp":${frameFingerprint(wire.frame.data)}}`;
}

function frameFingerprint(frame: unknown): number {
  const data = frame as { message?: unknown; op?: unknown; id?: unknown } | string;
  if (typeof data === "string") return fingerprint(data);
  // y-websocket's binary frames (sim/net/binary-websocket.ts): the first 4 KiB, byte by byte.
  if (data instanceof Uint8Array) return fingerprintBytes(data, 4096);
  // Redis commands, replies and pushes: their text payload, if any, is what matters.
  // (A reply's "op#id" is a new string each time: not worth a place in the memo.)
  return typeof data.message === "string" ? fingerprint(data.message) : fnv1a(`${String(data.op)}#${String(data.id)}`);
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The texts fingerprinted last: the same string object is sent many times within a short stretch
 * (a relay's fan-out writes one frame to every local client; a Redis PUBLISH carries the message
 * that each subscriber's push carries again), so each is hashed once, not once per copy.
 */
const recent = new RecentMemo<number>(8);

/** FNV-1a, 32 bits: enough to make content differences change the trace hash. */
export function fingerprint(text: string): number {
  return recent.get(text, fnv1a);
}

function fnv1a(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** The same FNV-1a over bytes as over the string of their char codes, without building that string. */
export function fingerprintBytes(bytes: Uint8Array, limit: number): number {
  let hash = FNV_OFFSET;
  const end = Math.min(bytes.length, limit);
  for (let i = 0; i < end; i++) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}
