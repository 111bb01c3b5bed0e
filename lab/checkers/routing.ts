/**
 * routing: what the relays sent to clients obeys the routing MUSTs (routing monitor,
 * lab/fuzz/routing-monitor.ts): a routed message reaches each other client of its doc at most
 * once (the same messageId twice is a duplicate, counted), never its sender (self-echo), never a
 * client of another doc, a SNAPSHOT_RESPONSE only the client that asked for it, and never a message
 * an unsigned forger published on Redis (sim runs with a cluster secret have one).
 */
import type { Observations } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import type { Scenario } from "../scenario/types.ts";
import { formatMs, listSome } from "./format.ts";

/**
 * Without a cluster secret a Redis publisher's replay after the dedup window is, to the relays, a
 * new message (PROTOCOL.md section 6: only signing tells): its second copy is not a routing fault.
 */
export function checkRouting(obs: Observations, scenario?: Scenario): InvariantResult {
  const name = "routing";
  const routing = obs.monitor?.routing;
  if (!routing) return { name, passed: true, detail: "not judged: no routing observations in this mode" };
  const frames = obs.monitor!.wire.clientFrames;
  const replayed = scenario && !scenario.relay.clusterSecret ? new Set(obs.attack?.replayedIds ?? []) : new Set<string>();
  const excused = (v: (typeof routing.violations)[number]) => v.kind === "duplicate-delivery" && v.messageId !== undefined && replayed.has(v.messageId);
  const violations = routing.violations.filter((v) => !excused(v));
  const count = routing.violationCount - (routing.violations.length - violations.length);
  if (count === 0) return { name, passed: true, detail: `${frames} frames to clients: no duplicate, no self-echo, no other doc, no unrequested snapshot${replayed.size > 0 && violations.length < routing.violations.length ? " (second copies of unsigned replays excused)" : ""}` };
  const kinds = [...new Set(violations.map((v) => v.kind))].join(", ");
  const examples = violations.map((v) => `${v.detail} at ${formatMs(v.tMs)}`);
  return { name, passed: false, detail: `${count} routing violations (${kinds}; ${routing.duplicates} duplicates): ${listSome(examples, 3)}` };
}
