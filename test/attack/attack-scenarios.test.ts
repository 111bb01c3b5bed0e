/**
 * The attack scenarios of the library (scenarios/attack-*.yaml) against the relay with PROTOCOL.md
 * section 8 (hostile input) in place: each passes, and replays to the same trace hash. Before the
 * hardening each failed with the invariant its weakness breaks (undecodable updates forwarded and
 * SYNC_STEP1 answers broadcast: noInjection + amplification; no freshness check: noInjection +
 * routing; oversize frames not charged: attackersThrottled).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { violatedInvariants } from "../../lab/record.ts";
import { parseScenario } from "../../lab/scenario/index.ts";
import { runScenario } from "../../sim/index.ts";

const DIR = join(import.meta.dirname, "..", "..", "scenarios");
const FILES = ["attack-poisoned-hot-doc.yaml", "attack-replay-after-crash.yaml", "attack-viewer-storm-redis-outage.yaml"];

describe("attack scenarios on the hardened relay", () => {
  it.each(FILES)("%s passes and replays exactly", async (file) => {
    const scenario = parseScenario(readFileSync(join(DIR, file), "utf8"), file);
    const first = (await runScenario(scenario, { seed: scenario.seed })).record;
    expect(violatedInvariants(first)).toEqual([]);
    const second = (await runScenario(scenario, { seed: scenario.seed })).record;
    expect(second.traceHash).toBe(first.traceHash);
  });
});
