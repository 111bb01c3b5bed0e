/** The relay side of the snapshot flow: how SnapshotBroker reaches clients, sources and Redis. */
import { channels, MessageType, type SnapshotResponsePayload } from "../protocol/messages.ts";
import type { ClientConnection } from "./client-connection.ts";
import { containedClock } from "./contained-clock.ts";
import { SERVER_SENDER, type Outbound } from "./outbound.ts";
import type { Publisher } from "./publisher.ts";
import type { RelayContext } from "./relay-context.ts";
import type { SnapshotHost } from "./snapshot-broker.ts";
import type { SnapshotCacheFlow } from "./cache-flow.ts";

export function createSnapshotHost(ctx: RelayContext, outbound: Outbound, publisher: Publisher, cache: SnapshotCacheFlow | null = null): SnapshotHost<ClientConnection> {
  const noQueue = { queue: false, batch: false };
  // The opt-in snapshot cache's hooks exist only when it is on: off, the flow is exactly as before.
  const cacheHooks: Pick<SnapshotHost<ClientConnection>, "readCache" | "onSourceAnswer"> = cache
    ? { readCache: (docId, done) => cache.read(docId, done), onSourceAnswer: (docId, update, asked) => cache.sourceAnswered(docId, update, asked) }
    : {};
  return {
    ...cacheHooks,
    serverId: ctx.serverId,
    // Snapshot timeouts fire from timers: contained like every callback (PROTOCOL.md section 8).
    clock: containedClock(ctx.clock, (where, fn) => ctx.contain(where, "client", fn), "snapshot-timeout"),
    timeoutMs: ctx.config.snapshotTimeoutMs,
    newRequestId: () => ctx.newMessageId(),
    pickLocalSource: (docId, exclude, tried) => {
      for (const conn of ctx.docs.get(docId) ?? []) {
        if (conn !== exclude && conn.hasState && !conn.gone && !tried.has(conn)) return conn;
      }
      return null;
    },
    askSource: (source, requestId, stateVector, forSenderId) => {
      const payload = stateVector === undefined ? { requestId } : { requestId, stateVector };
      outbound.sendFrame(source, outbound.serverFrame(MessageType.SNAPSHOT_REQUEST, source.docId, payload, forSenderId));
    },
    answerRequester: (requester, payload: SnapshotResponsePayload) => ctx.seams.deliverSnapshotResponse(requester, payload),
    busConnected: (docId) => ctx.bus.isConnected(channels.doc(docId)),
    otherServersOnDoc: (docId) => ctx.bus.numsub(channels.doc(docId)),
    publishRequest: (docId, payload, forSenderId) =>
      publisher.publishRouted(channels.doc(docId), publisher.routed(MessageType.SNAPSHOT_REQUEST, docId, forSenderId, payload), noQueue),
    publishResponse: (replyTo, docId, payload) =>
      publisher.publishRouted(channels.server(replyTo), publisher.routed(MessageType.SNAPSHOT_RESPONSE, docId, SERVER_SENDER, payload), noQueue),
    onFallback: (docId) => {
      ctx.counters.snapshotFallbacks++;
      ctx.emit({ type: "snapshot-fallback", docId });
    },
  };
}
