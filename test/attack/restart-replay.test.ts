/**
 * A gap the attack fuzzer found (`lfcc fuzz --runs 100 --seed 1` with attacks on; the shrunk failure
 * is fixtures/restart-replay.yaml): a relay that restarts has an empty dedup filter, so a signed
 * message captured before the crash and replayed inside `signedFreshnessMs` was delivered. Replay
 * floors close it (relay/core/replay-guard.ts): the captured JOIN's sender is the crashed
 * incarnation, which never echoes the new incarnation's nonce, so the replay waits and is dropped.
 * Before the fix this run violated noInjection ("a replayed Redis message (JOIN ...)").
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { violatedInvariants } from "../../lab/record.ts";
import { parseScenario } from "../../lab/scenario/index.ts";
import { runScenario } from "../../sim/index.ts";

it("a replay to a freshly restarted relay, inside the freshness window, is not delivered", async () => {
  const file = join(import.meta.dirname, "fixtures", "restart-replay.yaml");
  const scenario = parseScenario(readFileSync(file, "utf8"), file);
  const first = await runScenario(scenario, { seed: scenario.seed });
  expect(first.record.invariants.find((i) => i.name === "noInjection")).toBeDefined();
  expect(violatedInvariants(first.record)).toEqual([]);
  const again = await runScenario(scenario, { seed: scenario.seed });
  expect(again.record.traceHash).toBe(first.record.traceHash);
});
