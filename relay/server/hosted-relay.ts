/**
 * The slice of StatelessCollabRelay that the HTTP/WebSocket host drives. Declared here so the host
 * depends on behaviour, not on the class (tests may host a wrapped or planted-bug relay).
 */
import type { RelaySocket } from "../ports.ts";
import type { Role } from "../protocol/messages.ts";
import type { RelayStats } from "../events.ts";
import type { RelayHealth } from "../relay.ts";

export type { RelayHealth, RelayStats };

export interface HostedRelay {
  initialize(): Promise<void>;
  handleConnection(ws: RelaySocket, docId: string, senderId: string, ctx?: { role?: Role }): Promise<void>;
  handleMessage(ws: RelaySocket, data: string | Buffer | ArrayBuffer | Buffer[]): void;
  handleDisconnection(ws: RelaySocket): void;
  shutdown(): Promise<void>;
  stats(): RelayStats;
  health(): RelayHealth;
}
