/**
 * presenceComplete { within }: presence is right in both directions, not only "LEAVE eventually"
 * (noGhostPresence). Four rules, each judged only at moments the faults leave undisturbed
 * (fault-windows.ts):
 * 1. complete: a client connected on a doc for `within` is in the peer set (provider `peers`,
 *    sampled) of every other client connected on that doc for `within`, if no fault acted in
 *    that window;
 * 2. no false LEAVE: a LEAVE for a session that is still open (and stays open 2 s longer) is a
 *    violation when no fault acted from `within` before it to 2 s after;
 * 3. prompt graceful LEAVE: a session that ended gracefully (the client left, or its server was
 *    stopped) is reported LEFT within PROMPT_LEAVE_MS to every observer that knew it and stayed
 *    connected, when no network fault acted meanwhile: graceful ends owe a LEAVE, not a timeout;
 * 4. crash LEAVE by the relay's own bound: a session ended by its server's crash is reported LEFT
 *    within presenceTimeout + 2 heartbeats + 1 s (the roster expiry the relay promises; Redis
 *    faults meanwhile are allowed, they do not excuse it), unless clocks jumped (clockSkew),
 *    links were slowed (latency) or the observer was disturbed (slowClient, disconnect).
 */
import { DEFAULT_RELAY_CONFIG } from "../../relay/config.ts";
import type { LeaveObservation, Observations, SessionObservation } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import type { Scenario } from "../scenario/types.ts";
import { faultWindows, withReconnectLag, quiet, relayTiming, type FaultWindow } from "./fault-windows.ts";
import { formatMs, listSome } from "./format.ts";

/** A graceful end must be reported this fast (many round trips; far below any presence timeout). */
export const PROMPT_LEAVE_MS = 3_000;
/** A LEAVE is false only if its subject stays connected at least this much longer. */
export const FALSE_LEAVE_SLACK_MS = 2_000;
const CRASH_SLACK_MS = 1_000;

export function checkPresenceComplete(scenario: Scenario, obs: Observations, withinMs: number): InvariantResult {
  const name = "presenceComplete";
  if (!obs.peerSamples) return { name, passed: true, detail: "not judged: no peer samples in this mode" };
  const windows = faultWindows(scenario);
  const problems = [
    ...missingPeers(obs, windows, withinMs),
    ...falseLeaves(obs, windows, withinMs),
    ...lateLeaves(scenario, obs),
  ];
  if (problems.length > 0) return { name, passed: false, detail: `${problems.length} presence errors: ${listSome(problems, 4)}` };
  return { name, passed: true, detail: `peer sets complete after ${formatMs(withinMs)}, no false LEAVE, graceful LEAVEs within ${formatMs(PROMPT_LEAVE_MS)}` };
}

function missingPeers(obs: Observations, windows: FaultWindow[], withinMs: number): string[] {
  const problems: string[] = [];
  const bySender = new Map(obs.sessions.map((s) => [s.senderId, s]));
  const reported = new Set<string>();
  for (const sample of obs.peerSamples ?? []) {
    const fromMs = sample.tMs - withinMs;
    const own = bySender.get(sample.senderId);
    if (!own || own.startMs > fromMs || !quiet(windows, fromMs, sample.tMs)) continue;
    const peers = new Set(sample.peers);
    for (const other of obs.sessions) {
      if (other.docId !== sample.docId || other.client === sample.client || other.startMs > fromMs) continue;
      // Peers know a y-websocket client by an id the client itself never learns: not judged here.
      if (other.senderIdKnown === false) continue;
      if (other.endMs !== null && other.endMs <= sample.tMs) continue;
      const key = `${sample.client}>${other.senderId}`;
      if (peers.has(other.senderId) || reported.has(key)) continue;
      reported.add(key);
      problems.push(`${sample.client} (on ${own.server}) does not count ${other.client} (${other.senderId}, on ${other.server}, connected since ${formatMs(other.startMs)}) as present at ${formatMs(sample.tMs)}`);
    }
  }
  return problems;
}

