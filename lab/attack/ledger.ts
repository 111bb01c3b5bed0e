/**
 * The attack ledger: one per run, fed the same way by the simulator and by `lfcc chaos` (the same
 * code counts in both modes). It sees every frame an attacker sends and receives, every frame an
 * honest client receives and the frames honest clients send while handling an attacker-caused one,
 * and what the Redis injector replayed or forged. From that it attributes bytes to attack kinds
 * (amplification) and spots attacker content reaching honest clients (injection). The rules are
 * documented in docs/SCENARIOS-REFERENCE.md ("Amplification" and "Injection").
 */
import type { AttackFrame, Taint } from "./frames.ts";
import type { AttackKind, AttackerSpec } from "./kinds.ts";
import type { AttackObservations, AttackerSessionObservation, KindAmplification } from "./observations.ts";

export const MAX_INJECTIONS_KEPT = 20;
/** A session that began this long after a message was captured was never owed that message. */
export const REPLAY_SESSION_MARGIN_MS = 1000;

/** The envelope fields the ledger reads from a frame an honest client received. */
export interface SeenFrame {
  type: string;
  senderId: string;
  messageId?: string;
  payload: Record<string, unknown>;
}

/** Why an honest client's next sends are attributed to an attacker. */
export interface Cause {
  attacker: string;
  kind: AttackKind;
}

export interface LedgerOptions {
  nowMs: () => number;
  attackers: readonly AttackerSpec[];
  /** [from, to) windows in which some attack runs (honestLatency counts edits made inside them). */
  windows: ReadonlyArray<[number, number]>;
  /** Forged and replayed Redis messages count as injections only when relays sign (PROTOCOL.md section 6). */
  clusterSecret: boolean;
}

const STATE_REQUEST_TYPES = new Set(["SNAPSHOT_REQUEST", "SYNC_STEP1"]);

export class AttackLedger {
  private readonly attackerBySender = new Map<string, string>();
  private readonly openSession = new Map<string, AttackerSessionObservation>();
  private readonly sessions: AttackerSessionObservation[] = [];
  private readonly kindOfMessage = new Map<string, AttackKind>();
  private readonly taints = new Map<string, { taint: Taint; attacker: string }>();
  private readonly causedUpdates = new Map<string, Cause>();
  private readonly amplification: Partial<Record<AttackKind, KindAmplification>> = {};
  private readonly injections: AttackObservations["injections"] = [];
  private injectionCount = 0;
  private readonly latencies: number[] = [];
  /** sender|messageId of captured routed messages -> capture time; and which were replayed. */
  private readonly captured = new Map<string, number>();
  private readonly replayedKeys = new Set<string>();
  private readonly forgedIds = new Set<string>();
  /** Per honest client: keys of captured messages it received (a second copy is a replay). */
  private readonly receivedCaptured = new Map<string, Set<string>>();
  private readonly honestSessionStart = new Map<string, number>();
  /** When each honest client's latest connection attempt began (its session starts at that WELCOME). */
  private readonly honestConnectAt = new Map<string, number>();
  private replayed = 0;
  private forged = 0;

  constructor(private readonly options: LedgerOptions) {}

  // ---- attackers

  attackerWelcomed(attacker: string, senderId: string): void {
    this.attackerBySender.set(senderId, attacker);
    const session: AttackerSessionObservation = { attacker, senderId, startMs: this.options.nowMs(), endMs: null, closeCode: null, frames: [], rateLimited: 0 };
    this.openSession.set(attacker, session);
    this.sessions.push(session);
  }

  attackerSent(attacker: string, frame: AttackFrame): void {
    this.openSession.get(attacker)?.frames.push([this.options.nowMs(), frame.bytes]);
    this.kindOfMessage.set(frame.messageId, frame.kind);
    this.entry(frame.kind).sentBytes += frame.bytes;
    if (frame.update) this.taints.set(frame.update.value, { taint: frame.update.taint, attacker });
  }

  attackerReceived(attacker: string, type: string, payload: Record<string, unknown>): void {
    if (type === "ERROR" && payload.code === "RATE_LIMITED") {
      const session = this.openSession.get(attacker);
      if (session) session.rateLimited++;
    }
  }

  attackerClosed(attacker: string, code: number): void {
    const session = this.openSession.get(attacker);
    if (!session) return;
    session.endMs = this.options.nowMs();
    session.closeCode = code;
    this.openSession.delete(attacker);
  }

  // ---- honest clients

  /** A connection attempt of `client` begins (its socket is created). */
  honestConnecting(client: string): void {
    this.honestConnectAt.set(client, this.options.nowMs());
  }

