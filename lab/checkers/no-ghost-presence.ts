/**
 * noGhostPresence { withinMs }: every session that ENDED (leave, crash of its server, disconnect,
 * ...) is reported LEFT, by its senderId, to every client that was watching it, within withinMs.
 *
 * Precisely: for an ended session S (client X, doc D, senderId s, end E), an OBSERVER is any other
 * client O with a session on D that started before E and stayed open, unbroken, until E + withinMs.
 * Such an O saw s (it was connected while s was there: WELCOME.peers or JOIN told it) and kept
 * listening the whole window, so it must have a LeaveObservation for s on D at or before E + withinMs.
 * When the observations say which peers each client learned of (obs.peersSeen), an observer that
 * never heard of s (e.g. Redis was down for s's whole life) shows no ghost and is not judged, and
 * one that first heard of s only after E (a JOIN queued during a Redis outage and flushed at the
 * heal) shows s as present only from then: its window starts when it learned of s, not at E. A
 * LEAVE that never follows is still caught.
 * A client that was not reading its socket (a `slowClient` fault) for part of the window could not
 * see anything meanwhile: its deadline moves back by that much listening time it lost.
 * Not judged: a client whose own session broke in the window (its reconnect's fresh WELCOME.peers
 * drops s anyway), a client that connected after E (never saw s), and sessions with
 * E + withinMs > obs.endMs (the run ended before the deadline).
 */
import type { LeaveObservation, Observations, SessionObservation } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import { formatMs, listSome } from "./format.ts";

/** A client that stopped reading its socket from fromMs to toMs (slowClient). */
export interface NotReadingWindow {
  client: string;
  fromMs: number;
  toMs: number;
}

export function checkNoGhostPresence(obs: Observations, withinMs: number, notReading: readonly NotReadingWindow[] = []): InvariantResult {
  const ghosts: string[] = [];
  let judged = 0;
  let notJudged = 0;
  for (const ended of obs.sessions.filter(hasEnded)) {
    const deadlineMs = ended.endMs + withinMs;
    if (deadlineMs > obs.endMs) {
      notJudged++;
      continue;
    }
    judged++;
    for (const observer of observersOf(ended, deadlineMs, obs.sessions)) {
      const seenAtMs = obs.peersSeen ? firstSeenMs(obs.peersSeen, observer, ended) : ended.endMs;
      if (seenAtMs === undefined) continue;
      const ghostFromMs = Math.max(ended.endMs, seenAtMs);
      const observerDeadlineMs = ghostFromMs + withinMs + deafMs(notReading, observer.client, ghostFromMs, ghostFromMs + withinMs);
      if (observerDeadlineMs > obs.endMs) continue;
      const leave = firstLeaveSeen(obs.leaves, observer, ended);
      if (leave === undefined || leave.tMs > observerDeadlineMs) ghosts.push(describeGhost(observer, ended, observerDeadlineMs, leave));
    }
  }
  if (ghosts.length > 0) return { name: "noGhostPresence", passed: false, detail: `${ghosts.length} ghosts: ${listSome(ghosts, 4)}` };
  const skipped = notJudged > 0 ? `; ${notJudged} ended too close to the end to judge` : "";
  return { name: "noGhostPresence", passed: true, detail: `${judged} ended sessions reported LEFT within ${formatMs(withinMs)}${skipped}` };
}

/** How long `client` was not reading between fromMs and toMs. */
function deafMs(windows: readonly NotReadingWindow[], client: string, fromMs: number, toMs: number): number {
  return windows
    .filter((w) => w.client === client)
    .reduce((total, w) => total + Math.max(0, Math.min(w.toMs, toMs) - Math.max(w.fromMs, fromMs)), 0);
}

type EndedSession = SessionObservation & { endMs: number };

function hasEnded(session: SessionObservation): session is EndedSession {
  return session.endMs !== null;
}

/** Sessions of other clients on the same doc, open from before the end until the deadline. */
function observersOf(ended: EndedSession, deadlineMs: number, sessions: readonly SessionObservation[]): SessionObservation[] {
  return sessions.filter(
    (s) =>
      s.client !== ended.client &&
      s.docId === ended.docId &&
      s.startMs < ended.endMs &&
      (s.endMs === null || s.endMs >= deadlineMs),
  );
}

/**
 * When the observer's session first learned of the ended session's senderId (WELCOME.peers, JOIN).
 * Only this session counts: a provider forgets its peers on every new connection, so what an
 * earlier session of the same client knew is not shown any more.
 */
function firstSeenMs(peersSeen: readonly LeaveObservation[], observer: SessionObservation, ended: SessionObservation): number | undefined {
  const times = peersSeen
    .filter((p) => p.observer === observer.client && p.docId === ended.docId && p.senderId === ended.senderId && p.tMs >= observer.startMs)
    .map((p) => p.tMs);
  return times.length === 0 ? undefined : Math.min(...times);
}

function firstLeaveSeen(leaves: readonly LeaveObservation[], observer: SessionObservation, ended: SessionObservation): LeaveObservation | undefined {
  return leaves
    .filter((l) => l.observer === observer.client && l.docId === ended.docId && l.senderId === ended.senderId && l.tMs >= ended.startMs)
    .sort((a, b) => a.tMs - b.tMs)[0];
}

function describeGhost(observer: SessionObservation, ended: EndedSession, deadlineMs: number, late: LeaveObservation | undefined): string {
  const seen = late === undefined ? "never saw LEAVE" : `saw LEAVE only at ${formatMs(late.tMs)}`;
  const why = ended.endReason ?? "unknown reason";
  return `${observer.client} (on ${observer.server}) ${seen} for ${ended.client}'s senderId ${ended.senderId} (${ended.docId}, session on ${ended.server} ended at ${formatMs(ended.endMs)}: ${why}; deadline ${formatMs(deadlineMs)})`;
}
