/**
 * The attack invariants (SCENARIOS.md v1.1; docs/CHECKERS.md and docs/SCENARIOS-REFERENCE.md say
 * exactly what each counts): noCrash, noInjection, amplification, honestLatency, and the
 * extension attackersThrottled. Pure functions over Observations, shared by sim and chaos.
 */
import { DEFAULT_RELAY_CONFIG } from "../../relay/config.ts";
import { ConnectionRateLimiter } from "../../relay/core/token-bucket.ts";
import type { AttackObservations } from "../attack/observations.ts";
import { quantile } from "../deliveries.ts";
import type { Observations } from "../observations.ts";
import type { InvariantResult } from "../record.ts";
import type { Scenario } from "../scenario/types.ts";
import { formatMs, listSome } from "./format.ts";

export function checkNoCrash(obs: Observations): InvariantResult {
  const crashes = obs.crashes ?? [];
  if (crashes.length === 0) return { name: "noCrash", passed: true, detail: "every relay kept serving" };
  const first = crashes.map((c) => `${c.server} at ${formatMs(c.tMs)}: ${c.message.slice(0, 160)}`);
  return { name: "noCrash", passed: false, detail: `${crashes.length} crash(es): ${listSome(first, 3)}` };
}

export function checkNoInjection(obs: Observations): InvariantResult {
  const attack = obs.attack;
  if (!attack || attack.injectionCount === 0) {
    return { name: "noInjection", passed: true, detail: `no attacker content reached an honest client${replayNote(attack)}` };
  }
  const items = attack.injections.map((i) => `${i.client} got ${i.what} at ${formatMs(i.tMs)}`);
  return { name: "noInjection", passed: false, detail: `${attack.injectionCount} injection(s): ${listSome(items, 3)}` };
}

function replayNote(attack: AttackObservations | undefined): string {
  if (!attack || attack.replayed + attack.forged === 0) return "";
  return ` (${attack.replayed} replayed, ${attack.forged} forged Redis messages)`;
}

/**
 * An attack kind that caused less than this is not judged by its ratio: one state request answered
 * with a small document is 5x but costs nothing (the fuzzer found 484 B caused by 86 B); the
 * amplification attacks that matter cause megabytes (the broadcast SYNC_STEP1 answer: 98,800x).
 */
export const AMPLIFICATION_MIN_CAUSED_BYTES = 16 * 1024;

export function checkAmplification(obs: Observations, max: number): InvariantResult {
  const entries = Object.entries(obs.attack?.amplification ?? {}).filter(([, a]) => a.sentBytes > 0);
  if (entries.length === 0) return { name: "amplification", passed: true, detail: "no attacker frame was sent" };
  const ratios = entries.map(([kind, a]) => ({ kind, ratio: a.causedBytes / a.sentBytes, ...a })).sort((a, b) => b.ratio - a.ratio);
  const describe = (r: (typeof ratios)[number]) => `${r.kind} ${r.ratio.toFixed(2)}x (${r.causedBytes} B caused by ${r.sentBytes} B)`;
  const passed = ratios.every((r) => r.ratio <= max || r.causedBytes < AMPLIFICATION_MIN_CAUSED_BYTES);
  return { name: "amplification", passed, detail: `${passed ? "worst" : "over the bound of " + max + "x:"} ${listSome(ratios.map(describe), 3)}` };
}

export function checkHonestLatency(obs: Observations, p99Ms: number): InvariantResult {
  const sorted = [...(obs.attack?.honestLatenciesMs ?? [])].sort((a, b) => a - b);
  if (sorted.length === 0) return { name: "honestLatency", passed: true, detail: "no honest edit was delivered while an attack ran" };
  const p99 = quantile(sorted, 0.99);
  const passed = p99 <= p99Ms;
  return { name: "honestLatency", passed, detail: `p99 ${formatMs(p99)} over ${sorted.length} deliveries (bound ${formatMs(p99Ms)}; p50 ${formatMs(quantile(sorted, 0.5))})` };
}

/**
 * attackersThrottled: replaying each attacker connection's frames (their send times and sizes)
 * through the relay's own token buckets says how many a relay that charges every frame refuses;
 * the attacker must have seen at least half that many RATE_LIMITED errors, or a close 1008/1009.
 */
export function checkAttackersThrottled(scenario: Scenario, obs: Observations): InvariantResult {
  const config = { ...DEFAULT_RELAY_CONFIG, ...scenario.relay };
  if (!config.enableRateLimiting) return { name: "attackersThrottled", passed: true, detail: "rate limiting is off in this scenario" };
  const failures: string[] = [];
  let judged = 0;
  for (const session of obs.attack?.sessions ?? []) {
    if (session.frames.length === 0) continue;
    const limiter = new ConnectionRateLimiter(config, session.frames[0]![0]);
    const owed = session.frames.filter(([tMs, bytes]) => !limiter.admit(bytes, tMs).ok).length;
    if (owed === 0) continue;
    judged++;
    const closedForAbuse = session.closeCode === 1008 || session.closeCode === 1009;
    if (closedForAbuse || session.rateLimited * 2 >= owed) continue;
    failures.push(`${session.attacker} (${session.senderId}) sent ${session.frames.length} frames / ${session.frames.reduce((s, [, b]) => s + b, 0)} B from ${formatMs(session.frames[0]![0])}, ${owed} over budget, but saw ${session.rateLimited} RATE_LIMITED and no close 1008/1009`);
  }
  if (failures.length === 0) return { name: "attackersThrottled", passed: true, detail: judged === 0 ? "no attacker went over its budget" : `${judged} attacker connection(s) over budget, each refused` };
  return { name: "attackersThrottled", passed: false, detail: listSome(failures, 2) };
}
