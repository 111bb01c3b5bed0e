/**
 * Who each client believes is present, over time: the picture behind noGhostPresence. Built from
 * the same Observations in sim and chaos. A client's provider learns of a peer's session (its
 * senderId) from WELCOME.peers, JOIN or PRESENCE, forgets it on LEAVE, and forgets everything when
 * its own connection ends (the next WELCOME brings a fresh peer list). Each belief interval keeps
 * when the peer's session really ended, so a report can show the lag (peer gone, still shown) and
 * the ghost (still shown after the noGhostPresence deadline).
 */
import type { LeaveObservation, Observations, SessionObservation } from "./observations.ts";

export interface PresenceBelief {
  /** The client holding the belief, its doc, and the peer (client name) it believes present. */
  observer: string;
  docId: string;
  peer: string;
  fromMs: number;
  /** When the belief ended: LEAVE seen, or the observer's own connection ended, or the run ended. */
  toMs: number;
  /** When the peer's session really ended; null if it was still open when the belief ended. */
  peerEndMs: number | null;
}

export interface PresenceTimeline {
  /** The scenario's noGhostPresence `within`, null when it expects none. */
  ghostWithinMs: number | null;
  beliefs: PresenceBelief[];
}

export function presenceTimeline(obs: Observations, ghostWithinMs: number | null): PresenceTimeline {
  const bySender = new Map(obs.sessions.map((session) => [`${session.docId}|${session.senderId}`, session]));
  const seen = obs.peersSeen ?? [];
  const beliefs = obs.sessions.flatMap((observer) => beliefsOf(observer, seen, obs.leaves, bySender, obs.endMs));
  beliefs.sort((a, b) => a.docId.localeCompare(b.docId) || a.observer.localeCompare(b.observer, undefined, { numeric: true }) || a.fromMs - b.fromMs || a.peer.localeCompare(b.peer, undefined, { numeric: true }));
  return { ghostWithinMs, beliefs };
}

function beliefsOf(
  observer: SessionObservation,
  seen: readonly LeaveObservation[],
  leaves: readonly LeaveObservation[],
  bySender: Map<string, SessionObservation>,
  runEndMs: number,
): PresenceBelief[] {
  const endMs = observer.endMs ?? runEndMs;
  const inSession = (e: LeaveObservation) => e.observer === observer.client && e.docId === observer.docId && e.tMs >= observer.startMs && e.tMs <= endMs;
  const events = [
    ...seen.filter(inSession).map((e) => ({ e, present: true })),
    ...leaves.filter(inSession).map((e) => ({ e, present: false })),
  ].sort((a, b) => a.e.tMs - b.e.tMs || Number(a.present) - Number(b.present));
  const open = new Map<string, number>();
  const beliefs: PresenceBelief[] = [];
  const close = (senderId: string, atMs: number) => {
    const fromMs = open.get(senderId);
    if (fromMs === undefined) return;
    open.delete(senderId);
    const peer = bySender.get(`${observer.docId}|${senderId}`);
    if (peer === undefined || peer.client === observer.client) return;
    const peerEndMs = peer.endMs !== null && peer.endMs <= atMs ? peer.endMs : null;
    beliefs.push({ observer: observer.client, docId: observer.docId, peer: peer.client, fromMs, toMs: atMs, peerEndMs });
  };
  for (const { e, present } of events) {
    if (present && !open.has(e.senderId)) open.set(e.senderId, e.tMs);
    else if (!present) close(e.senderId, e.tMs);
  }
  for (const senderId of [...open.keys()]) close(senderId, endMs);
  return beliefs;
}
