/**
 * `lfcc gate [--seeds K] [--fuzz-runs N] [--chaos] [--out DIR]` (shared/CLI.md): the release gate.
 * Every library scenario x seeds 1..K, the regression corpus (each file at its own seed), a fuzz
 * budget, and with --chaos the library against real infrastructure; run records under
 * <out>/runs/, the report under <out>/report/. Exit 0 when every run passed, 1 when any failed,
 * 2 on bad usage, an invalid scenario, or --chaos without Redis/Toxiproxy (nothing runs then).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { RunRecord } from "../../lab/record.ts";
import { writeReport } from "../../reports/write-report.ts";
import type { ChaosServices } from "../../chaos/infra/services.ts";
import { planGate, type GatePlan } from "../gate/plan.ts";
import { acquireChaosServices, runChaosStage } from "../gate/chaos-stage.ts";
import { runFuzzStage } from "../gate/fuzz-stage.ts";
import { runSimStage } from "../gate/sim-stage.ts";
import {
  DEFAULT_GATE_DETERMINISM_RUNS, DEFAULT_GATE_FUZZ_RUNS, DEFAULT_GATE_OUT_DIR, DEFAULT_GATE_SEEDS, DEFAULT_GATE_SHRINK_TIME_MS, DEFAULT_SCENARIOS_DIR,
  parseGateFlags, type GateFlags, type GateSettings,
} from "../gate/settings.ts";
import { gateSummary, type StageResult } from "../gate/summary.ts";
import { checkDeterminism, childProcessRerun, DETERMINISM_INVARIANT, type RerunElsewhere } from "../gate/determinism.ts";
import { shardFuzz, shardPlan, writeShardManifest } from "../gate/shard.ts";
import { SHARD_MANIFEST } from "../../lab/results-layout.ts";
import { createProgress, type Progress } from "../progress.ts";
import { describeSeeds } from "../seeds.ts";
import { reportingLoadProblems } from "../scenario-files.ts";
import type { SimRunner } from "../sim-runs.ts";
import { JOBS_HELP, parseJobs } from "../workers/jobs.ts";
import { simRunnerWithJobs, type PooledRunner } from "../workers/sim-pool.ts";

export interface GateIo {
  runner: SimRunner;
  /** Sim and fuzz runs in flight at once (the worker pool's size; 1 for an in-process runner). */
  concurrency?: number;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WritableStream;
  nowMs: () => number;
  /** Injected so tests need no Redis; the default starts redis-server + Toxiproxy. */
  acquireChaos: () => Promise<ChaosServices>;
  /** Re-runs a sim run for the determinism self-check; default: a separate `lfcc` process. */
  rerunElsewhere?: RerunElsewhere;
}

const defaultIo = (pooled: PooledRunner): GateIo => ({
  runner: pooled.runner,
  concurrency: pooled.concurrency,
  stdout: process.stdout,
  stderr: process.stderr,
  nowMs: () => Date.now(),
  acquireChaos: acquireChaosServices,
});

export function registerGate(program: Command): void {
  program
    .command("gate")
    .description("release gate: every scenario x K seeds, the regression corpus, a fuzz budget, optionally chaos; writes the report; exit 1 on any failure")
    .option("--seeds <K | A..B>", `run every library scenario with seeds 1..K, or A..B (default ${DEFAULT_GATE_SEEDS})`)
    .option("--fuzz-runs <N>", `fuzz budget: scenarios to explore, 0 skips fuzzing (default ${DEFAULT_GATE_FUZZ_RUNS})`)
    .option("--fuzz-seed <n>", "fast-check seed for the fuzz stage (default: from the clock, printed)")
    .option("--fuzz-shrink-time <duration>", `budget for shrinking a fuzz failure (default ${DEFAULT_GATE_SHRINK_TIME_MS / 1000}s)`)
    .option("--chaos", "also run every library scenario once against real redis-server + Toxiproxy + relay processes")
    .option("--chaos-scenarios <names>", "with --chaos: only these library scenarios (comma-separated names)")
    .option("--chaos-time-scale <factor>", "with --chaos: multiply scenario times by this (as lfcc chaos --time-scale)")
    .option("--scenarios <dir>", `the scenario library (default ${DEFAULT_SCENARIOS_DIR}/)`)
    .option("--regressions <dir>", "the regression corpus (default <scenarios>/regressions/ when it exists)")
    .option("--shard <i/n>", "run only shard i of n (CI machines in parallel; merge their --out folders with lfcc report dir1 dir2 ...)")
    .option("--determinism-runs <N>", `re-run N sim runs in a separate process; a trace hash mismatch fails the gate (default ${DEFAULT_GATE_DETERMINISM_RUNS}, 0 skips)`)
    .option("--out <dir>", `results directory: runs/, failures/ and report/ in it are replaced (default ${DEFAULT_GATE_OUT_DIR})`)
    .option("--jobs <n>", JOBS_HELP)
    .addHelpText("after", [
      "",
      "Exit codes: 0 every run passed, 1 a run failed, 2 bad usage, invalid scenario or (with --chaos) no Redis/Toxiproxy.",
      "Writes <out>/runs/*.json, <out>/failures/, and <out>/report/{index.html,report.md,results.json,junit.xml}.",
      "Example: lfcc gate --chaos --out lfcc-out/gate",
      "Sharded: lfcc gate --shard 1/4 --out shard-1 (on 4 machines), then lfcc report shard-1 shard-2 shard-3 shard-4 --out report --verdict",
    ].join("\n"))
    .action(async (flags: GateFlags & { jobs?: string }) => {
      const pooled = simRunnerWithJobs(parseJobs(flags.jobs));
      try {
        process.exitCode = await runGateCommand(flags, defaultIo(pooled));
      } finally {
        await pooled.close();
      }
    });
}

