/**
 * The provider's sync protocol over one connection (the server is a pure router; clients are the
 * authority, PROTOCOL.md section 4):
 * - on WELCOME: SNAPSHOT_REQUEST with our state vector; the response brings what we lack, and its
 *   `stateVector` tells us what the source lacks, which we push as a CRDT_UPDATE;
 * - then a broadcast SYNC_STEP1 so every other peer fills gaps both ways (see onSyncStep1);
 * - RESYNC from the server (Redis was down, so messages may be lost) repeats that broadcast.
 */
import * as Y from "yjs";
import type { Clock, Logger, Random, TimerHandle } from "../ports.ts";
import { MessageType } from "../protocol/messages.ts";
import { stringField } from "./frames.ts";
import { KnownContent } from "./known-content.ts";
import { dropPendingOver } from "./pending-cap.ts";
import { decodeBase64, diffFor, encodeBase64, isEmptyUpdate, stateVectorBase64 } from "./yjs-sync.ts";

/** `source` values of a SNAPSHOT_RESPONSE that name no client (PROTOCOL.md section 4). */
const NOT_A_CLIENT: ReadonlySet<string> = new Set(["none", "remote"]);

export interface DocSyncHost {
  readonly doc: Y.Doc;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  /** The transaction origin of remote updates (so the provider does not echo them back). */
  readonly origin: unknown;
  readonly resyncMaxDelayMs: number;
  readonly snapshotRetryMs: number;
  /** Cap on pending Yjs state (updates whose dependencies never arrived), see pending-cap.ts. */
  readonly maxPendingBytes: number;
  /** Our id on the current connection (from WELCOME). */
  selfId(): string | null;
  send(type: string, payload: object): void;
  /** The snapshot exchange of this connection finished. */
  onSynced(): void;
}

export class DocSync {
  private readonly knownContent: KnownContent;
  private pendingSnapshotId: string | null = null;
  private snapshotRetryTimer: TimerHandle | undefined;
  private resyncTimer: TimerHandle | undefined;

  constructor(private readonly host: DocSyncHost) {
    this.knownContent = new KnownContent(host.doc);
  }

  /** The connection ended: nothing pending survives it. */
  reset(): void {
    this.pendingSnapshotId = null;
    this.host.clock.clearTimeout(this.snapshotRetryTimer);
    this.host.clock.clearTimeout(this.resyncTimer);
  }

  destroy(): void {
    this.reset();
    this.knownContent.destroy();
  }

  requestSnapshot(): void {
    const { host } = this;
    const requestId = host.random.id("snap");
    this.pendingSnapshotId = requestId;
    host.send(MessageType.SNAPSHOT_REQUEST, { requestId, stateVector: stateVectorBase64(host.doc) });
    host.clock.clearTimeout(this.snapshotRetryTimer);
    this.snapshotRetryTimer = host.clock.setTimeout(() => {
      if (this.pendingSnapshotId === requestId) this.requestSnapshot();
    }, host.snapshotRetryMs);
  }

  onSnapshotResponse(payload: Record<string, unknown>): void {
    if (payload.requestId !== this.pendingSnapshotId) return;
    this.pendingSnapshotId = null;
    this.host.clock.clearTimeout(this.snapshotRetryTimer);
    this.applyRemote(stringField(payload, "update"));
    // What the source lacks goes to the source only (PROTOCOL.md section 8: an answer is never a
    // broadcast, or a source lying about its state vector could make us flood everyone). Other
    // peers get our edits through the SYNC_STEP1 exchange that follows.
    const sourceStateVector = stringField(payload, "stateVector");
    const source = stringField(payload, "source");
    if (sourceStateVector !== undefined && source !== undefined && !NOT_A_CLIENT.has(source)) {
      this.sendUpdate(diffFor(this.host.doc, sourceStateVector), source);
    }
    this.broadcastSyncStep1();
    this.host.onSynced();
  }

