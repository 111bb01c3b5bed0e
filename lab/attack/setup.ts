/** What both modes derive from a scenario before they host its attackers and injector. */
import { DEFAULT_RELAY_CONFIG } from "../../relay/config.ts";
import type { Fault, Scenario } from "../scenario/types.ts";
import type { AttackLimits } from "./frames.ts";
import { attackerEndMs } from "./kinds.ts";
import { AttackLedger } from "./ledger.ts";

export type RedisInjectFault = Extract<Fault, { kind: "redisInject" }>;

export function redisInjectFaults(scenario: Scenario): RedisInjectFault[] {
  return scenario.faults.filter((f): f is RedisInjectFault => f.kind === "redisInject");
}

/** True when the run needs the attack ledger (attackers or a Redis injector). */
export function hasAttacks(scenario: Scenario): boolean {
  return (scenario.attackers?.length ?? 0) > 0 || redisInjectFaults(scenario).length > 0;
}

/** [from, to) of every attacker and every redisInject fault. */
export function attackWindows(scenario: Scenario): Array<[number, number]> {
  return [
    ...(scenario.attackers ?? []).map((a): [number, number] => [a.fromMs, attackerEndMs(a)]),
    ...redisInjectFaults(scenario).map((f): [number, number] => [f.atMs, f.atMs + f.forMs]),
  ];
}

export function attackLimits(scenario: Scenario): AttackLimits {
  const config = { ...DEFAULT_RELAY_CONFIG, ...scenario.relay };
  return { maxFrameBytes: config.maxFrameBytes, rateLimitBytesPerSecond: config.rateLimitBytesPerSecond };
}

export function dedupWindowMs(scenario: Scenario): number {
  return scenario.relay.dedupWindowMs ?? DEFAULT_RELAY_CONFIG.dedupWindowMs;
}

export function createLedger(scenario: Scenario, nowMs: () => number): AttackLedger {
  return new AttackLedger({
    nowMs,
    attackers: scenario.attackers ?? [],
    windows: attackWindows(scenario),
    clusterSecret: Boolean(scenario.relay.clusterSecret),
  });
}
