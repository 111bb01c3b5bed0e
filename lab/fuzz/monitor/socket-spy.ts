/**
 * One client connection as the routing monitor sees it: every frame the relay sends to the client
 * (routing MUSTs, rate-limit refusals, snapshot answers, RESYNCs) and every frame the client sends
 * (snapshot requests, the ideal rate limiter). The spy forwards every call unchanged.
 */
import type { RelaySocket } from "../../../relay/ports.ts";
import type { RoutingViolationObservation, SnapshotObservation } from "../../observations.ts";
import { parseJsonOnce } from "./parse-once.ts";
import { IdealRateLimiter, type RateLimitSettings } from "./rate-model.ts";

/** The simulator's Redis forger (sim/world/forger.ts); kept here so the monitor's parts do not import it. */
export const FORGED_SENDER = "lfcc-forger";

/** What all spies of one run share (the monitor). */
export interface SpyContext {
  nowMs(): number;
  /** The relay's own clock: the ideal bucket refills on the time the relay sees (skew and all). */
  relayNowMs(): number;
  violation(violation: Omit<RoutingViolationObservation, "tMs">): void;
  duplicate(): void;
  clientUpdate(bytes: number, frameBytes: number): void;
  clientFrame(bytes: number): void;
  /** Other connections of the doc holding state (any server). */
  sourcesOf(docId: string, except: SocketSpy): string[];
  hasState(spy: SocketSpy): void;
  sourceUpdate(docId: string, update: string): void;
  isSourceUpdate(docId: string, update: string): boolean;
  snapshot(observation: SnapshotObservation): void;
}

const ECHO_TYPES = new Set(["CRDT_UPDATE", "PRESENCE", "SYNC_STEP1", "JOIN"]);

interface LooseFrame {
  type?: unknown;
  docId?: unknown;
  senderId?: unknown;
  messageId?: unknown;
  payload?: Record<string, unknown>;
}

export class SocketSpy implements RelaySocket {
  welcomed = false;
  closedMs: number | null = null;
  readonly resyncTimesMs: number[] = [];
  readonly limiter: IdealRateLimiter;
  readonly rate = { frames: 0, refused: 0, overBudget: 0, unfair: 0, firstUnfairMs: null as number | null, firstOverBudgetMs: null as number | null };
  private readonly seenMessageIds = new Set<string>();
  private readonly requests = new Map<string, SnapshotObservation>();
  private refusedThisFrame = false;

