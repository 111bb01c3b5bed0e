/**
 * The frames each attack kind sends (docs/SCENARIOS-REFERENCE.md, "Attack kinds"). Pure given the
 * attacker's Random stream, so the simulator's attackers and the chaos runner's real WebSocket
 * attackers send the very same bytes for the same seed. Every frame carries the attacker's own
 * `messageId` (`<name>.<n>`): the relay keeps client messageIds, so the ledger can tell which
 * attack kind a routed copy came from.
 */
import * as Y from "yjs";
import type { Random } from "../../relay/ports.ts";
import { ATTACK_KINDS, type AttackKind, type AttackerSpec } from "./kinds.ts";

export interface AttackLimits {
  maxFrameBytes: number;
  rateLimitBytesPerSecond: number;
}

/** What a frame carries that the ledger must recognise when it reaches an honest client. */
export type Taint = "garbage" | "hostile" | "viewerEdit";

export interface AttackFrame {
  kind: AttackKind;
  type: string;
  text: string;
  bytes: number;
  messageId: string;
  /** The `payload.update` it carries and why it must not reach an honest replica (see ledger.ts). */
  update?: { value: string; taint: Taint };
}

/**
 * Nesting depths far past PROTOCOL.md's limit of 64. Only depths whose effect does not depend on
 * V8's JIT state: a recursive JS walker overflows at ~3,100 levels while cold and ~6,400 once
 * optimized, and JSON.stringify at ~4,100 either way, so 100 and 1,000 never overflow anything
 * and 20,000 always overflows every recursive walker. (The deterministic simulator cannot use the
 * 3,000-6,000 band: the same run would crash or not depending on what ran before it.)
 */
export const DEEP_JSON_DEPTHS = [100, 1000, 20_000] as const;
/** An empty state vector (Y.encodeStateVector of an empty doc): "send me everything". */
export const EMPTY_STATE_VECTOR = Buffer.from(Y.encodeStateVector(new Y.Doc())).toString("base64");
/** Envelope overhead kept free when sizing presence strings (type, docId, messageId, quotes). */
const ENVELOPE_SLACK_BYTES = 256;

export class AttackFrameSource {
  private seq = 0;
  private readonly doc: Y.Doc;
  private readonly strings = new Map<number, string>();
  private readonly kinds: AttackKind[];
  private readonly totalWeight: number;

  constructor(
    private readonly attacker: AttackerSpec,
    private readonly limits: AttackLimits,
    private readonly random: Random,
    /** Yjs clientID of the attacker's own content (editAsViewer, hostile updates). */
    readonly clientID: number,
  ) {
    this.doc = new Y.Doc();
    this.doc.clientID = clientID;
    this.kinds = ATTACK_KINDS.filter((kind) => attacker.attacks[kind] > 0);
    this.totalWeight = this.kinds.reduce((sum, kind) => sum + attacker.attacks[kind], 0);
  }

  /**
   * The next attack: a kind drawn by weight, then that kind's frame; deepJson sends two frames back
   * to back, so the second lands inside the relay's batch window (the batch is flushed from a timer).
   */
  next(): AttackFrame[] {
    const kind = this.pickKind();
    return kind === "deepJson" ? [this.frame(kind), this.frame(kind)] : [this.frame(kind)];
  }

  frame(kind: AttackKind): AttackFrame {
    const messageId = `${this.attacker.name}.${++this.seq}`;
    const build = (type: string, payload: Record<string, unknown>, update?: AttackFrame["update"]): AttackFrame => {
      const text = JSON.stringify({ type, docId: this.attacker.doc, messageId, payload });
      return { kind, type, text, bytes: Buffer.byteLength(text, "utf8"), messageId, ...(update ? { update } : {}) };
    };
    switch (kind) {
      case "deepJson": {
        const depth = DEEP_JSON_DEPTHS[Math.floor(this.random.next() * DEEP_JSON_DEPTHS.length)]!;
        // Raw text: building the value would need the recursion the attack is about.
        const text = `{"type":"PRESENCE","docId":${JSON.stringify(this.attacker.doc)},"messageId":"${messageId}","payload":{"state":${"[".repeat(depth)}${"]".repeat(depth)}}}`;
        return { kind, type: "PRESENCE", text, bytes: Buffer.byteLength(text, "utf8"), messageId };
      }
      case "garbageUpdate":
        return this.garbage(build);
      case "stateRequestFlood":
        return this.random.next() < 0.5
          ? build("SNAPSHOT_REQUEST", { requestId: `${messageId}.req`, stateVector: EMPTY_STATE_VECTOR })
          : build("SYNC_STEP1", { stateVector: EMPTY_STATE_VECTOR });
      case "oversizeFrame":
        return build("PRESENCE", { state: this.filler(this.limits.maxFrameBytes + 1 + Math.floor(this.random.next() * 1024)) });
      case "presenceBomb":
        return build("PRESENCE", { state: this.filler(presenceBombBytes(this.limits, this.attacker.rate)) });
      case "editAsViewer": {
        const update = this.ownEdit();
        return build("CRDT_UPDATE", { update }, { value: update, taint: "viewerEdit" });
      }
    }
  }

