// Measurement script (not a test): how fast does the fuzzer find each planted bug, and how small does it shrink?
import { fuzz } from "../../lab/fuzz/explore.ts";
import { describeSize } from "../../lab/fuzz/size.ts";
import { relayRunner } from "./planted-runner.ts";
const bugs = (process.argv[2] ?? "production,resyncRemoved,unboundedQueue,presenceExpiryRemoved,snapshotBroadcast,selfEcho,dedupRemoved").split(",");
for (const bug of bugs) {
  const t = Date.now();
  const result = await fuzz({ seed: Number(process.argv[3] ?? 1), runs: Number(process.argv[4] ?? 40), timeLimitMs: 240_000, shrinkTimeLimitMs: 180_000, run: relayRunner(bug as never) });
  const f = result.failure;
  if (f) (await import("node:fs")).writeFileSync(`/tmp/shrunk-${bug}-${process.argv[3] ?? 1}.json`, JSON.stringify(f.scenario, null, 1));
  console.log(JSON.stringify({ bug, runs: result.runs, wallS: Math.round((Date.now() - t) / 1000), found: !!f, violated: f?.violated, original: f && describeSize(f.original), shrunk: f && describeSize(f.scenario), shrinkSteps: f?.shrinkSteps, shrinkRuns: f?.shrinkRuns, detail: f?.record?.invariants.filter((i) => !i.passed).map((i) => i.detail.slice(0, 200)) ?? f?.error?.slice(0, 300) }));
}
