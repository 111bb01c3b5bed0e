/**
 * The snapshot flow (PROTOCOL.md section 4). The server holds no document, so a client that needs
 * one is served by a peer that has it:
 *   1. a local client of the doc that holds state (it sent CRDT_UPDATE or SNAPSHOT_RESPONSE);
 *   2. else, if another server subscribes to the doc (PUBSUB NUMSUB, as Hocuspocus does), the
 *      request goes through Redis; each server forwards it to one of its sources or answers a
 *      negative ack, so the requester falls back as soon as every server has said "none";
 *   3. else, or after snapshotTimeoutMs, `update: null, source: "none"` (start empty); with the
 *      opt-in snapshot cache, its entry first (`source: "cache"`, docs/SNAPSHOT-CACHE.md).
 * A source that disconnects or answers null is replaced by the next one. The response goes to
 * the requester only, with the requester's own requestId and the source's bytes untouched.
 */
import type { Clock, TimerHandle } from "../ports.ts";
import type { SnapshotResponsePayload } from "../protocol/messages.ts";
import { LateRefreshes } from "./late-refreshes.ts";

export interface SnapshotHost<C> {
  readonly serverId: string;
  readonly clock: Clock;
  readonly timeoutMs: number;
  newRequestId(): string;
  /** A local client of the doc holding state, not `exclude`, not yet tried; null when none. */
  pickLocalSource(docId: string, exclude: C | null, tried: ReadonlySet<C>): C | null;
  askSource(source: C, requestId: string, stateVector: string | undefined, forSenderId: string): void;
  answerRequester(requester: C, payload: SnapshotResponsePayload): void;
  busConnected(docId: string): boolean;
  otherServersOnDoc(docId: string): Promise<number>;
  publishRequest(docId: string, payload: Record<string, unknown>, forSenderId: string): void;
  publishResponse(replyTo: string, docId: string, payload: Record<string, unknown>): void;
  onFallback(docId: string): void;
  /**
   * Snapshot cache (absent when off): read the entry to answer with before falling back to none
   * (`done` is called later, exactly once, contained; null: nothing usable), and see every
   * positive answer of a local source (`askedStateVector`: what its request carried).
   */
  readCache?(docId: string, done: (update: string | null) => void): void;
  onSourceAnswer?(docId: string, update: string, askedStateVector: string | undefined): void;
}

interface Pending<C> {
  id: string;
  docId: string;
  stateVector?: string;
  source: C | null;
  tried: Set<C>;
  timer: TimerHandle;
  /** Our own client waiting (a local request)... */
  requester?: C;
  requesterRequestId?: string;
  requesterId: string;
  /** ...or another server waiting (a request forwarded through Redis). */
  replyTo?: string;
  originRequestId?: string;
  /** Remote phase of a local request: how many servers may answer and how many said none. */
  remote?: { expected: number; nacks: number };
  /** ...or the relay itself wants the state (snapshot cache refresh): where the state goes. */
  refresh?: (update: string) => void;
  /** Reading the snapshot cache before the fallback; a source may still answer meanwhile. */
  fallingBack?: boolean;
}

export class SnapshotBroker<C extends object> {
  private readonly pending = new Map<string, Pending<C>>();
  private readonly lateRefreshes = new LateRefreshes<C>();

  constructor(private readonly host: SnapshotHost<C>) {}

  get size(): number {
    return this.pending.size;
  }

  /**
   * Our client `requester` (id `requesterId`) sent SNAPSHOT_REQUEST. While one of its requests is
   * pending, a repeat only renames it (the answer carries the newest requestId): a source is never
   * asked twice for the same requester (PROTOCOL.md section 8).
   */
  requestFromClient(requester: C, requesterId: string, docId: string, payload: { requestId: string; stateVector?: string }): void {
    const pending = this.pendingFor((r) => r.requester === requester);
    if (pending) {
      pending.requesterRequestId = payload.requestId;
      return;
    }
    const request = this.open(docId, payload.stateVector, requesterId);
    request.requester = requester;
    request.requesterRequestId = payload.requestId;
    this.advance(request);
  }

  /** Another server asks for the doc on its client's behalf. */
  requestFromServer(docId: string, payload: Record<string, unknown>, requesterId: string): void {
    const { replyTo, requestId, stateVector } = payload;
    if (typeof replyTo !== "string" || typeof requestId !== "string") return;
    const pending = this.pendingFor((r) => r.replyTo === replyTo && r.requesterId === requesterId && r.docId === docId);
    if (pending) {
      pending.originRequestId = requestId; // the same requester asking again: not a second ask
      return;
    }
    const request = this.open(docId, typeof stateVector === "string" ? stateVector : undefined, requesterId);
    request.replyTo = replyTo;
    request.originRequestId = requestId;
    this.advance(request);
  }

  /**
   * The snapshot cache wants the document's full state: one local holder is asked, as for a
   * requester, and `onUpdate` gets its answer. A holder that still owes a refresh answer is not
   * asked. False (nothing asked) when no other local client holds it.
   */
  requestForCache(docId: string, forSenderId: string, onUpdate: (update: string) => void): boolean {
    const owing = this.lateRefreshes.owing();
    for (const request of this.pending.values()) if (request.refresh && request.source) owing.add(request.source);
    if (!this.host.pickLocalSource(docId, null, owing)) return false;
    const request = this.open(docId, undefined, forSenderId);
    request.refresh = onUpdate;
    request.tried = owing;
    this.advance(request);
    return true;
  }

  /** True when `client` is the source we asked for `requestId` (its answer is owed, not an edit). */
  awaitsAnswerFrom(client: C, requestId: unknown): boolean {
    if (typeof requestId !== "string") return false;
    return this.pending.get(requestId)?.source === client || this.lateRefreshes.owes(client, requestId);
  }

