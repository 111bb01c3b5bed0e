/**
 * The `redisInject` fault's hostile Redis publisher, in sim and chaos alike (the host supplies the
 * pub/sub connection: the virtual Redis, or a real ioredis client). It listens to every document
 * channel from the start of the run and keeps what it captured; while the fault is active it
 * publishes, every INJECT_EVERY_MS:
 *  - replay: a captured message verbatim (still signed when relays sign), half of the time one
 *    older than the relay's dedup window when it has one, else one at least 1 s old;
 *  - forge: with a cluster secret, a CRDT_UPDATE the publisher made up (unsigned, or with a wrong
 *    signature); in every run, junk a relay must survive (not JSON, wrong version, deep nesting).
 */
import * as Y from "yjs";
import type { Clock, Random, TimerHandle } from "../../relay/ports.ts";
import { channels, PROTOCOL_VERSION } from "../../relay/protocol/messages.ts";
import type { RedisInjectSpec } from "./kinds.ts";
import type { AttackLedger } from "./ledger.ts";

export const INJECT_EVERY_MS = 200;
/** Captured messages kept: the first ones (the oldest, for replays past the dedup window) and the latest. */
const KEEP_OLDEST = 500;
const KEEP_LATEST = 500;
const MIN_REPLAY_AGE_MS = 1000;
/** Yjs clientID of forged content (no simulated client draws it: client ids come from their own streams). */
export const FORGER_CLIENT_ID = 0x7a7a7a7;

interface Captured {
  channel: string;
  text: string;
  tMs: number;
  keys: Array<[string, string]>;
}

export interface InjectorTransport {
  publish(channel: string, message: string): void;
}

export interface InjectorOptions {
  clock: Clock;
  /** ms since the run started (the ledger's and the captures' time base). */
  nowMs: () => number;
  random: Random;
  ledger: AttackLedger;
  docs: readonly string[];
  dedupWindowMs: number;
  clusterSecret: boolean;
}

export class RedisInjector {
  private readonly oldest: Captured[] = [];
  private readonly latest: Captured[] = [];
  private readonly forgedDoc = new Y.Doc();
  private forgedCount = 0;

  constructor(private readonly options: InjectorOptions) {
    this.forgedDoc.clientID = FORGER_CLIENT_ID;
  }

  /** The channels to subscribe to (every document channel). */
  channels(): string[] {
    return this.options.docs.flatMap((docId) => [channels.doc(docId), channels.presence(docId)]);
  }

  /** The transport calls this for every message on a subscribed channel. */
  captured(channel: string, text: string): void {
    const entry: Captured = { channel, text, tMs: this.options.nowMs(), keys: routedKeys(text) };
    for (const [senderId, messageId] of entry.keys) this.options.ledger.capturedMessage(senderId, messageId);
    if (this.oldest.length < KEEP_OLDEST) this.oldest.push(entry);
    else {
      this.latest.push(entry);
      if (this.latest.length > KEEP_LATEST) this.latest.shift();
    }
  }

  /** Starts one fault: injects every INJECT_EVERY_MS for `forMs`. */
  run(spec: RedisInjectSpec, transport: InjectorTransport): void {
    const timer: TimerHandle = this.options.clock.setInterval(() => this.tick(spec, transport), INJECT_EVERY_MS);
    this.options.clock.setTimeout(() => this.options.clock.clearInterval(timer), spec.forMs);
  }

  private tick(spec: RedisInjectSpec, transport: InjectorTransport): void {
    if (spec.replay) this.replayOne(transport);
    if (spec.forge) this.forgeOne(transport);
  }

  private replayOne(transport: InjectorTransport): void {
    const now = this.options.nowMs();
    const all = [...this.oldest, ...this.latest];
    const pastDedup = all.filter((c) => now - c.tMs > this.options.dedupWindowMs + MIN_REPLAY_AGE_MS);
    const oldEnough = all.filter((c) => now - c.tMs >= MIN_REPLAY_AGE_MS);
    const pool = pastDedup.length > 0 && this.options.random.next() < 0.5 ? pastDedup : oldEnough;
    if (pool.length === 0) return;
    const choice = pool[Math.floor(this.options.random.next() * pool.length)]!;
    for (const [senderId, messageId] of choice.keys) this.options.ledger.replayedMessage(senderId, messageId);
    transport.publish(choice.channel, choice.text);
  }

  private forgeOne(transport: InjectorTransport): void {
    const docs = this.options.docs;
    const docId = docs[Math.floor(this.options.random.next() * docs.length)]!;
    const roll = this.options.random.next();
    if (this.options.clusterSecret && roll < 0.5) {
      const messageId = `forged.${++this.forgedCount}`;
      this.forgedDoc.getText("text").insert(0, "FORGED");
      const update = Buffer.from(Y.encodeStateAsUpdate(this.forgedDoc)).toString("base64");
      const message: Record<string, unknown> = {
        v: PROTOCOL_VERSION, type: "CRDT_UPDATE", docId, senderId: "c-forged", messageId,
        sourceServerId: "forger", ts: this.options.clock.now(), payload: { update },
      };
      if (roll < 0.25) message.sig = "0".repeat(64);
      this.options.ledger.forgedMessage(messageId);
      transport.publish(channels.doc(docId), JSON.stringify(message));
      return;
    }
    this.options.ledger.forgedMessage(`junk.${++this.forgedCount}`);
    transport.publish(channels.presence(docId), junk(docId, this.forgedCount, roll));
  }
}

/** Routed messages a relay must drop without a crash: not JSON, wrong version, nested 20,000 deep (see DEEP_JSON_DEPTHS). */
function junk(docId: string, n: number, roll: number): string {
  const base = { type: "PRESENCE", docId, senderId: "c-junk", messageId: `junk.${n}`, sourceServerId: "junk", ts: 0 };
  if (roll < 0.65) return `{"v":1,"type":"PRESENCE",${n}`;
  if (roll < 0.8) return JSON.stringify({ ...base, v: 99, payload: {} });
  return `{"v":1,"type":"PRESENCE","docId":${JSON.stringify(docId)},"senderId":"c-junk","messageId":"junk.${n}","sourceServerId":"junk","ts":0,"payload":{"state":${"[".repeat(20_000)}${"]".repeat(20_000)}}}`;
}

/** (senderId, messageId) of a routed message and, for a BATCH, of every message inside it. */
function routedKeys(text: string): Array<[string, string]> {
  try {
    const message = JSON.parse(text) as { senderId?: unknown; messageId?: unknown; type?: unknown; payload?: { messages?: unknown } };
    const keys: Array<[string, string]> = [];
    if (typeof message.senderId === "string" && typeof message.messageId === "string") keys.push([message.senderId, message.messageId]);
    if (message.type === "BATCH" && Array.isArray(message.payload?.messages)) {
      for (const inner of message.payload.messages as Array<{ senderId?: unknown; messageId?: unknown }>) {
        if (typeof inner.senderId === "string" && typeof inner.messageId === "string") keys.push([inner.senderId, inner.messageId]);
      }
    }
    return keys;
  } catch {
    return [];
  }
}
