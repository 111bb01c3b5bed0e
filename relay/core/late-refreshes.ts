/**
 * Snapshot cache refresh requests whose holder did not answer in time (relay/core/cache-flow.ts).
 * Such a holder is usually busy or slow, not gone, and answers later. Its late answer is still an
 * answer the relay asked for: it must not spend the holder's rate budget (PROTOCOL.md section 8:
 * answering never spends an editor's budget), and it is still a fresh full state worth caching.
 * Until it answers (or leaves) the holder is not asked again, so a slow holder never collects a
 * backlog of refresh requests. Bounded: the oldest are forgotten first.
 */

/** More than any relay has documents being refreshed at once; a bound, not a tuning knob. */
const MAX_LATE = 4096;

export class LateRefreshes<C> {
  private readonly byId = new Map<string, { source: C; sink: (update: string) => void }>();

  remember(requestId: string, source: C, sink: (update: string) => void): void {
    this.byId.set(requestId, { source, sink });
    if (this.byId.size > MAX_LATE) this.byId.delete(this.byId.keys().next().value!);
  }

  /** `client` owes this late answer (it is refunded, not charged). */
  owes(client: C, requestId: string): boolean {
    return this.byId.get(requestId)?.source === client;
  }

  /** The late answer arrived: where its state goes (once), or undefined. */
  take(client: C, requestId: string): ((update: string) => void) | undefined {
    const late = this.byId.get(requestId);
    if (late?.source !== client) return undefined;
    this.byId.delete(requestId);
    return late.sink;
  }

  /** Holders that still owe an answer: not to be asked again meanwhile. */
  owing(): Set<C> {
    return new Set([...this.byId.values()].map((late) => late.source));
  }

  clientGone(client: C): void {
    for (const [id, late] of this.byId) if (late.source === client) this.byId.delete(id);
  }
}
