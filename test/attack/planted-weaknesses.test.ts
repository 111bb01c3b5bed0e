/**
 * Each attack scenario of the library FAILS, with the invariant the weakness breaks, on the relay
 * with that PROTOCOL.md section 8 weakness put back (planted-weaknesses.ts); the hardened relay
 * passes them (attack-scenarios.test.ts). One run each, at the file's own seed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { violatedInvariants } from "../../lab/record.ts";
import { parseScenario } from "../../lab/scenario/index.ts";
import type { Scenario } from "../../lab/scenario/types.ts";
import { runScenario } from "../../sim/index.ts";
import { withDefinition } from "../fuzz/planted-runner.ts";
import { PLANTED_WEAKNESSES, type PlantedWeakness } from "./planted-weaknesses.ts";

const DIR = join(import.meta.dirname, "..", "..", "scenarios");

/** Forwarded garbage makes honest clients' work slow in the simulator: half a second of the attack suffices. */
const shortAttack = (s: Scenario): Scenario => ({ ...s, attackers: s.attackers?.map((a) => ({ ...a, forMs: Math.min(a.forMs, 500) })) });
/** The storm's mix sends too few oversized frames to outrun the byte budget; its oversize-only variant does. */
const oversizeOnly = (s: Scenario): Scenario => ({ ...s, attackers: s.attackers?.map((a) => ({ ...a, attacks: { ...zeroWeights(a.attacks), oversizeFrame: 1 } })) });
const zeroWeights = <T extends Record<string, number>>(weights: T): T => Object.fromEntries(Object.keys(weights).map((k) => [k, 0])) as T;
const asIs = (s: Scenario): Scenario => s;

const CASES: Array<[weakness: PlantedWeakness, file: string, violated: string, adjust: (s: Scenario) => Scenario]> = [
  ["signingUncontained", "attack-poisoned-hot-doc.yaml", "noCrash", asIs],
  // With `to` ignored, the storm's answers answer each other forever: the simulator stops the run
  // at its event budget (sim/world/run.ts) and reports it as `runaway`.
  ["answersBroadcast", "attack-poisoned-hot-doc.yaml", "runaway", asIs],
  ["undecodableForwarded", "attack-poisoned-hot-doc.yaml", "noInjection", shortAttack],
  ["noFreshness", "attack-replay-after-crash.yaml", "noInjection", asIs],
  ["oversizeNotCharged", "attack-viewer-storm-redis-outage.yaml", "attackersThrottled", oversizeOnly],
];

describe("attack scenarios on planted weaknesses", () => {
  it.each(CASES)("%s: %s fails %s", async (weakness, file, violated, adjust) => {
    const scenario = adjust(parseScenario(readFileSync(join(DIR, file), "utf8"), file));
    const record = await withDefinition(PLANTED_WEAKNESSES[weakness], async (relayFactory) => (await runScenario(scenario, { seed: scenario.seed, relayFactory })).record);
    expect(violatedInvariants(record)).toContain(violated);
  });
});
