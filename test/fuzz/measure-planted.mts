// Measurement script (not a test; `npx tsx test/fuzz/measure-planted.mts [bug,...]`): each planted bug's budget, how long it takes, what it finds, and production on the same budget.
import { fuzz } from "../../lab/fuzz/explore.ts";
import { scenarioArbitrary } from "../../lab/fuzz/scenario-arbitrary.ts";
import { describeSize } from "../../lab/fuzz/size.ts";
import { relayRunner } from "./planted-runner.ts";
import { PLANTED_BUDGETS } from "./planted-budgets.ts";
const only = process.argv[2]?.split(",");
for (const b of PLANTED_BUDGETS.filter((x) => !only || only.includes(x.bug))) {
  for (const relay of [b.bug, "production"] as const) {
    const t = Date.now();
    const r = await fuzz({ seed: b.seed, runs: b.runs, arbitrary: scenarioArbitrary(b.arbitrary), run: relayRunner(relay) });
    const f = r.failure;
    console.log(JSON.stringify({ budget: b.bug, relay, runs: r.runs, wallS: (Date.now() - t) / 1000, violated: f?.violated, shrunk: f && describeSize(f.scenario), shrinkRuns: f?.shrinkRuns, detail: f?.record?.invariants.filter((i) => !i.passed).map((i) => i.detail.slice(0, 160)) }));
  }
}
