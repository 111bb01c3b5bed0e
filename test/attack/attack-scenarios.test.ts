/**
 * The attack scenarios (scenarios/attacks/) against TODAY's relay, which still has the weaknesses
 * PROTOCOL.md section 8 fixes: each scenario must fail, with the invariant its weakness breaks.
 * This proves the attack lab can fail. When section 8 is in main, these scenarios move to
 * scenarios/ (the library test then requires them to pass) and this file flips to "passes".
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { violatedInvariants } from "../../lab/record.ts";
import { parseScenario } from "../../lab/scenario/index.ts";
import { runScenario } from "../../sim/index.ts";

const DIR = join(import.meta.dirname, "..", "..", "scenarios", "attacks");

const EXPECTED: Array<[file: string, weakness: string, violated: string[]]> = [
  ["poisoned-hot-doc.yaml", "undecodable updates forwarded; SYNC_STEP1 answers broadcast", ["noInjection", "amplification"]],
  ["replay-after-crash.yaml", "no freshness check: a replay past the dedup window is delivered (the routing monitor sees the duplicates too)", ["noInjection", "routing"]],
  ["viewer-storm-redis-outage.yaml", "SYNC_STEP1 answers broadcast; oversize frames not charged", ["amplification", "attackersThrottled"]],
];

describe("attack scenarios on today's relay", () => {
  it.each(EXPECTED)("%s fails: %s", async (file, _weakness, violated) => {
    const scenario = parseScenario(readFileSync(join(DIR, file), "utf8"), file);
    const { record } = await runScenario(scenario, { seed: scenario.seed });
    expect(violatedInvariants(record)).toEqual(violated);
  });
});
