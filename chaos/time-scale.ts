/**
 * `--time-scale F`: runs a scenario F times as fast on the wall clock, by multiplying every time
 * in it (duration, fault times and lengths, `expect` windows) by F. The relay's own timers
 * (heartbeats, presence timeout, snapshot timeout) are NOT scaled: they are production behaviour,
 * so a heavily compressed scenario can fail for real reasons (a 15 s ghost bound scaled to 3 s is
 * shorter than the relay's presence timeout). Default 1: the scenario's own timeline.
 */
import type { Fault, Scenario } from "../lab/scenario/types.ts";

export function scaleScenario(scenario: Scenario, factor: number): Scenario {
  if (factor === 1) return scenario;
  if (!(factor > 0)) throw new Error(`--time-scale must be a positive number, got ${factor}`);
  const scale = (ms: number) => Math.round(ms * factor);
  const expect = { ...scenario.expect };
  if (expect.converge) expect.converge = { withinMs: scale(expect.converge.withinMs) };
  if (expect.noGhostPresence) expect.noGhostPresence = { withinMs: scale(expect.noGhostPresence.withinMs) };
  const attackers = scenario.attackers?.map((a) => ({ ...a, fromMs: scale(a.fromMs), forMs: scale(a.forMs) }));
  return { ...scenario, durationMs: scale(scenario.durationMs), faults: scenario.faults.map((f) => scaleFault(f, scale)), expect, ...(attackers ? { attackers } : {}) };
}

function scaleFault(fault: Fault, scale: (ms: number) => number): Fault {
  const scaled = { ...fault, atMs: scale(fault.atMs) } as Fault & { forMs?: number; restartAfterMs?: number };
  if (scaled.forMs !== undefined) scaled.forMs = scale(scaled.forMs);
  if (scaled.restartAfterMs !== undefined) scaled.restartAfterMs = scale(scaled.restartAfterMs);
  return scaled;
}
