/**
 * Server liveness at an idle cost independent of the number of documents: every heartbeat a
 * server publishes ONE beat on BEAT_CHANNEL (on a cluster, one per shard), instead of a roster per
 * document. A beat keeps the sender's remote clients alive for the documents carried by the link
 * it came on, so the ghost bound (presenceTimeoutMs, PROTOCOL.md section 5) holds as before, also
 * per shard. Rosters go out only on change or on request:
 * - when a server starts holding a document, and after its link (or shard) comes back (existing);
 * - here: when a peer's beats show a gap (`seq` skipped: messages may have been lost, presence
 *   with them), or a peer whose clients we expired beats again (it was cut off, not dead), we
 *   publish our rosters of the documents on that link with `reply: true`, and every holder answers
 *   with its own, so both sides re-learn each other.
 * With a cluster secret, beats also carry the replay guard's nonce and echoes (replay-guard.ts),
 * and a beat goes out soon (not at the next heartbeat) when a peer's new nonce wants its echo.
 */
import { BEAT_CHANNEL, RoutedType } from "../bus/routed.ts";
import { channels, type RoutedMessage } from "../protocol/messages.ts";
import { containedClock } from "./contained-clock.ts";
import { SERVER_SENDER } from "./outbound.ts";
import type { Publisher } from "./publisher.ts";
import type { RelayContext } from "./relay-context.ts";
import type { PresenceChange } from "./remote-presence.ts";

/** Routed messages need a valid docId; a beat concerns no document. */
const BEAT_DOC_ID = "lfcc-beat";
/** An early beat waits this long for more news to carry, and early beats are this far apart at least. */
const EARLY_BEAT_DELAY_MS = 5;
const EARLY_BEAT_SPACING_MS = 50;

export class ServerLiveness {
  private seq = 0;
  /** `${serverId}|${link}` -> last beat seq heard on that link. */
  private readonly lastSeq = new Map<string, number>();
  /** `${serverId}|${link}` whose clients we expired: when it beats again, exchange rosters. */
  private readonly expired = new Set<string>();
  private earlyBeat: unknown = undefined;
  private lastBeatAtMs = -Infinity;

  /** Early beats fire from a timer: contained, like every relay timer (PROTOCOL.md section 8). */
  private readonly timers: ReturnType<typeof containedClock>;

  constructor(
    private readonly ctx: RelayContext,
    private readonly publisher: Publisher,
  ) {
    this.timers = containedClock(ctx.clock, (where, fn) => ctx.contain(where, "redis", fn), "early-beat");
  }

  subscribe(): Promise<void> {
    return this.ctx.bus.subscribe(BEAT_CHANNEL);
  }

  /** One publish per heartbeat (per shard on a cluster); never queued: a stale beat means nothing. */
  beat(): void {
    const { ctx } = this;
    this.stop();
    this.lastBeatAtMs = ctx.clock.now();
    const payload = { seq: ++this.seq, ...ctx.replayGuard?.beatFields() };
    const message = this.publisher.routed(RoutedType.BEAT, BEAT_DOC_ID, SERVER_SENDER, payload);
    this.publisher.publishRouted(BEAT_CHANNEL, message, { queue: false, batch: false });
  }

  /** Cancels a pending early beat (shutdown; or the beat is going out now anyway). */
  stop(): void {
    this.timers.clearTimeout(this.earlyBeat as never);
    this.earlyBeat = undefined;
  }

  /** A beat before the next heartbeat (coalesced, spaced), so a peer's nonce is echoed in a round trip. */
  beatSoon(): void {
    if (this.earlyBeat !== undefined) return;
    const delayMs = Math.max(EARLY_BEAT_DELAY_MS, this.lastBeatAtMs + EARLY_BEAT_SPACING_MS - this.ctx.clock.now());
    this.earlyBeat = this.timers.setTimeout(() => this.beat(), delayMs);
  }

  onBeat(message: RoutedMessage, link: string): void {
    const { ctx } = this;
    const serverId = message.sourceServerId;
    const key = `${serverId}|${link}`;
    const seq = message.payload.seq as number;
    const last = this.lastSeq.get(key);
    if (last !== undefined && seq <= last) return; // replayed or reordered: old news
    this.lastSeq.set(key, seq);
    ctx.replayGuard?.onBeat(message, ctx.serverId);
    ctx.remotePresence.touchServer(serverId, ctx.clock.now(), (docId) => this.linkOfDoc(docId) === link);
    const missedSome = last !== undefined && seq > last + 1;
    if (missedSome || this.expired.delete(key)) this.exchangeRosters(link);
  }

  /** Remembers whose clients expired, so their next beat brings a roster exchange. */
  noteExpired(change: PresenceChange): void {
    if (change.serverId !== undefined) this.expired.add(`${change.serverId}|${this.linkOfDoc(change.docId)}`);
  }

  private exchangeRosters(link: string): void {
    for (const docId of this.ctx.docs.keys()) {
      if (this.linkOfDoc(docId) === link) this.publisher.publishRoster(docId, true);
    }
  }

  private linkOfDoc(docId: string): string {
    return this.ctx.bus.linkOf?.(channels.presence(docId)) ?? "";
  }
}
