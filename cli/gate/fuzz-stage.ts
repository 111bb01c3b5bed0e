/**
 * The gate's fuzz budget: `lfcc fuzz`'s exploration (lab/fuzz/explore.ts) for N runs. Every explored
 * run is recorded (the report shows the budget was spent; `lfcc fuzz --seed S --runs N` explores the
 * same scenarios again). On a failure the shrunk scenario is written as a failure file and its record
 * replaces the unshrunk one, as `lfcc fuzz` does.
 */
import { fuzz, type FuzzFailure, type FuzzRunEvent } from "../../lab/fuzz/explore.ts";
import { errorRecord } from "../../lab/fuzz/failure.ts";
import type { RunRecord } from "../../lab/record.ts";
import { buildFailureFile } from "../../lab/scenario/index.ts";
import { writeFailureFile, writeRunRecord } from "../results-dir.ts";
import type { SimRunner } from "../sim-runs.ts";
import type { GateSettings } from "./settings.ts";

export async function runFuzzStage(
  runner: SimRunner,
  settings: GateSettings["fuzz"],
  outDir: string,
  progress: (text: string) => void,
  concurrency = 1,
): Promise<RunRecord[]> {
  if (settings.runs === 0) return [];
  const exploreCommand = `lfcc fuzz --seed ${settings.seed} --runs ${settings.runs}`;
  const explored: RunRecord[] = [];
  const result = await fuzz({
    seed: settings.seed,
    runs: settings.runs,
    shrinkTimeLimitMs: settings.shrinkTimeLimitMs,
    concurrency,
    run: async (scenario) => (await runner(scenario, { seed: scenario.seed })).record,
    onRun: (event) => {
      const where = event.phase === "explore" ? `run ${event.index}/${settings.runs}` : `FAILED, shrinking: ${event.index} tried`;
      progress(`gate fuzz seed ${settings.seed}  ${where}`);
      if (event.phase === "explore" && event.passed) explored.push(recordOf(event, exploreCommand));
    },
  });
  for (const record of explored) writeRunRecord(outDir, record);
  if (!result.failure) return explored;
  return [...explored, writeShrunkFailure(result.failure, outDir)];
}

function recordOf(event: Pick<FuzzRunEvent, "scenario" | "record" | "error">, replayCommand: string): RunRecord {
  const record = event.record ?? errorRecord(event.scenario, event.error ?? "run failed");
  return { ...record, scenarioSpec: record.scenarioSpec ?? event.scenario, replayCommand };
}

function writeShrunkFailure(failure: FuzzFailure, outDir: string): RunRecord {
  const { scenario, record, violated } = failure;
  const path = writeFailureFile(outDir, buildFailureFile(scenario, scenario.seed, record?.traceHash ?? "", violated), scenario.name);
  const shrunk = { ...recordOf(failure, `lfcc replay ${path}`), failureFile: path };
  writeRunRecord(outDir, shrunk);
  return shrunk;
}
