/**
 * The regression corpus (scenarios/regressions/): every scenario there once failed and was fixed;
 * each must pass in the simulator with its own seed. A regression that can never fail again is
 * useless, so the test also checks that the slow-observer case still FAILS under the old rule.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkNoGhostPresence } from "../../lab/checkers/index.ts";
import { parseFailureFile } from "../../lab/scenario/failure-file.ts";
import { parseScenario } from "../../lab/scenario/parse.ts";
import { runScenario } from "../../sim/index.ts";

const DIR = "scenarios/regressions";
const files = readdirSync(DIR).filter((name) => /\.ya?ml$/.test(name)).sort();
const load = (name: string) => parseScenario(readFileSync(join(DIR, name), "utf8"), join(DIR, name));

describe("regression corpus", () => {
  it("is not empty", () => expect(files.length).toBeGreaterThan(0));

  it.each(files)("%s passes in the simulator", async (name) => {
    const scenario = load(name);
    const { record } = await runScenario(scenario, { seed: scenario.seed });
    expect(record.invariants.filter((r) => !r.passed)).toEqual([]);
    expect(record.passed).toBe(true);
  });

  it("slow-observer-ghost still fails when a non-reading client is judged like a listening one", async () => {
    const scenario = load("slow-observer-ghost.yaml");
    const { observations } = await runScenario(scenario, { seed: scenario.seed });
    expect(checkNoGhostPresence(observations, 15_000).passed).toBe(false);
  });

  it("ghost-never-seen still fails when every connected client is owed a LEAVE", async () => {
    const scenario = load("ghost-never-seen.yaml");
    const { observations } = await runScenario(scenario, { seed: scenario.seed });
    expect(checkNoGhostPresence({ ...observations, peersSeen: undefined }, 15_000).passed).toBe(false);
  });
});

const OPEN_DIR = join(DIR, "open");
const openFiles = readdirSync(OPEN_DIR).filter((name) => name.endsWith(".json")).sort();

// Usually empty: a fixed bug moves to scenarios/regressions/ as YAML.
describe.runIf(openFiles.length > 0)("open failures (scenarios/regressions/open/)", () => {
  // The same invariants, not the same trace hash: any relay change (a fix elsewhere, batching
  // tweaks) changes the trace, while the bug is what must stay visible until it is fixed.
  it.each(openFiles)("%s still fails the same invariants (once it passes, promote it to a regression)", async (name) => {
    const { failure, scenario } = parseFailureFile(readFileSync(join(OPEN_DIR, name), "utf8"), name);
    const { record } = await runScenario(scenario, { seed: failure.seed });
    expect(record.invariants.filter((r) => !r.passed).map((r) => r.name)).toEqual(failure.violated);
  });
});