  private pickKind(): AttackKind {
    let roll = this.random.next() * this.totalWeight;
    for (const kind of this.kinds) {
      roll -= this.attacker.attacks[kind];
      if (roll < 0) return kind;
    }
    return this.kinds[this.kinds.length - 1]!;
  }

  /** Undecodable updates (not base64; base64 of a truncated update) and valid-but-hostile ones. */
  private garbage(build: (type: string, payload: Record<string, unknown>, update?: AttackFrame["update"]) => AttackFrame): AttackFrame {
    const roll = this.random.next();
    const viewer = this.attacker.role === "viewer";
    if (roll < 0.3) {
      const value = `!!!not-base64###${this.random.uint32().toString(36)}`;
      return build("CRDT_UPDATE", { update: value }, { value, taint: "garbage" });
    }
    if (roll < 0.6) {
      const whole = Y.encodeStateAsUpdate(this.editedDoc());
      const value = Buffer.from(whole.subarray(0, Math.max(1, Math.floor(whole.length / 2)))).toString("base64");
      return build("CRDT_UPDATE", { update: value }, { value, taint: "garbage" });
    }
    if (roll < 0.8) {
      const value = hostileDeleteOnlyUpdate(this.random.uint32());
      return build("CRDT_UPDATE", { update: value }, { value, taint: viewer ? "viewerEdit" : "hostile" });
    }
    const value = `!!!${this.random.uint32().toString(36)}`;
    return build("SNAPSHOT_RESPONSE", { requestId: `${this.attacker.name}.unasked`, update: value }, { value, taint: "garbage" });
  }

  private ownEdit(): string {
    const before = Y.encodeStateVector(this.doc);
    this.doc.getText("text").insert(0, "ATTACK");
    return Buffer.from(Y.encodeStateAsUpdate(this.doc, before)).toString("base64");
  }

  private editedDoc(): Y.Doc {
    if (this.doc.getText("text").length === 0) this.doc.getText("text").insert(0, "ATTACK");
    return this.doc;
  }

  /** A JSON string value of about `bytes` bytes (cached: the same size is asked for often). */
  private filler(bytes: number): string {
    let text = this.strings.get(bytes);
    if (text === undefined) {
      text = "x".repeat(Math.max(1, bytes));
      this.strings.set(bytes, text);
    }
    return text;
  }
}

/** "The largest allowed presence at the allowed rate": within the frame limit and the byte budget. */
export function presenceBombBytes(limits: AttackLimits, rate: number): number {
  const byBudget = Math.floor(limits.rateLimitBytesPerSecond / Math.max(rate, 1)) - ENVELOPE_SLACK_BYTES;
  return Math.max(1, Math.min(limits.maxFrameBytes - ENVELOPE_SLACK_BYTES, byBudget));
}

/**
 * A decodable update with no structs and one huge delete range of a client nobody knows: a peer
 * keeps it pending forever (PROTOCOL.md section 8, the "poisoned content" finding).
 */
export function hostileDeleteOnlyUpdate(unknownClient: number): string {
  const bytes = deleteOnlyBytes(unknownClient >>> 0, 0, 1_000_000);
  return Buffer.from(bytes).toString("base64");
}

/** V1 update bytes: varuint 0 (no structs), varuint 1 (clients), client, varuint 1 (ranges), clock, len. */
function deleteOnlyBytes(client: number, clock: number, length: number): Uint8Array {
  const out: number[] = [0, 1];
  for (const value of [client, 1, clock, length]) writeVarUint(out, value);
  return Uint8Array.from(out);
}

function writeVarUint(out: number[], value: number): void {
  let rest = value;
  while (rest > 0x7f) {
    out.push(0x80 | (rest & 0x7f));
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}
