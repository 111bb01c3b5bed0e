/**
 * A KNOWN GAP, found by `lfcc fuzz --runs 100 --seed 1` with attacks on (the shrunk failure is
 * fixtures/restart-replay-gap.yaml): a relay that restarts has an empty dedup filter, so a signed
 * message captured before the crash and replayed within `signedFreshnessMs` is delivered. Freshness
 * only bounds replays past the dedup window (PROTOCOL.md section 8). This test pins the gap so that
 * a fix (for example: drop signed messages stamped before the relay subscribed, minus a skew
 * tolerance) turns it red and then flips it, and `FUZZ_ATTACKS_BY_DEFAULT` (lab/fuzz/faults.ts) can go on.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { violatedInvariants } from "../../lab/record.ts";
import { parseScenario } from "../../lab/scenario/index.ts";
import { runScenario } from "../../sim/index.ts";

it("a replay to a freshly restarted relay, inside the freshness window, is still delivered (known gap)", async () => {
  const file = join(import.meta.dirname, "fixtures", "restart-replay-gap.yaml");
  const scenario = parseScenario(readFileSync(file, "utf8"), file);
  const { record } = await runScenario(scenario, { seed: scenario.seed });
  expect(violatedInvariants(record)).toEqual(["noInjection"]);
  expect(record.invariants.find((i) => i.name === "noInjection")!.detail).toMatch(/replayed Redis message \(JOIN/);
});
