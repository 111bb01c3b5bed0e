/**
 * Replay floors: replay protection that also holds for a relay that just started, or that just
 * subscribed to a document (signed clusters only; PROTOCOL.md section 8, docs/PROTOCOL-EXTENSIONS.md).
 *
 * De-duplication drops what this relay already delivered; freshness drops what is older than
 * `signedFreshnessMs`. Between the two was a gap: a message published on a channel BEFORE we
 * subscribed to it (before we started, or before a client of ours opened that document) is in no
 * filter of ours, so inside the freshness window a captured JOIN, LEAVE or PRESENCE could be
 * replayed to a relay that had just restarted (the attack fuzzer found it). Pub/sub stores
 * nothing, so no such message can reach us honestly: the floor of a channel is the moment we
 * subscribed to it, in the SENDER's clock. Clocks are never compared directly:
 * - every incarnation draws a nonce and puts it in its beats; every peer echoes the nonces it
 *   heard in its own beats, and beats at once when it hears a new one (liveness.ts);
 * - a peer's beat echoing our CURRENT nonce was stamped after we drew it, so `ts - now` is a lower
 *   bound of (peer clock - our clock). A captured echo carries an old nonce, and a late copy of a
 *   fresh one only gives a looser bound (we keep the highest), so neither lowers a floor;
 * - floor(peer, channel) = subscribedAt(channel) + that bound.
 * A message from a peer whose echo we lack waits (bounded); one below its floor is a replay, or the
 * peer's clock stepped back since its echo: it waits while we draw a new nonce (at most once per
 * heartbeat) and the fresh echo decides. What still waits after `signedHoldMs` is dropped and
 * counted: `unverified` (a dead incarnation's replayed messages end there) or `replayed`.
 * Our own clock stepping back would shift every local time we recorded (subscriptions) against the
 * bounds learned since: we notice (now() went backwards) and shift both, so floors, which live in
 * the peers' clocks, stay where they were (the fuzzer found a relay whose clock stepped back 3.4 s
 * drop its peers' live edits as replays).
 * Cost: nothing per message beyond a map lookup; a few bytes per beat; one extra beat per peer when
 * a relay starts or draws a new nonce.
 */
import type { RelayConfig } from "../config.ts";
import type { Clock, Random } from "../ports.ts";
import type { RoutedMessage } from "../protocol/messages.ts";

/** Peers whose nonce we echo; beyond it the least recently heard go (a beat stays small). */
const MAX_ECHOED_SERVERS = 256;
/** Peers whose clock bound we keep. */
const MAX_KNOWN_PEERS = 1024;
/** Messages waiting for an echo, per peer and in all (an attacker replays a dead incarnation's traffic). */
const MAX_HELD_PER_PEER = 1000;
const MAX_HELD_TOTAL = 5000;
const MAX_HELD_BYTES = 8 * 1024 * 1024;

export type ReplayVerdict = "replayed" | "unverified" | "stale" | "future";

interface PeerBound {
  /** Our nonce generation the echo answered. */
  generation: number;
  /** Lower bound of (peer clock - our clock), ms. */
  offsetMs: number;
}

interface Held {
  message: RoutedMessage;
  channel: string;
  bytes: number;
  heldAtMs: number;
  /** Judged by a bound of at least this generation (a message below a floor needs a fresh echo). */
  minGeneration: number;
  deliver: () => void;
}

export interface ReplayGuardHooks {
  /** A beat should go out soon: peers must hear our (new) nonce, or we owe an echo. */
  beatSoon(): void;
  drop(verdict: ReplayVerdict): void;
}

export class ReplayGuard {
  private nonce = "";
  private generation = 0;
  private rotatedAtMs: number;
  private startedAtMs: number;
  private lastNowMs: number;
  /** serverId -> the nonce its latest beat carried, and when we heard it. */
  private readonly heard = new Map<string, { nonce: string; atMs: number }>();
  private readonly bounds = new Map<string, PeerBound>();
  private readonly subscribedAtMs = new Map<string, number>();
  private readonly held = new Map<string, Held[]>();
  private heldCount = 0;
  private heldBytes = 0;

  constructor(
    private readonly config: Pick<RelayConfig, "heartbeatIntervalMs" | "presenceTimeoutMs" | "signedHoldMs" | "signedFreshnessMs">,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly hooks: ReplayGuardHooks,
  ) {
    this.startedAtMs = clock.now();
    this.lastNowMs = this.startedAtMs;
    this.rotatedAtMs = this.startedAtMs;
    this.drawNonce();
  }