export async function runGateCommand(flags: GateFlags, io: GateIo): Promise<number> {
  const settings = parseGateFlags(flags, io.nowMs());
  const fullPlan = reportingLoadProblems(() => planGate(settings), io.stderr);
  if (fullPlan === null) return 2;
  const plan = settings.shard === null ? fullPlan : shardPlan(fullPlan, settings.shard);
  if (settings.shard !== null) settings.fuzz = shardFuzz(settings.fuzz, settings.shard);
  // Before the sim stage: a machine that cannot run chaos says so now, not half an hour later.
  const services = settings.chaos === null ? null : await io.acquireChaos();
  clearPreviousResults(settings.outDir);
  if (settings.shard !== null) writeShardManifest(settings.outDir, settings.shard, plan, settings.fuzz.runs);
  const progress = createProgress({ stream: io.stdout });
  try {
    const stages = await runStages(settings, plan, services, io, progress);
    progress.done();
    const records = stages.filter((stage) => !stage.checkOnly).flatMap((stage) => stage.records);
    const report = await writeReport(records, join(settings.outDir, "report"));
    io.stdout.write(gateSummary(stages, report));
    return records.every((record) => record.passed) ? 0 : 1;
  } finally {
    progress.done();
    await services?.teardown();
  }
}

async function runStages(settings: GateSettings, plan: GatePlan, services: ChaosServices | null, io: GateIo, progress: Progress): Promise<StageResult[]> {
  const update = (text: string) => progress.update(text);
  const concurrency = io.concurrency ?? 1;
  const firstRuns = await runSimStage(io.runner, plan.simRuns, settings.outDir, update, concurrency);
  const determinism = await checkDeterminism(plan.simRuns, firstRuns, settings.determinismRuns, {
    runner: io.runner, rerun: io.rerunElsewhere ?? childProcessRerun(), outDir: settings.outDir, progress: update,
  });
  const sim = determinism.records;
  const library = plan.simRuns.filter((run) => run.stage === "library");
  const shard = settings.shard === null ? "" : `, shard ${settings.shard.index}/${settings.shard.count}`;
  const libraryTitle = settings.shard === null
    ? `library (${library.length / settings.seeds.length} scenarios x seeds ${describeSeeds(settings.seeds)}, sim)`
    : `library (${library.length} runs of scenarios x seeds ${describeSeeds(settings.seeds)}${shard}, sim)`;
  const stages: StageResult[] = [{ title: libraryTitle, records: sim.filter(isStage(plan, "library")) }];
  const regressions = sim.filter(isStage(plan, "regression"));
  if (regressions.length > 0) stages.push({ title: `regression corpus (${settings.regressionsDir}, each at its own seed)`, records: regressions });
  if (determinism.checked > 0) {
    const verdictOf = (record: RunRecord) => record.invariants.find((invariant) => invariant.name === DETERMINISM_INVARIANT);
    const checked = sim.filter((record) => verdictOf(record) !== undefined);
    stages.push({
      title: `determinism self-check (sim runs re-run in a separate process, same trace hash)`,
      records: checked, checkOnly: true, passedOf: (record) => verdictOf(record)?.passed === true,
    });
  }
  if (settings.fuzz.runs > 0) {
    const records = await runFuzzStage(io.runner, settings.fuzz, settings.outDir, update, concurrency);
    stages.push({ title: `fuzz (${settings.fuzz.runs} runs)`, records, note: `re-explore: npx lfcc fuzz --seed ${settings.fuzz.seed} --runs ${settings.fuzz.runs}` });
  }
  if (services !== null && settings.chaos !== null) {
    const warn = (text: string) => io.stderr.write(text + "\n");
    const records = await runChaosStage(plan.chaosScenarios, { services, timeScale: settings.chaos.timeScale, outDir: settings.outDir, progress: update, warn });
    stages.push({ title: `chaos (${plan.chaosScenarios.length} scenario${plan.chaosScenarios.length === 1 ? "" : "s"}, once each)`, records });
  }
  return stages;
}

/** Records come back in plan order, so the n-th sim record belongs to the n-th planned run. */
function isStage(plan: GatePlan, stage: "library" | "regression"): (record: RunRecord, index: number) => boolean {
  return (_record, index) => plan.simRuns[index]!.stage === stage;
}

/** Stale records from an earlier gate would show up in `lfcc report <out>`; the gate owns these folders (and the shard manifest). */
function clearPreviousResults(outDir: string): void {
  for (const folder of ["runs", "failures", "report", SHARD_MANIFEST]) rmSync(join(outDir, folder), { recursive: true, force: true });
}
