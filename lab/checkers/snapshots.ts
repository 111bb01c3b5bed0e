/**
 * snapshots: snapshot answers are correct and come in time (routing monitor observations).
 * For every SNAPSHOT_REQUEST a client sent:
 * - no answer on its connection carries a request id it never sent (a wrong request id);
 * - a non-null answer carries bytes some client of the doc sent as its SNAPSHOT_RESPONSE (the
 *   source's state, not something else);
 * - a null answer only when no source existed: it is a violation when another connection of the
 *   doc held state both when the request was sent and when it was answered, no fault acted in
 *   between and nobody on the doc was rate limited (a refused answer legitimately times out); an
 *   answer from the opt-in snapshot cache (`source: "cache"`, merged state no single client sent)
 *   is a fallback too and is judged by the same rule;
 * - time to first sync is bounded: an answer arrives within snapshotTimeout + SNAPSHOT_SLACK_MS
 *   when the requester stays connected that long and no fault acts meanwhile.
 * A fault that cuts relays off Redis acts until they could have noticed its heal: for
 * redisReconnectMaxMs after it (a relay retries with back-off; until then it cannot reach another
 * server's sources and answers null). The fuzzer's boundary timing found a request 7 ms after a heal.
 */
import { DEFAULT_RELAY_CONFIG } from "../../relay/config.ts";
import type { Observations, SessionObservation, SnapshotObservation } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import type { Scenario } from "../scenario/types.ts";
import { faultWindows, quiet, relayTiming, withReconnectLag } from "./fault-windows.ts";
import { formatMs, listSome } from "./format.ts";

export const SNAPSHOT_SLACK_MS = 2_000;

export function checkSnapshots(scenario: Scenario, obs: Observations): InvariantResult {
  const name = "snapshots";
  const requests = obs.monitor?.snapshots;
  if (!requests) return { name, passed: true, detail: "not judged: no snapshot observations in this mode" };
  const boundMs = relayTiming(scenario, DEFAULT_RELAY_CONFIG).snapshotTimeoutMs + SNAPSHOT_SLACK_MS;
  const windows = withReconnectLag(faultWindows(scenario), scenario);
  const rateLimitedDocs = new Set((obs.monitor?.rateLimit ?? []).filter((r) => r.refused > 0).map((r) => r.docId));
  const problems: string[] = [];
  const sessions = new Map(obs.sessions.map((s) => [s.senderId, s]));
  for (const request of requests) {
    const problem = judge(request, { boundMs, endMs: obs.endMs, quietDuring: (a, b) => quiet(windows, a, b), rateLimited: rateLimitedDocs.has(request.docId), liveSources: (ids, tMs) => ids.filter((id) => openAt(sessions.get(id), tMs)).length });
    if (problem) problems.push(`${request.requester} request ${request.requestId} at ${formatMs(request.sentMs)}: ${problem}`);
  }
  if (problems.length > 0) return { name, passed: false, detail: `${problems.length} snapshot errors: ${listSome(problems, 4)}` };
  const answered = requests.filter((r) => r.answeredMs !== null).length;
  return { name, passed: true, detail: `${answered}/${requests.length} requests answered correctly; bound ${formatMs(boundMs)}` };
}

interface JudgeContext {
  boundMs: number;
  endMs: number;
  quietDuring: (fromMs: number, toMs: number) => boolean;
  rateLimited: boolean;
  /** How many of these senderIds had a session open (client side) at tMs. */
  liveSources: (senderIds: string[], tMs: number) => number;
}

function openAt(session: SessionObservation | undefined, tMs: number): boolean {
  return session !== undefined && session.startMs <= tMs && (session.endMs === null || session.endMs > tMs);
}

function judge(request: SnapshotObservation, ctx: JudgeContext): string | null {
  if (request.foreignAnswers > 0) return `${request.foreignAnswers} answer(s) with another request id arrived instead`;
  if (request.answer === "unknown") return "the answer is not the state any source sent";
  const deadlineMs = request.sentMs + ctx.boundMs;
  if (request.answeredMs === null || request.answeredMs > deadlineMs) {
    const stayed = request.closedMs === null || request.closedMs > deadlineMs;
    if (stayed && deadlineMs <= ctx.endMs && ctx.quietDuring(request.sentMs, deadlineMs)) {
      return request.answeredMs === null ? `never answered (bound ${formatMs(ctx.boundMs)})` : `answered only after ${formatMs(request.answeredMs - request.sentMs)}`;
    }
    return null;
  }
  const fallback = request.answer === "null" || request.answer === "cache";
  if (!fallback || ctx.rateLimited || !ctx.quietDuring(request.sentMs, request.answeredMs)) return null;
  const sources = Math.min(ctx.liveSources(request.sourcesAtRequest, request.sentMs), ctx.liveSources(request.sourcesAtAnswer, request.answeredMs));
  if (sources > 0) {
    return `answered ${request.answer === "cache" ? "from the snapshot cache" : "null"} although ${sources} connection(s) with state were on the doc`;
  }
  return null;
}
