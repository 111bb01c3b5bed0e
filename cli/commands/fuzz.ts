/**
 * `lfcc fuzz [--runs N] [--seed N] [--time 60s] [--out DIR] [--json]` (shared/CLI.md): explore random
 * scenarios in the simulator; on the first failure shrink it, write a failure file, print the
 * replay command and exit 1. Exit 0 when every run passed, 2 on bad usage.
 */
import type { Command } from "commander";
import { fuzz, type FuzzFailure, type FuzzRunEvent, type ScenarioRunner } from "../../lab/fuzz/explore.ts";
import { errorRecord } from "../../lab/fuzz/failure.ts";
import { buildFailureFile } from "../../lab/scenario/failure-file.ts";
import { describeSize } from "../../lab/fuzz/size.ts";
import type { RunRecord } from "../../lab/record.ts";
import { parseDurationMs } from "../../lab/scenario/units.ts";
import { createProgress } from "../progress.ts";
import { DEFAULT_OUT_DIR, writeFailureFile, writeRunRecord } from "../results-dir.ts";
import { UsageError } from "../usage-error.ts";
import { JOBS_HELP, parseJobs } from "../workers/jobs.ts";
import { simRunnerWithJobs } from "../workers/sim-pool.ts";

/** Runs explored when neither --runs nor --time is given. */
export const DEFAULT_FUZZ_RUNS = 100;
/** Shrinking budget unless --shrink-time says otherwise. */
export const DEFAULT_SHRINK_TIME_MS = 120_000;

export interface FuzzCommandOptions {
  runs?: string;
  seed?: string;
  time?: string;
  shrinkTime?: string;
  out?: string;
  json?: boolean;
  jobs?: string;
}

/** What the command touches outside itself; tests inject their own. */
export interface FuzzCommandIo {
  runScenario: ScenarioRunner;
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  nowMs: () => number;
  /** Explore runs in flight at once (the worker pool's size; 1 for an in-process runner). */
  concurrency?: number;
}

export function registerFuzz(program: Command): void {
  program
    .command("fuzz")
    .description("explore random topologies, workloads and fault schedules in the simulator; shrink a failure to a minimal scenario")
    .option("--runs <n>", `scenarios to explore (default ${DEFAULT_FUZZ_RUNS}, unlimited with --time)`)
    .option("--seed <n>", "fast-check seed: the same seed explores the same scenarios (default: from the clock, printed)")
    .option("--time <duration>", "stop exploring after this long, e.g. 60s, 5m")
    .option("--shrink-time <duration>", `budget for shrinking a failure (default ${DEFAULT_SHRINK_TIME_MS / 1000}s)`)
    .option("--out <dir>", `results directory; failure files go to <dir>/failures/ (default ${DEFAULT_OUT_DIR})`)
    .option("--json", "one run record per line on stdout (plus the shrunk failing one)")
    .option("--jobs <n>", `${JOBS_HELP}; shrinking runs in this process`)
    .action(async (options: FuzzCommandOptions) => {
      const pooled = simRunnerWithJobs(parseJobs(options.jobs));
      try {
        process.exitCode = await runFuzzCommand(options, {
          runScenario: async (scenario) => (await pooled.runner(scenario, { seed: scenario.seed })).record,
          concurrency: pooled.concurrency,
          stdout: process.stdout,
          nowMs: () => Date.now(),
        });
      } finally {
        await pooled.close();
      }
    });
}

interface Settings {
  runs: number;
  seed: number;
  timeLimitMs?: number;
  shrinkTimeLimitMs: number;
  outDir: string;
  json: boolean;
}

export function parseFuzzOptions(options: FuzzCommandOptions, nowMs: number): Settings {
  const timeLimitMs = options.time === undefined ? undefined : duration("--time", options.time);
  const unlimited = Number.MAX_SAFE_INTEGER;
  return {
    runs: options.runs === undefined ? (timeLimitMs === undefined ? DEFAULT_FUZZ_RUNS : unlimited) : positiveInteger("--runs", options.runs),
    seed: options.seed === undefined ? nowMs % 0x7fff_ffff : integer("--seed", options.seed),
    timeLimitMs,
    shrinkTimeLimitMs: options.shrinkTime === undefined ? DEFAULT_SHRINK_TIME_MS : duration("--shrink-time", options.shrinkTime),
    outDir: options.out ?? DEFAULT_OUT_DIR,
    json: options.json === true,
  };
}

