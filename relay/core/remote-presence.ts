/**
 * Which clients of each doc live on other servers, learned from routed JOIN / LEAVE and rosters,
 * kept fresh by each server's liveness beat (relay/core/liveness.ts). A server whose beats stop
 * arriving is presumed crashed and its clients are reported gone (no ghost presence, PROTOCOL.md
 * section 5). Pure bookkeeping: it returns what changed and the relay tells the clients.
 */
export interface PresenceChange {
  docId: string;
  joined: string[];
  left: string[];
  /** Set by `expire`: the server whose clients went. */
  serverId?: string;
}

interface ServerRoster {
  clients: Set<string>;
  lastSeenMs: number;
}

export class RemotePresence {
  /** docId -> serverId -> that server's clients of the doc. */
  private readonly docs = new Map<string, Map<string, ServerRoster>>();

  clientsOf(docId: string): string[] {
    const servers = this.docs.get(docId);
    if (!servers) return [];
    return [...servers.values()].flatMap((roster) => [...roster.clients]);
  }

  /** A routed JOIN: returns true when the client was not known yet. */
  join(docId: string, serverId: string, clientId: string, nowMs: number): boolean {
    const roster = this.roster(docId, serverId, nowMs);
    roster.lastSeenMs = nowMs;
    if (roster.clients.has(clientId)) return false;
    roster.clients.add(clientId);
    return true;
  }

  /**
   * A routed PRESENCE: clients count its sender as a peer from now on, so we must too, or the
   * LEAVE that follows it is "not news" and never reaches them. Happens when a client's JOIN was
   * superseded (a roster that no longer lists it arrived first, or its server's roster expired
   * while a Redis outage held that client's PRESENCE and LEAVE in a queue): found by the fuzzer
   * (scenarios/regressions/ghost-presence-*.yaml). If no LEAVE follows, the sender's next roster
   * or its expiry reports the client gone.
   */
  presenceSeen(docId: string, serverId: string, clientId: string, nowMs: number): void {
    this.join(docId, serverId, clientId, nowMs);
  }

  /** A routed LEAVE: returns true when the client was known. */
  leave(docId: string, serverId: string, clientId: string): boolean {
    const roster = this.docs.get(docId)?.get(serverId);
    if (!roster?.clients.delete(clientId)) return false;
    if (roster.clients.size === 0) this.forget(docId, serverId);
    return true;
  }

  /** A full roster replaces what we knew about (doc, server). */
  applyRoster(docId: string, serverId: string, clients: readonly string[], nowMs: number): PresenceChange {
    const roster = this.roster(docId, serverId, nowMs);
    roster.lastSeenMs = nowMs;
    const next = new Set(clients);
    const joined = clients.filter((c) => !roster.clients.has(c));
    const left = [...roster.clients].filter((c) => !next.has(c));
    roster.clients = next;
    if (next.size === 0) this.forget(docId, serverId);
    return { docId, joined, left };
  }

  /** Rosters older than `timeoutMs` are dropped; their clients are returned as left. */
  expire(nowMs: number, timeoutMs: number): PresenceChange[] {
    const changes: PresenceChange[] = [];
    for (const [docId, servers] of this.docs) {
      for (const [serverId, roster] of servers) {
        if (nowMs - roster.lastSeenMs < timeoutMs) continue;
        this.forget(docId, serverId);
        if (roster.clients.size > 0) changes.push({ docId, joined: [], left: [...roster.clients], serverId });
      }
    }
    return changes;
  }

  /**
   * After our own Redis link came back: a roster that would expire within `graceMs` gets that long
   * to be refreshed (we just asked every server for its roster). Older clocks are not reset, so a
   * server that died while we were away is still reported gone within the bound.
   */
  allowAnswerWithin(nowMs: number, timeoutMs: number, graceMs: number): void {
    const earliestLastSeenMs = nowMs - timeoutMs + graceMs;
    for (const servers of this.docs.values()) {
      for (const roster of servers.values()) roster.lastSeenMs = Math.max(roster.lastSeenMs, earliestLastSeenMs);
    }
  }

  /** A beat from `serverId`: its rosters of the docs `carries` accepts are fresh again. */
  touchServer(serverId: string, nowMs: number, carries: (docId: string) => boolean): void {
    for (const [docId, servers] of this.docs) {
      const roster = servers.get(serverId);
      if (roster && carries(docId)) roster.lastSeenMs = nowMs;
    }
  }

  /** Forget a doc entirely (no local client needs its presence any more). */
  dropDoc(docId: string): void {
    this.docs.delete(docId);
  }

  private roster(docId: string, serverId: string, nowMs: number): ServerRoster {
    let servers = this.docs.get(docId);
    if (!servers) this.docs.set(docId, (servers = new Map()));
    let roster = servers.get(serverId);
    if (!roster) servers.set(serverId, (roster = { clients: new Set(), lastSeenMs: nowMs }));
    return roster;
  }

  private forget(docId: string, serverId: string): void {
    const servers = this.docs.get(docId);
    servers?.delete(serverId);
    if (servers?.size === 0) this.docs.delete(docId);
  }
}
