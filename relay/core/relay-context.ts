/**
 * What the parts of one relay share: its identity, config and ports, the connection maps (the
 * relay's only state besides counters), the running totals, and the test seams. The relay builds
 * one context and hands it to each part (client inbox, bus inbox, outbound, publisher, docs), so
 * every part reads the same maps and a subclass's seam override is seen everywhere.
 */
import type { MessageBus } from "../bus/message-bus.ts";
import type { RelayConfig } from "../config.ts";
import type { RejectionSource, RelayEvent, RelayStats } from "../events.ts";
import type { Clock, Logger, RelaySocket } from "../ports.ts";
import type { SnapshotResponsePayload } from "../protocol/messages.ts";
import type { ClientConnection } from "./client-connection.ts";
import type { RemotePresence } from "./remote-presence.ts";
import type { ReplayGuard } from "./replay-guard.ts";

export type RelayCounters = Omit<RelayStats, "serverId" | "redisConnected" | "activeDocuments" | "activeConnections">;

export function newCounters(): RelayCounters {
  return {
    remoteMessages: 0, snapshotRequests: 0, snapshotFallbacks: 0, snapshotCacheHits: 0, snapshotCacheMisses: 0,
    snapshotCacheWrites: 0, snapshotCacheSkipped: 0, snapshotCacheErrors: 0, queuedMessages: 0, queuedBytes: 0,
    queuedMaxMessages: 0, droppedMessages: 0, rateLimited: 0, forgedDropped: 0, duplicatesDropped: 0,
    malformedDropped: 0, slowConsumers: 0, reconnects: 0, messagesRouted: 0, rejected: { client: {}, redis: {} },
  };
}

/** The overridable methods of StatelessCollabRelay (relay/relay.ts file comment), bound to it. */
export interface RelaySeams {
  fanOutLocal(docId: string, frame: string, exclude: ClientConnection | null): void;
  deliverSnapshotResponse(requester: ClientConnection, payload: SnapshotResponsePayload): void;
  /** `docIds`: only these documents (a cluster shard came back); default all. */
  resyncAfterReconnect(docIds?: Iterable<string>): void;
  expireStalePresence(): void;
}

export interface RelayContext {
  readonly serverId: string;
  readonly config: RelayConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly bus: MessageBus;
  readonly connections: Map<RelaySocket, ClientConnection>;
  /** Attached clients per doc: the fan-out sets. */
  readonly docs: Map<string, Set<ClientConnection>>;
  readonly remotePresence: RemotePresence;
  /** Replay floors for signed messages (replay-guard.ts); absent without a cluster secret. */
  readonly replayGuard?: ReplayGuard;
  readonly counters: RelayCounters;
  readonly seams: RelaySeams;
  emit(event: RelayEvent): void;
  newMessageId(): string;
  /** Counts a refused input by reason and emits `input-rejected` (PROTOCOL.md section 8). */
  reject(reason: string, source: RejectionSource): void;
  /** Runs `fn`; an exception is logged and counted as "callback-error", never thrown on. */
  contain(where: string, source: RejectionSource, fn: () => void): void;
  /** True (and counted) when (senderId, messageId) was delivered inside the dedup window. */
  isDuplicate(senderId: string, messageId: string): boolean;
}
