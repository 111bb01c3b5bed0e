// Measurement script (not a test): `npx tsx test/fuzz/measure-catalog.mts [bug,...]`. For each bug of
// the second planted catalog: does `lfcc sim` on the library (seed 1) + regressions catch it, and does
// `lfcc fuzz` with the gate's default budget (DEFAULT_GATE_FUZZ_RUNS runs, fixed seed) find it; runs to
// find, shrunk size, and whether the shrunk scenario replays as a failure. One JSON line per bug.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_GATE_FUZZ_RUNS } from "../../cli/gate/settings.ts";
import { fuzz } from "../../lab/fuzz/explore.ts";
import { describeSize } from "../../lab/fuzz/size.ts";
import { violatedInvariants } from "../../lab/record.ts";
import { parseScenario } from "../../lab/scenario/parse.ts";
import { runScenario } from "../../sim/index.ts";
import { PLANTED_CATALOG } from "./planted-catalog.ts";
import { relayRunner, withPlanted, type AnyPlantedBug } from "./planted-runner.ts";

const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 1);
const SHRINK_MS = Number(process.env.SHRINK_MS ?? 30_000);
const only = process.argv[2]?.split(",");
const files = ["scenarios/regressions", "scenarios"].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith(".yaml")).map((f) => join(dir, f)));
const library = files.map((file) => parseScenario(readFileSync(file, "utf8"), file));

for (const bug of (Object.keys(PLANTED_CATALOG) as AnyPlantedBug[]).concat(["production" as never]).filter((b) => !only || only.includes(b))) {
  const t0 = Date.now();
  const simCaught = process.env.SKIP_SIM ? [] : await withPlanted(bug, async (relayFactory) => {
    const caught: string[] = [];
    for (const scenario of library) {
      const { record } = await runScenario(scenario, { seed: scenario.seed ?? 1, relayFactory });
      if (!record.passed) caught.push(`${scenario.name}:${violatedInvariants(record).join("+")}`);
    }
    return caught;
  });
  const simS = (Date.now() - t0) / 1000;
  const t1 = Date.now();
  // A shrink stopped by its time limit leaves its last run going; a patch bug's prototype patch stays
  // applied until that run ends, so wait for it, or the next bug's runs would see this bug too.
  let lastRun: Promise<unknown> = Promise.resolve();
  const runner = relayRunner(bug);
  const result = await fuzz({ seed: FUZZ_SEED, runs: DEFAULT_GATE_FUZZ_RUNS, shrinkTimeLimitMs: SHRINK_MS, run: (s) => {
    const run = runner(s);
    lastRun = run.catch(() => undefined);
    return run;
  } });
  await lastRun;
  const f = result.failure;
  const replayed = f ? !(await relayRunner(bug)(f.scenario)).passed : null;
  console.log(JSON.stringify({
    bug, simCaught: simCaught.length, simExamples: simCaught.slice(0, 3), simS,
    fuzzFound: f !== null, runsToFind: f ? result.runs : null, violated: f?.violated, shrunk: f && describeSize(f.scenario),
    shrinkRuns: f?.shrinkRuns, replayFails: replayed, fuzzS: (Date.now() - t1) / 1000,
    detail: f?.record?.invariants.filter((i) => !i.passed).map((i) => `${i.name}: ${i.detail.slice(0, 200)}`),
  }));
}