export async function runFuzzCommand(options: FuzzCommandOptions, io: FuzzCommandIo): Promise<number> {
  const settings = parseFuzzOptions(options, io.nowMs());
  const startedMs = io.nowMs();
  let exploreEndMs = startedMs;
  const progress = createProgress({ stream: io.stdout as NodeJS.WriteStream, quiet: settings.json });
  const result = await fuzz({
    seed: settings.seed,
    runs: settings.runs,
    timeLimitMs: settings.timeLimitMs,
    // With --time, shrinking counts inside it: it gets what exploration left (and at most --shrink-time).
    shrinkTimeLimitMs:
      settings.timeLimitMs === undefined
        ? settings.shrinkTimeLimitMs
        : () => Math.min(settings.shrinkTimeLimitMs, settings.timeLimitMs! - (io.nowMs() - startedMs)),
    run: io.runScenario,
    concurrency: io.concurrency,
    nowMs: io.nowMs,
    onRun: (event) => {
      if (event.phase === "explore") exploreEndMs = io.nowMs();
      if (settings.json && event.phase === "explore") io.stdout.write(JSON.stringify(recordOf(event)) + "\n");
      progress.update(progressText(event, settings, io.nowMs() - startedMs));
    },
  });
  progress.done();
  const exploreMs = exploreEndMs - startedMs; // the rate counts exploration, not shrinking
  if (!result.failure) {
    if (!settings.json) io.stdout.write(`${summary(result.runs, settings.seed, exploreMs)}: every invariant held\n`);
    return 0;
  }
  const failurePath = writeFailure(result.failure, settings.outDir);
  const record = { ...recordOf({ ...result.failure }), failureFile: failurePath, replayCommand: replayCommand(failurePath) };
  writeRunRecord(settings.outDir, record); // so `lfcc report <out>` shows the shrunk failure
  if (settings.json) io.stdout.write(JSON.stringify(record) + "\n");
  else io.stdout.write(failureReport(result.runs, settings.seed, exploreMs, result.failure, failurePath));
  return 1;
}

function recordOf(outcome: Pick<FuzzRunEvent, "scenario" | "record" | "error">): RunRecord {
  const record = outcome.record ?? errorRecord(outcome.scenario, outcome.error ?? "run failed");
  return { ...record, scenarioSpec: record.scenarioSpec ?? outcome.scenario };
}

function writeFailure(failure: FuzzFailure, outDir: string): string {
  const { scenario, record, violated } = failure;
  return writeFailureFile(outDir, buildFailureFile(scenario, scenario.seed, record?.traceHash ?? "", violated), scenario.name);
}

function replayCommand(path: string): string {
  return `npx lfcc replay ${path}`;
}

function summary(runs: number, seed: number, elapsedMs: number): string {
  const perMinute = elapsedMs > 0 ? Math.round((runs * 60_000) / elapsedMs) : runs;
  return `fuzz (seed ${seed}): ${runs} scenario(s) in ${(elapsedMs / 1000).toFixed(1)}s (${perMinute}/min)`;
}

function failureReport(runs: number, seed: number, exploreMs: number, failure: FuzzFailure, path: string): string {
  const details = failure.record?.invariants.filter((r) => !r.passed).map((r) => `  ${r.name}: ${r.detail}`) ?? [`  ${failure.error}`];
  const interrupted = failure.shrinkInterrupted ? " (stopped by --shrink-time)" : "";
  return [
    `${summary(runs, seed, exploreMs)}: FAILED at run ${runs}`,
    `violated: ${failure.violated.join(", ")}`,
    ...details,
    `found:  ${describeSize(failure.original)}`,
    `shrunk: ${describeSize(failure.scenario)} in ${failure.shrinkSteps} step(s), ${failure.shrinkRuns} run(s)${interrupted}`,
    `failure file: ${path}`,
    `replay: ${replayCommand(path)}`,
    "",
  ].join("\n");
}

function progressText(event: FuzzRunEvent, settings: Settings, elapsedMs: number): string {
  const of = settings.runs === Number.MAX_SAFE_INTEGER ? "" : `/${settings.runs}`;
  const budget = settings.timeLimitMs === undefined ? "" : `/${Math.round(settings.timeLimitMs / 1000)}s`;
  const what = event.phase === "explore" ? `run ${event.index}${of}` : `FAILED, shrinking: ${event.index} tried`;
  return `fuzz seed ${settings.seed}  ${what}  ${Math.round(elapsedMs / 1000)}s${budget}  ${describeSize(event.scenario)}`;
}

function duration(flag: string, text: string): number {
  const parsed = parseDurationMs(text);
  if (!parsed.ok || parsed.value <= 0) throw new UsageError(`${flag}: ${parsed.ok ? "must be above 0" : parsed.error}`);
  return parsed.value;
}

function integer(flag: string, text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${flag}: expected an integer, got "${text}"`);
  return Number(text);
}

function positiveInteger(flag: string, text: string): number {
  const value = integer(flag, text);
  if (value < 1) throw new UsageError(`${flag}: expected at least 1, got ${value}`);
  return value;
}
