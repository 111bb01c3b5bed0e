/**
 * routing: what the relays sent to clients obeys the routing MUSTs (routing monitor,
 * lab/fuzz/routing-monitor.ts): a routed message reaches each other client of its doc at most
 * once (the same messageId twice is a duplicate, counted), never its sender (self-echo), never a
 * client of another doc, and a SNAPSHOT_RESPONSE only the client that asked for it.
 */
import type { Observations } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import { formatMs, listSome } from "./format.ts";

export function checkRouting(obs: Observations): InvariantResult {
  const name = "routing";
  const routing = obs.monitor?.routing;
  if (!routing) return { name, passed: true, detail: "not judged: no routing observations in this mode" };
  const frames = obs.monitor!.wire.clientFrames;
  if (routing.violationCount === 0) return { name, passed: true, detail: `${frames} frames to clients: no duplicate, no self-echo, no other doc, no unrequested snapshot` };
  const kinds = [...new Set(routing.violations.map((v) => v.kind))].join(", ");
  const examples = routing.violations.map((v) => `${v.detail} at ${formatMs(v.tMs)}`);
  return { name, passed: false, detail: `${routing.violationCount} routing violations (${kinds}; ${routing.duplicates} duplicates): ${listSome(examples, 3)}` };
}
