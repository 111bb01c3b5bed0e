/**
 * Running totals of refused input, by reason and source, for `/metrics` as
 * `lfcc_rejected_total{reason,source}` (PROTOCOL.md section 8: an operator must see an attack).
 * Two feeds: the host's own refusals (this directory: upgrades, timeouts, expired tokens) and the
 * relay's `input-rejected` events (bad frames from clients, bad messages off Redis).
 */
import type { RelayEvent } from "../events.ts";

/**
 * Where the refused input came from. `upgrade`: an HTTP request refused before any WebSocket
 * existed. `client`: a frame on, or the state of, an open client socket. `redis`: a routed message.
 */
export type RejectionSource = "upgrade" | "client" | "redis";

/** The host's own refusal reasons; the relay adds its own codes through its events. */
export const SERVER_REJECTION_REASONS = {
  /** No token on a server started with a JWT secret: 401. */
  authMissing: "auth-missing",
  /** Bad signature, not a JWT, wrong algorithm, no `sub`: 401. */
  authInvalid: "auth-invalid",
  /** `exp` passed: 401 at the upgrade, close 1008 on an open socket. */
  authExpired: "auth-expired",
  /** `role` present but not "editor" or "viewer" (null, "admin", 3...): 401. */
  roleInvalid: "role-invalid",
  /** The token's `docs` claim does not cover the docId: 401. */
  docForbidden: "doc-forbidden",
  /** `--max-connections` reached: 503. */
  maxConnections: "max-connections",
  /** `--max-connections-per-ip` reached for the peer's address: 503. */
  maxConnectionsPerIp: "max-connections-per-ip",
  /** TCP connections beyond maxConnections plus headroom (http-limits.ts maxSockets): dropped unanswered. */
  maxSockets: "max-sockets",
  /** Request headers not complete within the headers timeout: 408, socket destroyed. */
  headerTimeout: "header-timeout",
  /** Missing or invalid docId on the upgrade: 400. */
  badDocId: "bad-doc-id",
  /** Bytes the HTTP parser refuses (not HTTP, headers too large): 400/431, socket destroyed. */
  badHttpRequest: "bad-http-request",
} as const;

export type ServerRejectionReason = (typeof SERVER_REJECTION_REASONS)[keyof typeof SERVER_REJECTION_REASONS];

const UPGRADE_REASONS: ServerRejectionReason[] = Object.values(SERVER_REJECTION_REASONS);

export interface RejectionCount {
  reason: string;
  source: RejectionSource;
  count: number;
}

export class RejectionTally {
  private readonly counts = new Map<string, RejectionCount>();

  constructor() {
    // Every host reason exists from the start at 0, so a dashboard can graph it before the first attack.
    for (const reason of UPGRADE_REASONS) this.entry(reason, "upgrade");
    this.entry(SERVER_REJECTION_REASONS.authExpired, "client");
  }

  count(reason: string, source: RejectionSource): void {
    this.entry(reason, source).count += 1;
  }

  get(reason: string, source: RejectionSource): number {
    return this.counts.get(key(reason, source))?.count ?? 0;
  }

  all(): RejectionCount[] {
    return [...this.counts.values()];
  }

  /** An `onEvent` for the relay: counts its `input-rejected` events, then passes every event on. */
  relayListener(next?: (event: RelayEvent) => void): (event: RelayEvent) => void {
    return (event) => {
      if (event.type === "input-rejected") this.count(event.reason, event.source);
      next?.(event);
    };
  }

  private entry(reason: string, source: RejectionSource): RejectionCount {
    let entry = this.counts.get(key(reason, source));
    if (!entry) this.counts.set(key(reason, source), (entry = { reason, source, count: 0 }));
    return entry;
  }
}

function key(reason: string, source: RejectionSource): string {
  return `${source}\u0000${reason}`;
}
