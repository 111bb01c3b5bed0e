/**
 * Running totals of the host's own refusals (upgrades, timeouts, expired tokens), by reason and
 * source. `/metrics` shows them as `lfcc_rejected_total{reason,source}` (PROTOCOL.md section 8: an
 * operator must see an attack), summed with the relay's own counts of refused frames and routed
 * messages (`relay.stats().rejected`), read at scrape time like every other relay counter.
 */
/**
 * The relay's `stats().rejected`: refused frames (`client`) and routed messages (`redis`), by
 * reason. Optional: a hosted relay without it (an older or a planted-bug one) shows host reasons only.
 */
export type RelayRejectedCounts = Partial<Record<"client" | "redis", Record<string, number>>>;

/**
 * Where the refused input came from. `upgrade`: an HTTP request refused before any WebSocket
 * existed. `client`: a frame on, or the state of, an open client socket. `redis`: a routed message.
 */
export type RejectionSourceLabel = "upgrade" | "client" | "redis";

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
  source: RejectionSourceLabel;
  count: number;
}

export class RejectionTally {
  private readonly counts = new Map<string, RejectionCount>();

  constructor() {
    // Every host reason exists from the start at 0, so a dashboard can graph it before the first attack.
    for (const reason of UPGRADE_REASONS) this.entry(reason, "upgrade");
    this.entry(SERVER_REJECTION_REASONS.authExpired, "client");
  }

  count(reason: string, source: RejectionSourceLabel): void {
    this.entry(reason, source).count += 1;
  }

  get(reason: string, source: RejectionSourceLabel): number {
    return this.counts.get(key(reason, source))?.count ?? 0;
  }

  all(): RejectionCount[] {
    return [...this.counts.values()];
  }

  private entry(reason: string, source: RejectionSourceLabel): RejectionCount {
    let entry = this.counts.get(key(reason, source));
    if (!entry) this.counts.set(key(reason, source), (entry = { reason, source, count: 0 }));
    return entry;
  }
}

function key(reason: string, source: RejectionSourceLabel): string {
  return `${source}\u0000${reason}`;
}

/** The host's counts plus the relay's, one entry per (reason, source): what lfcc_rejected_total shows. */
export function allRejections(host: RejectionTally, relayRejected: RelayRejectedCounts | undefined): RejectionCount[] {
  const merged = new Map<string, RejectionCount>();
  const add = (reason: string, source: RejectionSourceLabel, count: number) => {
    const entry = merged.get(key(reason, source));
    if (entry) entry.count += count;
    else merged.set(key(reason, source), { reason, source, count });
  };
  for (const { reason, source, count } of host.all()) add(reason, source, count);
  for (const source of ["client", "redis"] as const) {
    for (const [reason, count] of Object.entries(relayRejected?.[source] ?? {})) add(reason, source, count);
  }
  return [...merged.values()];
}
