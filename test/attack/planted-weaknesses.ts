/**
 * The PROTOCOL.md section 8 weaknesses put back, one each, for proving that the attack lab finds
 * them (issue 13). TEST CODE ONLY, in the style of test/fuzz/planted-catalog.ts: a factory that
 * configures or adjusts one relay, or a prototype patch applied only for the run (its undo is
 * returned). Each entry names the invariant that catches it.
 */
import { frameText, type RawFrame } from "../../relay/protocol/client-frame.ts";
import { jsonDepthExceeds } from "../../relay/protocol/json-depth.ts";
import { channels, MessageType } from "../../relay/protocol/messages.ts";
import type { ClientConnection } from "../../relay/core/client-connection.ts";
import { ClientInbox } from "../../relay/core/client-inbox.ts";
import type { RelayContext } from "../../relay/core/relay-context.ts";
import { StatelessCollabRelay } from "../../relay/relay.ts";
import type { PlantedDefinition } from "../fuzz/planted-catalog.ts";

interface InboxInternals {
  ctx: RelayContext;
  processFrame(conn: ClientConnection, data: RawFrame): void;
  admit(conn: ClientConnection, bytes: number): boolean;
  routeFromClient(conn: ClientConnection, message: { type: string; payload: Record<string, unknown> }, channel: string): void;
}
const inbox = ClientInbox.prototype as unknown as InboxInternals;

/** Replaces `proto[name]` for the run; returns the undo. */
function patchMethod<T extends object, K extends keyof T>(proto: T, name: K, make: (original: T[K]) => T[K]): () => void {
  const original = proto[name];
  proto[name] = make(original);
  return () => void (proto[name] = original);
}

/**
 * noCrash: a deeply nested PRESENCE is not refused at the edge but routed, and a relay callback
 * that throws is not contained. The signer's recursion bound (a deterministic TooDeepError; an
 * unbounded walker overflows V8's stack, which depends on JIT state) then throws out of the
 * batch-flush timer: "recursive signing without containment".
 */
function deepSigningEscapes(): () => void {
  const undoFrames = patchMethod(inbox, "processFrame", (original) => function (this: InboxInternals, conn, data) {
    const text = frameText(data);
    if (!jsonDepthExceeds(text)) return original.call(this, conn, data);
    const message = JSON.parse(text) as { type: string; payload: Record<string, unknown> };
    if (message.type === MessageType.PRESENCE) this.routeFromClient(conn, message, channels.presence(conn.docId));
  });
  const relay = StatelessCollabRelay.prototype as unknown as { createContext(dedup: unknown): RelayContext };
  const undoContain = patchMethod(relay, "createContext", (original) => function (this: unknown, dedup) {
    const ctx = original.call(this, dedup);
    ctx.contain = (_where, _source, fn) => fn();
    return ctx;
  });
  return () => {
    undoFrames();
    undoContain();
  };
}

/** amplification: an addressed SYNC_STEP1 answer goes to everyone (`to` ignored). */
function answersBroadcast(): () => void {
  return patchMethod(inbox, "routeFromClient", (original) => function (this: InboxInternals, conn, message, channel) {
    if (message.type !== MessageType.SYNC_STEP1 || message.payload.to === undefined) return original.call(this, conn, message, channel);
    const { to: _to, ...payload } = message.payload;
    return original.call(this, conn, { ...message, payload }, channel);
  });
}

/** attackersThrottled: a frame over maxFrameBytes is refused without spending the rate limit. */
function oversizeFree(): () => void {
  return patchMethod(inbox, "admit", (original) => function (this: InboxInternals, conn, bytes) {
    return bytes > this.ctx.config.maxFrameBytes ? true : original.call(this, conn, bytes);
  });
}

export const PLANTED_WEAKNESSES = {
  signingUncontained: { patch: deepSigningEscapes },
  answersBroadcast: { patch: answersBroadcast },
  /** noInjection: undecodable `update` bytes are forwarded (validation off). */
  undecodableForwarded: { factory: (options) => new StatelessCollabRelay({ ...options, validateCrdtPayloads: false }) },
  /** noInjection: no freshness check (signedFreshnessMs infinite; the config clamp bypassed after resolution). */
  noFreshness: {
    factory: (options) => {
      const relay = new StatelessCollabRelay(options);
      (relay.config as { signedFreshnessMs: number }).signedFreshnessMs = Number.POSITIVE_INFINITY;
      return relay;
    },
  },
  oversizeNotCharged: { patch: oversizeFree },
} satisfies Record<string, PlantedDefinition>;

export type PlantedWeakness = keyof typeof PLANTED_WEAKNESSES;
