/** One client connection as the relay tracks it (ephemeral state only: no document content). */
import type { RelaySocket } from "../ports.ts";
import type { Role } from "../protocol/messages.ts";
import type { ConnectionRateLimiter, TokenBucket } from "./token-bucket.ts";

export interface ClientConnection {
  readonly ws: RelaySocket;
  readonly docId: string;
  readonly senderId: string;
  readonly role: Role;
  /** It sent CRDT_UPDATE or SNAPSHOT_RESPONSE, so it can serve snapshots. */
  hasState: boolean;
  /** Attached to its doc (WELCOME sent); before that it receives nothing routed. */
  attached: boolean;
  /** Disconnected; anything still referring to it must skip it. */
  gone: boolean;
  readonly limiter: ConnectionRateLimiter | null;
  /** SNAPSHOT_REQUEST / SYNC_STEP1 budget, smaller for viewers (PROTOCOL.md section 8). */
  readonly stateRequests: TokenBucket | null;
  /**
   * Answers this client owes, by asker: a SYNC_STEP1 delivered to it may be answered (a diff and a
   * SYNC_STEP1 back, both addressed `to` the asker) without spending its own budget.
   * Null while it owes nothing (most of a connection's life): an empty Map per connection was
   * ~0.2 KiB each at 10,000 idle connections.
   */
  answersOwed: Map<string, number> | null;
}
