/** How big a scenario is, in the terms shrinking reduces (reported for shrunk failures). */
import { quiescenceStartMs, type Scenario } from "../scenario/types.ts";

export interface ScenarioSize {
  servers: number;
  docs: number;
  clients: number;
  faults: number;
  durationMs: number;
  /** Until the last fault heals (>= durationMs). */
  activeMs: number;
  editsPerSecond: number;
  relayOverrides: number;
  attackers: number;
}

export function scenarioSize(scenario: Scenario): ScenarioSize {
  return {
    servers: scenario.topology.servers,
    docs: scenario.topology.docs,
    clients: scenario.topology.clients,
    faults: scenario.faults.length,
    durationMs: scenario.durationMs,
    activeMs: quiescenceStartMs(scenario),
    editsPerSecond: scenario.workload.editsPerSecond,
    relayOverrides: Object.keys(scenario.relay).length,
    attackers: scenario.attackers?.length ?? 0,
  };
}

/** "2 servers, 1 doc, 3 clients, 1 fault (crash), 6s" */
export function describeSize(scenario: Scenario): string {
  const s = scenarioSize(scenario);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const kinds = scenario.faults.map((f) => f.kind).join(", ");
  return [
    plural(s.servers, "server"),
    plural(s.docs, "doc"),
    plural(s.clients, "client"),
    plural(s.faults, "fault") + (kinds ? ` (${kinds})` : ""),
    ...(s.attackers > 0 ? [plural(s.attackers, "attacker") + ` (${scenario.attackers!.map((a) => `${a.role} ${Object.entries(a.attacks).filter(([, w]) => w > 0).map(([k]) => k).join("+")}`).join("; ")})`] : []),
    `${s.durationMs / 1000}s`,
    `${s.editsPerSecond} edits/s`,
  ].join(", ");
}