  /** What our beats carry: our nonce and the latest nonce of every peer heard lately. */
  beatFields(): { nonce: string; echo: Record<string, string> } {
    const now = this.now();
    const echo: Record<string, string> = {};
    for (const [serverId, { nonce, atMs }] of this.heard) {
      if (now - atMs > this.config.presenceTimeoutMs) this.heard.delete(serverId);
      else echo[serverId] = nonce;
    }
    return { nonce: this.nonce, echo };
  }

  /** A beat newer than any heard from its sender (liveness checked `seq`). */
  onBeat(message: RoutedMessage, ownServerId: string): void {
    const { nonce, echo } = message.payload as { nonce?: string; echo?: Record<string, string> };
    const peer = message.sourceServerId;
    if (typeof nonce === "string" && this.hear(peer, nonce)) this.hooks.beatSoon();
    if (echo?.[ownServerId] === this.nonce) this.learnBound(peer, message.ts);
  }

  /** Our subscription to the document's channels was requested now. */
  noteSubscribed(docId: string): void {
    this.subscribedAtMs.set(docId, this.now());
  }

  forgetDoc(docId: string): void {
    this.subscribedAtMs.delete(docId);
  }

  /** A signed, well-formed routed message (not a beat): delivered now, later, or never. */
  admit(message: RoutedMessage, channel: string, bytes: number, deliver: () => void): void {
    const peer = message.sourceServerId;
    const bound = this.bounds.get(peer);
    const passes = bound !== undefined && this.verdict(bound, message, channel) === null;
    // Passing goes out at once, even past suspects of the same peer: with a bound, only suspects wait
    // (an unknown peer's backlog is released by its first bound), and a replayer sending stale
    // copies all the time must not hold the peer's live traffic back (the fuzzer found that too).
    if (passes) return deliver();
    // Unknown peer: any bound decides. Failing under the bound we have (below its floor, or stale or
    // future by it): a replay, or a clock stepped since that bound, so only a bound drawn after now
    // decides (our clock jumping forward leaves a bound too high, and its senders' news look stale).
    const suspect = bound !== undefined && !passes;
    this.hold(peer, { message, channel, bytes, heldAtMs: this.now(), minGeneration: suspect ? this.generation + 1 : 0, deliver });
    if (suspect) this.rotateIfAllowed();
    else if (!bound) this.hooks.beatSoon();
  }

  /** Every heartbeat: drop what waited too long; draw the nonce that suspects wait for. */
  sweep(): void {
    const now = this.now();
    let suspectsWaiting = false;
    for (const [peer, list] of this.held) {
      while (list.length > 0 && now - list[0]!.heldAtMs > this.config.signedHoldMs) this.dropHeld(list, list[0]!.minGeneration > 0 ? "replayed" : "unverified");
      if (list.length === 0) this.held.delete(peer);
      else if (list.some((h) => h.minGeneration > this.generation)) suspectsWaiting = true;
    }
    if (suspectsWaiting) this.rotateIfAllowed();
  }

  get heldMessages(): number {
    return this.heldCount;
  }

  // ---- internals

  /** Our clock, with a step back noticed and compensated (see the file comment). */
  private now(): number {
    const now = this.clock.now();
    if (now < this.lastNowMs) this.shiftLocalTimes(this.lastNowMs - now);
    this.lastNowMs = now;
    return now;
  }

  /** Our clock went back by `stepMs`: local times go back with it, peers' clocks are that much further ahead. */
  private shiftLocalTimes(stepMs: number): void {
    this.startedAtMs -= stepMs;
    this.rotatedAtMs -= stepMs;
    for (const [docId, atMs] of this.subscribedAtMs) this.subscribedAtMs.set(docId, atMs - stepMs);
    for (const bound of this.bounds.values()) bound.offsetMs += stepMs;
    for (const list of this.held.values()) for (const item of list) item.heldAtMs -= stepMs;
    for (const entry of this.heard.values()) entry.atMs -= stepMs;
  }

  /**
   * Null when `message`, received at `receivedAtMs`, passes under `bound`: fresh in the sender's
   * clock when it arrived (waiting for a bound ages nothing), and not below its floor.
   */
  private verdict(bound: PeerBound, message: RoutedMessage, channel: string, receivedAtMs = this.now()): "stale" | "future" | "replayed" | null {
    return this.freshness(bound, message.ts, receivedAtMs) ?? (message.ts < this.floor(bound, message.docId, channel) ? "replayed" : null);
  }

