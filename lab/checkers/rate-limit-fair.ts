/**
 * rateLimitFair: the relay's rate limiting matches an ideal token bucket with its own limits
 * (routing monitor, lab/fuzz/monitor/rate-model.ts): every client frame is judged by the ideal
 * messages and bytes buckets (PROTOCOL.md section 5), then
 * - a client under its budget is never rate limited: a refusal (ERROR RATE_LIMITED, or the close
 *   for sustained abuse) while the ideal buckets had more than FAIRNESS_TOLERANCE of their
 *   capacity to spare is a violation;
 * - a client over its budget is limited: a connection with at least MIN_OVER_BUDGET frames the
 *   ideal bucket refuses and no refusal at all is a violation.
 */
import type { Observations } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import { formatMs, listSome } from "./format.ts";

export const MIN_OVER_BUDGET = 3;

export function checkRateLimitFair(obs: Observations): InvariantResult {
  const name = "rateLimitFair";
  const connections = obs.monitor?.rateLimit;
  if (!connections) return { name, passed: true, detail: "not judged: no rate-limit observations in this mode" };
  const problems: string[] = [];
  for (const c of connections) {
    if (c.unfair > 0) problems.push(`${c.senderId} (${c.docId}) was refused ${c.unfair} frame(s) while under its budget, first at ${formatMs(c.firstUnfairMs ?? 0)}`);
    if (c.overBudget >= MIN_OVER_BUDGET && c.refused === 0) problems.push(`${c.senderId} (${c.docId}) sent ${c.overBudget} frame(s) over its budget from ${formatMs(c.firstOverBudgetMs ?? 0)} and was never rate limited`);
  }
  if (problems.length > 0) return { name, passed: false, detail: `${problems.length} rate-limit errors: ${listSome(problems, 4)}` };
  const over = connections.filter((c) => c.overBudget > 0).length;
  const refused = connections.reduce((sum, c) => sum + c.refused, 0);
  return { name, passed: true, detail: `${connections.length} connections judged; ${over} went over budget; ${refused} frames refused, none under budget` };
}
