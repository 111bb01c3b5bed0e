/**
 * accounting: nothing the relay drops goes unnoticed or unrepaired (routing monitor).
 * - Each server's outage queue is replayed on an ideal bounded FIFO that drops the OLDEST on
 *   overflow: every drop must be reported to the relay (counted), the queue must hold what the
 *   ideal holds, and flush in the same order (no LIFO, no dropping the newest).
 * - What the dropped messages carried is recovered by the resync: whenever a relay's Redis link
 *   comes (back) up, every client attached to it gets a RESYNC within a second (whatever
 *   the outage lost, on every doc). noDataLoss and converge then judge the recovery itself.
 */
import type { Observations } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import { formatMs, listSome } from "./format.ts";

export function checkAccounting(obs: Observations): InvariantResult {
  const name = "accounting";
  const accounting = obs.monitor?.accounting;
  if (!accounting) return { name, passed: true, detail: "not judged: no queue observations in this mode" };
  const problems = accounting.queueViolations.map((v) => `${v.server} at ${formatMs(v.tMs)}: ${v.detail}`);
  if (accounting.modelDropped !== accounting.reportedDropped) {
    problems.push(`queues reported ${accounting.reportedDropped} drops, an oldest-first bounded queue would have dropped ${accounting.modelDropped}`);
  }
  for (const missed of accounting.missedResyncs) {
    problems.push(`${missed.senderId} (${missed.docId}, on ${missed.server}) got no RESYNC within ${formatMs(accounting.resyncDeadlineMs)} of the Redis link coming up at ${formatMs(missed.tMs)}`);
  }
  if (problems.length > 0) return { name, passed: false, detail: `${problems.length} accounting errors: ${listSome(problems, 4)}` };
  return { name, passed: true, detail: `${accounting.reportedDropped} queue drops, all counted; ${accounting.resyncsExpected} RESYNCs owed, all sent` };
}
