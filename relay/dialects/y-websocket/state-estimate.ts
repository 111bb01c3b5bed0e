/**
 * What one y-websocket client holds, as a state vector the relay keeps WITHOUT a document.
 *
 * Why: a y-websocket client tells its state vector only in the SyncStep1 it sends on open, yet the
 * JSON dialect's exchanges need one later (a snapshot source's `stateVector`, the SYNC_STEP1 a
 * RESYNC broadcasts). So the dialect starts from that SyncStep1 and advances the vector with the
 * first/end clocks of every update that passes through the session, in either direction.
 *
 * It errs low, never high: an update whose structs start beyond what the client is known to hold
 * may wait as "pending" inside the client's Yjs, so it does not advance the estimate. A low
 * estimate only makes peers send some structs twice (Yjs ignores them); a high one would hide
 * missing edits.
 */
import * as Y from "yjs";
import type { UpdateMeta } from "./wire.ts";

export class StateEstimate {
  private readonly clocks = new Map<number, number>();

  /** The client's own state vector (its SyncStep1): exact at that moment. */
  learnStateVector(stateVector: Uint8Array): void {
    for (const [client, clock] of Y.decodeStateVector(stateVector)) this.raise(client, clock);
  }

  /** An update the client sent or was sent. */
  learnUpdate(meta: UpdateMeta): void {
    for (const [client, end] of meta.to) {
      const start = meta.from.get(client) ?? 0;
      if (start <= (this.clocks.get(client) ?? 0)) this.raise(client, end);
    }
  }

  /** Same, from raw bytes; garbage is ignored (the core refuses it anyway). */
  learnUpdateBytes(update: Uint8Array): void {
    try {
      this.learnUpdate(Y.parseUpdateMeta(update));
    } catch {
      // not an update: nothing learned
    }
  }

  encode(): Uint8Array {
    return Y.encodeStateVector(this.clocks);
  }

  private raise(client: number, clock: number): void {
    if (clock > (this.clocks.get(client) ?? 0)) this.clocks.set(client, clock);
  }
}