function falseLeaves(obs: Observations, windows: FaultWindow[], withinMs: number): string[] {
  const bySender = new Map(obs.sessions.map((s) => [s.senderId, s]));
  const problems: string[] = [];
  for (const leave of obs.leaves) {
    const subject = bySender.get(leave.senderId);
    if (!subject || subject.startMs > leave.tMs) continue;
    const staysUntilMs = leave.tMs + FALSE_LEAVE_SLACK_MS;
    if ((subject.endMs !== null && subject.endMs <= staysUntilMs) || staysUntilMs > obs.endMs) continue;
    if (!quiet(windows, leave.tMs - withinMs, staysUntilMs)) continue;
    problems.push(`${leave.observer} was told at ${formatMs(leave.tMs)} that ${subject.client} (${subject.senderId}, on ${subject.server}) LEFT, but it was still connected`);
  }
  return problems;
}

function lateLeaves(scenario: Scenario, obs: Observations): string[] {
  const timing = relayTiming(scenario, DEFAULT_RELAY_CONFIG);
  const crashBoundMs = timing.presenceTimeoutMs + 2 * timing.heartbeatIntervalMs + CRASH_SLACK_MS;
  const network = withReconnectLag(faultWindows(scenario, ["crash", "stop", "clockSkew"]), scenario);
  // Without a cluster secret anyone may publish: replayed beats and rosters can keep a crashed
  // server's clients alive and no relay can tell (PROTOCOL.md section 6), so they void the crash bound.
  const unsignedReplay = (w: FaultWindow) => w.kind === "redisInject" && !scenario.relay.clusterSecret;
  const notForCrash = faultWindows(scenario).filter((w) => w.kind === "clockSkew" || w.kind === "latency" || unsignedReplay(w));
  const problems: string[] = [];
  for (const ended of obs.sessions.filter((s): s is SessionObservation & { endMs: number } => s.endMs !== null)) {
    const graceful = ended.endReason === "leave" || ended.endReason === "stop";
    const crashed = ended.endReason === "crash";
    if (!graceful && !crashed) continue;
    const boundMs = graceful ? PROMPT_LEAVE_MS : crashBoundMs;
    const deadlineMs = ended.endMs + boundMs;
    if (deadlineMs > obs.endMs) continue;
    if (graceful ? !quiet(network, ended.endMs - 1, deadlineMs) : !quiet(notForCrash, ended.endMs - 1, deadlineMs)) continue;
    for (const observer of observersOf(ended, deadlineMs, obs)) {
      if (disturbed(scenario, observer.client, ended.endMs, deadlineMs)) continue;
      const leave = firstLeave(obs.leaves, observer, ended);
      if (leave !== undefined && leave.tMs <= deadlineMs) continue;
      const seen = leave === undefined ? "never" : `only at ${formatMs(leave.tMs)}`;
      problems.push(`${observer.client} heard ${ended.client}'s LEAVE ${seen}: its session on ${ended.server} ended (${ended.endReason}) at ${formatMs(ended.endMs)}, bound ${formatMs(boundMs)}`);
    }
  }
  return problems;
}

/** Other clients on the doc, connected from before the end to the deadline, that knew the session. */
function observersOf(ended: SessionObservation & { endMs: number }, deadlineMs: number, obs: Observations): SessionObservation[] {
  return obs.sessions.filter((s) => {
    if (s.client === ended.client || s.docId !== ended.docId || s.startMs >= ended.endMs) return false;
    if (s.endMs !== null && s.endMs < deadlineMs) return false;
    return (obs.peersSeen ?? []).some((p) => p.observer === s.client && p.senderId === ended.senderId && p.tMs >= s.startMs && p.tMs <= ended.endMs);
  });
}

function disturbed(scenario: Scenario, client: string, fromMs: number, toMs: number): boolean {
  return scenario.faults.some((f) => {
    if (f.kind !== "slowClient" && f.kind !== "disconnect") return false;
    const names = f.kind === "slowClient" ? [f.client] : f.clients;
    return names.includes(client) && f.atMs <= toMs && f.atMs + f.forMs >= fromMs;
  });
}

function firstLeave(leaves: readonly LeaveObservation[], observer: SessionObservation, ended: SessionObservation): LeaveObservation | undefined {
  let first: LeaveObservation | undefined;
  for (const l of leaves) {
    if (l.observer === observer.client && l.senderId === ended.senderId && (!first || l.tMs < first.tMs)) first = l;
  }
  return first;
}
