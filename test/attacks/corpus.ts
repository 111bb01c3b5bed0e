/**
 * The hostile-input corpus (PROTOCOL.md section 8), as data: each attack is a client frame (built
 * here because some are megabytes or thousands of levels deep) with what the relay must answer
 * and the reason it must count. Shared by the unit tests (test/relay/hostile-input.test.ts) and
 * the real-process tests (test/integration/hostile-input.test.ts). Found attacks go here.
 */
import * as Y from "yjs";

export interface FrameAttack {
  name: string;
  /** What the issue (10) saw it do before the fix. */
  before: string;
  frame: () => string;
  /** The ERROR code the sender must get, and the reason counted in stats().rejected.client. */
  code: "BAD_MESSAGE" | "TOO_LARGE";
  reason: string;
}

/** `[[[...]]]` nested `depth` levels (arrays). */
export function nestedArrays(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** `{"a":{"a":...}}` nested `depth` levels (objects). */
export function nestedObjects(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** A Yjs v1 update whose ContentAny nests `depth` arrays: lib0's readAny recurses on it. */
export function deepAnyUpdate(depth: number): Uint8Array {
  // [1 group][1 struct][client 7][clock 0] info=0x08 (ContentAny, parent by name) parent "m",
  // parentSub missing -> use info 0x28 (BIT6: parentSub) key "k"; then [1 value][depth x array(1)][null]; empty delete set.
  const bytes = [1, 1, 7, 0, 0x28, 1, 1, 0x6d, 1, 0x6b, 1];
  for (let i = 0; i < depth; i++) bytes.push(117, 1);
  bytes.push(126, 0);
  return new Uint8Array(bytes);
}

/** A real, decodable update (one client inserting `text`): what honest clients send. */
export function realUpdate(text: string, clientId = 1): string {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  doc.getText("t").insert(0, text);
  return b64(Y.encodeStateAsUpdate(doc));
}

const frame = (type: string, payload: object) => JSON.stringify({ type, payload });

export const FRAME_ATTACKS: FrameAttack[] = [
  {
    name: "deep-presence-arrays",
    before: "two 7.6 KB frames killed a --cluster-secret relay (canonicalJson recursion in the batch flush timer)",
    frame: () => frame("PRESENCE", { state: nestedArrays(3800) }),
    code: "BAD_MESSAGE",
    reason: "depth",
  },
  {
    name: "deep-presence-objects-65",
    before: "routed to everyone",
    frame: () => frame("PRESENCE", { state: nestedObjects(64) }), // frame + payload + 64 = 66 levels
    code: "BAD_MESSAGE",
    reason: "depth",
  },
  {
    name: "update-not-base64",
    before: "forwarded to every client as an update",
    frame: () => frame("CRDT_UPDATE", { update: "!!!not-base64###" }),
    code: "BAD_MESSAGE",
    reason: "bad-update",
  },
  {
    name: "update-base64-not-yjs",
    before: "forwarded; every client's applyUpdate threw",
    frame: () => frame("CRDT_UPDATE", { update: "AQID" }),
    code: "BAD_MESSAGE",
    reason: "bad-update",
  },
  {
    name: "update-truncated",
    before: "forwarded",
    frame: () => frame("CRDT_UPDATE", { update: b64(Buffer.from(realUpdate("hello"), "base64").subarray(0, 6)) }),
    code: "BAD_MESSAGE",
    reason: "bad-update",
  },
  {
    name: "update-deep-any",
    before: "forwarded; lib0 readAny recursion overflows the stack of every client",
    frame: () => frame("CRDT_UPDATE", { update: b64(deepAnyUpdate(20_000)) }),
    code: "BAD_MESSAGE",
    reason: "bad-update",
  },
  {
    name: "snapshot-response-garbage",
    before: "handed to the requester as its document",
    frame: () => frame("SNAPSHOT_RESPONSE", { requestId: "r-x", update: "%%%%" }),
    code: "BAD_MESSAGE",
    reason: "bad-update",
  },
  {
    name: "sync-step1-bad-state-vector",
    before: "forwarded; every peer's encodeStateAsUpdate threw",
    frame: () => frame("SYNC_STEP1", { stateVector: "////" }),
    code: "BAD_MESSAGE",
    reason: "bad-update",
  },
];

/** An oversized frame (over a 1 MiB limit): before the fix it skipped the rate limiter. */
export function oversizeFrame(bytes = 1024 * 1024 + 1024): string {
  return frame("PRESENCE", { state: "x".repeat(bytes) });
}
