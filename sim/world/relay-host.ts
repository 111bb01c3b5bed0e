/**
 * What the simulator needs from a relay, and how it builds the production one. Tests pass their
 * own `relayFactory` (planted-bug variants) through runScenario / createWorld.
 */
import type { MessageBus } from "../../relay/bus/message-bus.ts";
import type { RelayConfig } from "../../relay/config.ts";
import type { RelayEvent, RelayStats } from "../../relay/events.ts";
import type { RelayPorts, RelaySocket } from "../../relay/ports.ts";
import { StatelessCollabRelay } from "../../relay/relay.ts";

export interface SimRelay {
  initialize(): unknown;
  /** `ctx.role`: what the real server reads from the JWT; the simulator takes it from the URL (attackers). */
  handleConnection(socket: RelaySocket, docId: string, senderId: string, ctx?: { role?: "editor" | "viewer" }): unknown;
  handleMessage(socket: RelaySocket, data: string): unknown;
  handleDisconnection(socket: RelaySocket): unknown;
  shutdown(): unknown;
  stats(): RelayStats;
}

export interface RelayFactoryOptions extends Partial<RelayConfig> {
  serverId: string;
  redisAdapter: MessageBus;
  ports: RelayPorts;
  onEvent: (event: RelayEvent) => void;
}

export type RelayFactory = (options: RelayFactoryOptions) => SimRelay;

/** The production relay, unchanged. */
export const productionRelay: RelayFactory = (options) => new StatelessCollabRelay(options);