  /** The server chose us as a snapshot source: send our state (diff vs the requester's vector). */
  answerSnapshotRequest(payload: Record<string, unknown>): void {
    const requestId = stringField(payload, "requestId");
    if (requestId === undefined) return;
    const update = diffFor(this.host.doc, stringField(payload, "stateVector"));
    this.host.send(MessageType.SNAPSHOT_RESPONSE, {
      requestId,
      update: encodeBase64(update),
      stateVector: stateVectorBase64(this.host.doc),
    });
  }

  /**
   * A peer told us its state vector: send what it lacks. When it asked everyone (no `to`), ask it
   * back, because deletions do not show in state vectors and it may hold edits we lack.
   */
  onSyncStep1(peer: string, payload: Record<string, unknown>): void {
    const stateVector = stringField(payload, "stateVector");
    const to = stringField(payload, "to");
    if (!peer || peer === this.host.selfId() || stateVector === undefined) return;
    if (to !== undefined && to !== this.host.selfId()) return;
    // The answer is for the asker only (`to`): nobody else pays for its request.
    this.sendUpdate(this.syncAnswer(stateVector, stringField(payload, "deleteSet")), peer);
    if (to === undefined) this.host.send(MessageType.SYNC_STEP1, { ...this.syncStep1Payload(), to: peer });
  }

  broadcastSyncStep1(): void {
    this.host.send(MessageType.SYNC_STEP1, this.syncStep1Payload());
  }

  /** A RESYNC is answered after a random delay, so a server's clients do not stampede. */
  scheduleResync(): void {
    const { host } = this;
    host.clock.clearTimeout(this.resyncTimer);
    const delayMs = host.random.next() * host.resyncMaxDelayMs;
    this.resyncTimer = host.clock.setTimeout(() => this.broadcastSyncStep1(), delayMs);
  }

  applyRemote(update: string | undefined): void {
    if (!update) return;
    try {
      const bytes = decodeBase64(update);
      // Most sync answers bring nothing new (see KnownContent); applying them would be a costly no-op.
      if (!this.knownContent.holds(bytes)) Y.applyUpdate(this.host.doc, bytes, this.host.origin);
      if (dropPendingOver(this.host.doc, this.host.maxPendingBytes)) this.onPendingDropped();
    } catch (error) {
      this.host.logger.warn({ err: String(error) }, "provider could not apply a remote update");
    }
  }

  /** A local change for everyone, or (with `to`) an answer for one peer. */
  sendUpdate(update: Uint8Array, to?: string): void {
    if (isEmptyUpdate(update)) return;
    const payload = to === undefined ? { update: encodeBase64(update) } : { update: encodeBase64(update), to };
    this.host.send(MessageType.CRDT_UPDATE, payload);
  }

  /**
   * Updates whose dependencies never arrived were over the cap and are gone: ask every peer for
   * what we lack, which brings the dependencies and the dropped content back if they exist.
   */
  private onPendingDropped(): void {
    this.host.logger.warn({ maxPendingBytes: this.host.maxPendingBytes }, "dropped pending Yjs state over the cap; resyncing");
    this.broadcastSyncStep1();
  }

  /**
   * What a SYNC_STEP1 sender lacks. When it told us its delete set, only the deletions it lacks
   * (nothing at all when it holds everything); otherwise, or when that field is unreadable, the
   * plain diff with our whole delete set (deletions do not show in state vectors).
   */
  private syncAnswer(stateVector: string, deleteSet: string | undefined): Uint8Array {
    if (deleteSet !== undefined) {
      try {
        const peerStateVector = decodeBase64(stateVector);
        const peerDeleteSet = decodeBase64(deleteSet);
        if (this.knownContent.heldBy(peerStateVector, peerDeleteSet)) return new Uint8Array(0);
        return this.knownContent.answerFor(peerStateVector, peerDeleteSet);
      } catch {
        // fall through to the plain diff
      }
    }
    return diffFor(this.host.doc, stateVector);
  }

  /**
   * SYNC_STEP1 carries our state vector and, as an optional extension field, our delete set (a
   * base64 V1 update without structs), so peers that already hold everything need not answer.
   */
  private syncStep1Payload(): { stateVector: string; deleteSet: string } {
    return { stateVector: stateVectorBase64(this.host.doc), deleteSet: encodeBase64(this.knownContent.deleteSetAsUpdate()) };
  }
}