  /**
   * Freshness (PROTOCOL.md section 8) in the SENDER's clock: its age is our now plus the bound of
   * its clock, minus its stamp. Judged here rather than against our own clock, relays need not agree
   * on the time at all (the fuzzer found a 3 s skew with a 3 s window cut two relays apart); the
   * bound is a lower one, so the age is at most one delivery short of the truth.
   */
  private freshness(bound: PeerBound, ts: number, atMs: number): "stale" | "future" | null {
    const senderNow = atMs + bound.offsetMs;
    if (ts < senderNow - this.config.signedFreshnessMs) return "stale";
    if (ts > senderNow + this.config.signedFreshnessMs) return "future";
    return null;
  }

  private floor(bound: PeerBound, docId: string, channel: string): number {
    const onDocChannel = channel.startsWith("lfcc:doc:") || channel.startsWith("lfcc:presence:");
    const subscribedAt = (onDocChannel ? this.subscribedAtMs.get(docId) : undefined) ?? this.startedAtMs;
    return subscribedAt + bound.offsetMs;
  }

  /** True when the peer's nonce is news (it started, or drew a new one): it wants our echo soon. */
  private hear(peer: string, nonce: string): boolean {
    const before = this.heard.get(peer);
    this.heard.delete(peer); // re-insert: the Map's order is "least recently heard first"
    this.heard.set(peer, { nonce, atMs: this.now() });
    if (this.heard.size > MAX_ECHOED_SERVERS) this.heard.delete(this.heard.keys().next().value!);
    return before?.nonce !== nonce;
  }

  private learnBound(peer: string, peerTs: number): void {
    const offsetMs = peerTs - this.now();
    const known = this.bounds.get(peer);
    if (known && known.generation === this.generation && known.offsetMs >= offsetMs) return;
    this.bounds.delete(peer);
    this.bounds.set(peer, { generation: this.generation, offsetMs: known?.generation === this.generation ? Math.max(known.offsetMs, offsetMs) : offsetMs });
    if (this.bounds.size > MAX_KNOWN_PEERS) this.bounds.delete(this.bounds.keys().next().value!);
    this.judgeHeld(peer);
  }

  /** Delivers, in arrival order, what the new bound admits; drops what a fresh bound still refuses. */
  private judgeHeld(peer: string): void {
    const list = this.held.get(peer);
    const bound = this.bounds.get(peer);
    if (!list || !bound) return;
    while (list.length > 0) {
      const first = list[0]!;
      if (bound.generation < first.minGeneration) break; // waits for the fresh echo; keep order
      list.shift();
      this.forgetHeld(first);
      const verdict = this.verdict(bound, first.message, first.channel, first.heldAtMs);
      if (verdict === null) first.deliver();
      else this.hooks.drop(verdict);
    }
    if (list.length === 0) this.held.delete(peer);
  }

  private hold(peer: string, item: Held): void {
    let list = this.held.get(peer);
    if (!list) this.held.set(peer, (list = []));
    list.push(item);
    this.heldCount++;
    this.heldBytes += item.bytes;
    if (list.length > MAX_HELD_PER_PEER) this.dropHeld(list, "unverified");
    while (this.heldCount > MAX_HELD_TOTAL || this.heldBytes > MAX_HELD_BYTES) this.dropOldestHeld();
  }

  private dropOldestHeld(): void {
    let oldest: Held[] | undefined;
    for (const list of this.held.values()) if (list.length > 0 && (!oldest || list[0]!.heldAtMs < oldest[0]!.heldAtMs)) oldest = list;
    if (!oldest) return;
    this.dropHeld(oldest, "unverified");
  }

  private dropHeld(list: Held[], verdict: ReplayVerdict): void {
    this.forgetHeld(list.shift()!);
    this.hooks.drop(verdict);
  }

  private forgetHeld(item: Held): void {
    this.heldCount--;
    this.heldBytes -= item.bytes;
  }

  private rotateIfAllowed(): void {
    const now = this.now();
    if (now - this.rotatedAtMs < this.config.heartbeatIntervalMs) return; // sweep() retries
    this.rotatedAtMs = now;
    this.generation++;
    this.drawNonce();
    this.hooks.beatSoon();
  }

  private drawNonce(): void {
    this.nonce = this.random.uint32().toString(36) + this.random.uint32().toString(36);
  }
}