  constructor(
    private readonly socket: RelaySocket,
    readonly docId: string,
    readonly senderId: string,
    limits: RateLimitSettings,
    private readonly ctx: SpyContext,
  ) {
    this.limiter = new IdealRateLimiter(limits, ctx.relayNowMs());
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  get readyState(): number {
    return this.socket.readyState;
  }

  close(code?: number, reason?: string): void {
    if (code === 1008 && reason?.includes("rate limit")) this.refusedThisFrame = true;
    this.markClosed();
    this.socket.close(code, reason);
  }

  markClosed(): void {
    if (this.closedMs !== null) return;
    this.closedMs = this.ctx.nowMs();
    for (const request of this.requests.values()) request.closedMs ??= this.closedMs;
  }

  /** A frame from the client, before the relay handles it. */
  beforeClientFrame(data: string, bytes: number): void {
    this.refusedThisFrame = false;
    const frame = parse(data);
    const type = frame?.type;
    const payload = frame?.payload;
    if (type === "SNAPSHOT_REQUEST" && typeof payload?.requestId === "string") this.noteRequest(payload.requestId);
    if (type === "CRDT_UPDATE") this.ctx.hasState(this);
    if (type === "SNAPSHOT_RESPONSE" && typeof payload?.update === "string") {
      this.ctx.hasState(this);
      this.ctx.sourceUpdate(this.docId, payload.update);
    }
    this.rate.frames++;
    // Answers someone asked for (a snapshot, a SYNC_STEP1 answer addressed `to` a peer) are refunded
    // by the relay (PROTOCOL.md section 8): they are not the sender's own traffic, so not judged here.
    const answer = type === "SNAPSHOT_RESPONSE" || (type === "CRDT_UPDATE" && payload?.to !== undefined);
    this.pendingVerdict = answer ? "within" : this.limiter.admit(bytes, this.ctx.relayNowMs());
  }

  /** After the relay handled it: did it refuse a frame the ideal bucket admits, or admit one it refuses? */
  afterClientFrame(): void {
    const verdict = this.pendingVerdict;
    const now = this.ctx.nowMs();
    if (this.refusedThisFrame) this.rate.refused++;
    if (verdict === "over") {
      this.rate.overBudget++;
      this.rate.firstOverBudgetMs ??= now;
    } else if (verdict === "clearly-within" && this.refusedThisFrame) {
      this.rate.unfair++;
      this.rate.firstUnfairMs ??= now;
    }
  }

  private pendingVerdict: ReturnType<IdealRateLimiter["admit"]> = "within";

  send(data: string): void {
    this.inspect(data);
    this.socket.send(data);
  }

  private noteRequest(requestId: string): void {
    const sentMs = this.ctx.nowMs();
    const observation: SnapshotObservation = {
      requester: this.senderId, docId: this.docId, requestId, sentMs,
      sourcesAtRequest: this.ctx.sourcesOf(this.docId, this), answeredMs: null, answer: null, sourcesAtAnswer: [],
      closedMs: null, foreignAnswers: 0,
    };
    this.requests.set(requestId, observation);
    this.ctx.snapshot(observation);
  }

  private inspect(data: string): void {
    this.ctx.clientFrame(data.length);
    const frame = parse(data);
    if (!frame) return;
    const { type, senderId, messageId, payload, docId } = frame;
    const receiver = this.senderId;
    if (type === "CRDT_UPDATE") this.ctx.clientUpdate(String(payload?.update ?? "").length, data.length);
    if (type === "RESYNC") this.resyncTimesMs.push(this.ctx.nowMs());
    // The separate state-request budget (SNAPSHOT_REQUEST / SYNC_STEP1) is not the edit budget judged here.
    if (type === "ERROR" && payload?.code === "RATE_LIMITED" && !String(payload.message ?? "").includes("state request")) this.refusedThisFrame = true;
    if (type === "WELCOME") this.welcomed = true;
    if (typeof docId === "string" && docId !== this.docId) {
      this.ctx.violation({ kind: "wrong-doc", receiver, detail: `${receiver} (on ${this.docId}) received a ${String(type)} of ${docId}` });
    }
    if (typeof type === "string" && ECHO_TYPES.has(type) && senderId === receiver) {
      this.ctx.violation({ kind: "self-echo", receiver, detail: `${receiver} received its own ${type} (${String(messageId)})` });
    }
    if (senderId === FORGED_SENDER) {
      this.ctx.violation({ kind: "forged-delivery", receiver, detail: `${receiver} received an unsigned ${String(type)} a forger published on Redis (${String(messageId)})` });
    }
    if (type === "SNAPSHOT_RESPONSE") this.onSnapshotResponse(payload ?? {});
    if (typeof messageId === "string") {
      if (this.seenMessageIds.has(messageId)) {
        this.ctx.duplicate();
        this.ctx.violation({ kind: "duplicate-delivery", receiver, messageId, detail: `${receiver} received ${String(type)} ${messageId} twice` });
      }
      this.seenMessageIds.add(messageId);
    }
  }

  private onSnapshotResponse(payload: Record<string, unknown>): void {
    const request = this.requests.get(String(payload.requestId));
    if (!request) {
      for (const open of this.requests.values()) if (open.answeredMs === null) open.foreignAnswers++;
      const receiver = this.senderId;
      this.ctx.violation({ kind: "unrequested-snapshot-response", receiver, detail: `${receiver} received a SNAPSHOT_RESPONSE for request ${String(payload.requestId)} it never made` });
      return;
    }
    if (request.answeredMs !== null) return; // a second answer is a duplicate, counted by messageId
    request.answeredMs = this.ctx.nowMs();
    request.sourcesAtAnswer = this.ctx.sourcesOf(this.docId, this);
    const update = payload.update;
    request.answer = update === null || update === undefined ? "null" : this.ctx.isSourceUpdate(this.docId, String(update)) ? "source" : payload.source === "cache" ? "cache" : "unknown";
  }
}

function parse(data: string): LooseFrame | null {
  const value = parseJsonOnce(data);
  return typeof value === "object" && value !== null ? (value as LooseFrame) : null;
}
