// Measurement script (not a test; `npx tsx test/attack/measure-attacks.mts <broadcast|undecodable|freshness|oversize|signing> [seed]`).
// One row of the planted-weakness table: `lfcc fuzz`'s default budget (100 runs, default arbitrary with
// attacks on, 120 s shrink) against the relay with that weakness planted (planted-weaknesses.ts),
// judging only the invariant that the weakness breaks.
import { fuzz } from "../../lab/fuzz/explore.ts";
import { scenarioArbitrary } from "../../lab/fuzz/scenario-arbitrary.ts";
import { ATTACK_FAULT_KINDS } from "../../lab/fuzz/faults.ts";
import { describeSize, scenarioSize } from "../../lab/fuzz/size.ts";
import { runScenario } from "../../sim/index.ts";
import type { Scenario } from "../../lab/scenario/types.ts";
import { withDefinition } from "../fuzz/planted-runner.ts";
import { PLANTED_WEAKNESSES, type PlantedWeakness } from "./planted-weaknesses.ts";
const mode = process.argv[2]!;
const seed = Number(process.argv[3] ?? 1);
const only: Record<string, [string, (s: Scenario) => Scenario]> = {
  signing: ["noCrash", (s) => s],
  broadcast: ["amplification", (s) => s],
  undecodable: ["noInjection", (s) => ({ ...s, faults: s.faults.filter((f) => f.kind !== "redisInject") })],
  freshness: ["noInjection", (s) => { const { attackers: _a, ...rest } = s; return rest; }],
  oversize: ["attackersThrottled", (s) => s],
};
const planted: Record<string, PlantedWeakness> = {
  signing: "signingUncontained", broadcast: "answersBroadcast", undecodable: "undecodableForwarded", freshness: "noFreshness", oversize: "oversizeNotCharged",
};
const [inv, narrow] = only[mode]!;
const t = Date.now();
const r = await fuzz({ seed, runs: 100, shrinkTimeLimitMs: 120_000,
  arbitrary: scenarioArbitrary({ maxAttackers: 3, faultKinds: ATTACK_FAULT_KINDS }).map((s) => ({ ...narrow(s), expect: { [inv]: (s.expect as Record<string, unknown>)[inv] } }) as Scenario),
  run: async (s) => {
    // Only the weakness's own invariant judges (the routing monitor's is always added by the simulator).
    const record = await withDefinition(PLANTED_WEAKNESSES[planted[mode]!], async (relayFactory) => (await runScenario(s, { seed: s.seed, relayFactory })).record);
    // A storm of answers never ends: the simulator's event budget stops it as `runaway`, amplification's extreme.
    const invariants = record.invariants.filter((i) => i.name === inv || (i.name === "noUncaughtErrors" && inv === "noCrash") || (i.name === "runaway" && inv === "amplification"));
    return { ...record, invariants, passed: invariants.every((i) => i.passed) };
  } });
const f = r.failure;
const size = f && scenarioSize(f.scenario);
console.log(JSON.stringify({ mode, inv, seed, runsToFind: f ? r.runs : null, wallS: Math.round((Date.now() - t) / 1000), shrunk: f && describeSize(f.scenario), size: size && { servers: size.servers, clients: size.clients, faultsPlusAttackers: size.faults + size.attackers }, shrinkRuns: f?.shrinkRuns, interrupted: f?.shrinkInterrupted, detail: f?.record?.invariants.filter((i) => !i.passed).map((i) => i.detail.slice(0, 220)) }));