  /** A client answered a SNAPSHOT_REQUEST we sent it. Ignored unless it is the chosen source. */
  responseFromClient(client: C, clientId: string, payload: SnapshotResponsePayload): void {
    const request = this.pending.get(payload.requestId);
    if (!request) return this.lateRefreshAnswer(client, payload);
    if (request.source !== client) return;
    if (payload.update === null) {
      this.advance(request); // this source had nothing after all: try the next
      return;
    }
    const answer: SnapshotResponsePayload = { requestId: "", update: payload.update, source: clientId };
    if (payload.stateVector !== undefined) answer.stateVector = payload.stateVector;
    if (!request.refresh) this.host.onSourceAnswer?.(request.docId, payload.update, request.stateVector);
    this.finish(request, answer);
  }

  /** A server answered our forwarded request (positively or with a negative ack). */
  responseFromServer(payload: Record<string, unknown>): void {
    const request = typeof payload.requestId === "string" ? this.pending.get(payload.requestId) : undefined;
    if (!request?.remote) return;
    if (typeof payload.update !== "string") {
      request.remote.nacks++;
      if (request.remote.nacks >= request.remote.expected) this.fallBack(request);
      return;
    }
    const answer: SnapshotResponsePayload = { requestId: "", update: payload.update };
    if (typeof payload.stateVector === "string") answer.stateVector = payload.stateVector;
    answer.source = typeof payload.source === "string" ? payload.source : "remote";
    this.finish(request, answer);
  }

  /** A client left: it no longer waits, and it can no longer be a source. */
  clientGone(client: C): void {
    this.lateRefreshes.clientGone(client);
    for (const request of [...this.pending.values()]) {
      if (request.requester === client) this.close(request);
      else if (request.source === client) this.advance(request);
    }
  }

  cancelAll(): void {
    for (const request of [...this.pending.values()]) this.close(request);
  }

  private pendingFor(match: (request: Pending<C>) => boolean): Pending<C> | undefined {
    for (const request of this.pending.values()) if (match(request)) return request;
    return undefined;
  }

  private open(docId: string, stateVector: string | undefined, requesterId: string): Pending<C> {
    const id = this.host.newRequestId();
    const timer = this.host.clock.setTimeout(() => this.fallBack(request), this.host.timeoutMs);
    const request: Pending<C> = { id, docId, stateVector, source: null, tried: new Set(), timer, requesterId };
    this.pending.set(id, request);
    return request;
  }

  /** Ask the next local source; when there is none, go remote (local requests) or say none. */
  private advance(request: Pending<C>): void {
    if (request.source) request.tried.add(request.source);
    const source = this.host.pickLocalSource(request.docId, request.requester ?? null, request.tried);
    request.source = source;
    if (source) {
      this.host.askSource(source, request.id, request.stateVector, request.requesterId);
    } else if (request.requester && !request.remote) {
      void this.askOtherServers(request);
    } else if (request.replyTo || request.refresh) {
      this.fallBack(request);
    }
  }

  private async askOtherServers(request: Pending<C>): Promise<void> {
    request.remote = { expected: 0, nacks: 0 };
    const subscribers = this.host.busConnected(request.docId) ? await this.host.otherServersOnDoc(request.docId) : 0;
    if (!this.pending.has(request.id)) return;
    // Our own subscription counts one: anything beyond it is another server holding the doc.
    request.remote.expected = subscribers - 1;
    if (request.remote.expected <= 0) {
      this.fallBack(request);
      return;
    }
    const payload: Record<string, unknown> = { requestId: request.id, replyTo: this.host.serverId };
    if (request.stateVector !== undefined) payload.stateVector = request.stateVector;
    this.host.publishRequest(request.docId, payload, request.requesterId);
  }

  private fallBack(request: Pending<C>): void {
    if (!this.pending.has(request.id) || request.fallingBack) return;
    if (request.refresh && request.source) this.lateRefreshes.remember(request.id, request.source, request.refresh);
    if (request.requester && this.host.readCache) {
      request.fallingBack = true;
      this.host.clock.clearTimeout(request.timer);
      this.host.readCache(request.docId, (update) => this.afterCacheRead(request, update));
      return;
    }
    if (request.requester) this.host.onFallback(request.docId);
    this.finish(request, { requestId: "", update: null, source: "none" });
  }

  /** The cache answered (null: nothing usable). A source that answered meanwhile has already won. */
  private afterCacheRead(request: Pending<C>, update: string | null): void {
    if (!this.pending.has(request.id)) return;
    if (update !== null) return this.finish(request, { requestId: "", update, source: "cache" });
    this.host.onFallback(request.docId);
    this.finish(request, { requestId: "", update: null, source: "none" });
  }

  private finish(request: Pending<C>, answer: SnapshotResponsePayload): void {
    this.close(request);
    if (request.requester) {
      this.host.answerRequester(request.requester, { ...answer, requestId: request.requesterRequestId! });
    } else if (request.replyTo) {
      this.host.publishResponse(request.replyTo, request.docId, { ...answer, requestId: request.originRequestId! });
    } else if (request.refresh && answer.update !== null) {
      request.refresh(answer.update);
    }
  }

  /** An answer to a refresh request that had timed out (relay/core/late-refreshes.ts). */
  private lateRefreshAnswer(client: C, payload: SnapshotResponsePayload): void {
    const refresh = this.lateRefreshes.take(client, payload.requestId);
    if (refresh && payload.update !== null) refresh(payload.update);
  }

  private close(request: Pending<C>): void {
    this.pending.delete(request.id);
    this.host.clock.clearTimeout(request.timer);
  }
}
