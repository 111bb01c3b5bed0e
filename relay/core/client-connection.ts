/** One client connection as the relay tracks it (ephemeral state only: no document content). */
import type { RelaySocket } from "../ports.ts";
import type { Role } from "../protocol/messages.ts";
import type { ConnectionRateLimiter } from "./token-bucket.ts";

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
}