  /** An honest client received `frame` (`bytes` on the wire); returns the cause of what it sends in answer. */
  honestReceived(client: string, frame: SeenFrame, bytes: number): Cause | null {
    // A session counts from its connection attempt, not from the WELCOME: a slow reader processes
    // the WELCOME late, together with frames the relay sent it live long before (the fuzzer found a
    // PRESENCE relayed at 8 ms, read at 2 s, taken for a replay).
    if (frame.type === "WELCOME") this.honestSessionStart.set(client, this.honestConnectAt.get(client) ?? this.options.nowMs());
    const update = typeof frame.payload.update === "string" ? frame.payload.update : undefined;
    if (update !== undefined) this.checkTaint(client, update);
    if (frame.messageId !== undefined && (this.captured.size > 0 || this.forgedIds.size > 0)) this.checkRedisInjection(client, frame);
    const attacker = this.attackerBySender.get(frame.senderId);
    if (attacker !== undefined) return this.fromAttacker(attacker, frame, bytes);
    const cause = update === undefined ? undefined : this.causedUpdates.get(update);
    if (cause) this.entry(cause.kind).causedBytes += bytes;
    return null;
  }

  /** An honest client sent `text` while handling a frame caused by `cause`. */
  honestSentBecause(text: string, cause: Cause): void {
    try {
      const update = (JSON.parse(text) as { payload?: { update?: unknown } }).payload?.update;
      if (typeof update === "string") this.causedUpdates.set(update, cause);
    } catch {
      // an honest provider always sends JSON; nothing to attribute otherwise
    }
  }

  /** An honest edit reached a replica `latencyMs` after it was made at `editTMs`. */
  delivery(latencyMs: number, editTMs: number): void {
    if (this.options.windows.some(([from, to]) => editTMs >= from && editTMs < to)) this.latencies.push(latencyMs);
  }

  // ---- the Redis injector

  capturedMessage(senderId: string, messageId: string): void {
    const key = `${senderId}|${messageId}`;
    if (!this.captured.has(key)) this.captured.set(key, this.options.nowMs());
  }

  replayedMessage(senderId: string, messageId: string): void {
    this.replayed++;
    this.replayedKeys.add(`${senderId}|${messageId}`);
  }

  forgedMessage(messageId: string): void {
    this.forged++;
    this.forgedIds.add(messageId);
  }

  observations(): AttackObservations {
    return {
      attackers: this.options.attackers.map((a) => ({ name: a.name, role: a.role })),
      sessions: this.sessions,
      amplification: this.amplification,
      injections: this.injections,
      injectionCount: this.injectionCount,
      honestLatenciesMs: this.latencies,
      replayed: this.replayed,
      replayedIds: [...this.replayedKeys].map((key) => key.slice(key.indexOf("|") + 1)),
      forged: this.forged,
    };
  }

  // ---- rules

  private fromAttacker(attacker: string, frame: SeenFrame, bytes: number): Cause | null {
    const kind = (frame.messageId && this.kindOfMessage.get(frame.messageId)) || (STATE_REQUEST_TYPES.has(frame.type) ? "stateRequestFlood" : undefined);
    // A forwarded state request is the relay's own frame (new requestId) sent on the attacker's behalf.
    if (frame.type === "SNAPSHOT_REQUEST") this.entry("stateRequestFlood").causedBytes += bytes;
    return kind && STATE_REQUEST_TYPES.has(frame.type) ? { attacker, kind } : null;
  }

  private checkTaint(client: string, update: string): void {
    const taint = this.taints.get(update);
    if (!taint || taint.taint === "hostile") return;
    this.inject(client, taint.taint === "garbage" ? `an undecodable update sent by ${taint.attacker}` : `an edit of viewer ${taint.attacker}`);
  }

  private checkRedisInjection(client: string, frame: SeenFrame): void {
    if (!this.options.clusterSecret) return;
    if (this.forgedIds.has(frame.messageId!)) return this.inject(client, `a forged Redis message (${frame.type} ${frame.messageId})`);
    const key = `${frame.senderId}|${frame.messageId}`;
    const capturedAt = this.captured.get(key);
    if (capturedAt === undefined) return;
    const seen = this.receivedCaptured.get(client) ?? new Set<string>();
    this.receivedCaptured.set(client, seen);
    const sessionStart = this.honestSessionStart.get(client) ?? 0;
    const again = seen.has(key);
    seen.add(key);
    if (!this.replayedKeys.has(key)) return;
    if (again || sessionStart > capturedAt + REPLAY_SESSION_MARGIN_MS) this.inject(client, `a replayed Redis message (${frame.type} ${frame.messageId}, captured at ${Math.round(capturedAt)} ms)`);
  }

  private inject(client: string, what: string): void {
    this.injectionCount++;
    if (this.injections.length < MAX_INJECTIONS_KEPT) this.injections.push({ tMs: this.options.nowMs(), client, what });
  }

  private entry(kind: AttackKind): KindAmplification {
    return (this.amplification[kind] ??= { sentBytes: 0, causedBytes: 0 });
  }
}
