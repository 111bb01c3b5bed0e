/**
 * `lfcc sim <scenario.yaml | dir>... [--seed N | --seeds A..B] [--json] [--out DIR] [--trace FILE]`
 * (shared/CLI.md): every (scenario, seed) in the deterministic simulator. Exit 0 when every run
 * passed, 1 when an invariant failed, 2 for bad usage or an invalid scenario (nothing runs then).
 */
import type { Command } from "commander";
import type { RunRecord } from "../../lab/record.ts";
import { createProgress } from "../progress.ts";
import { DEFAULT_OUT_DIR } from "../results-dir.ts";
import { loadScenarioFiles, reportingLoadProblems } from "../scenario-files.ts";
import { parseSeedFlags } from "../seeds.ts";
import { executeRun, recordLine, type SimRunner } from "../sim-runs.ts";
import { forEachInOrder } from "../workers/in-order.ts";
import { JOBS_HELP, parseJobs } from "../workers/jobs.ts";
import { simRunnerWithJobs } from "../workers/sim-pool.ts";
import { summaryTable } from "../summary-table.ts";
import { tracePathForRun } from "../trace-output.ts";

export interface SimFlags {
  seed?: string;
  seeds?: string;
  json?: boolean;
  out?: string;
  trace?: string;
  jobs?: string;
}

export interface CommandIo {
  runner: SimRunner;
  /** Runs that may be in flight at once (a worker pool's size; 1 for an in-process runner). */
  concurrency?: number;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WritableStream;
}


export function registerSim(program: Command): void {
  program
    .command("sim")
    .description("run scenarios in the deterministic simulator, one run per (scenario, seed)")
    .argument("<scenarios...>", "scenario files (.yaml) or directories of them")
    .option("--seed <n>", "run every scenario with this seed (default: the file's seed, else 1)")
    .option("--seeds <A..B | K>", "run every scenario with each seed from A to B (inclusive); a count K means 1..K")
    .option("--json", "print one RunRecord JSON object per line on stdout, nothing else")
    .option("--out <dir>", `write runs/<scenario>--seed<N>--sim.json and failure files here (default for failure files: ${DEFAULT_OUT_DIR})`)
    .option("--jobs <n>", JOBS_HELP)
    .option("--trace <file>", "write each run's trace as JSON lines, plus a readable timeline next to it (run.jsonl -> run.timeline.txt)")
    .addHelpText("after", "\nExit codes: 0 all runs passed, 1 an invariant failed, 2 bad usage or invalid scenario.\nExample: lfcc sim scenarios/ --seeds 1..3")
    .action(async (paths: string[], flags: SimFlags) => {
      const pooled = simRunnerWithJobs(parseJobs(flags.jobs));
      try {
        process.exitCode = await runSimCommand(paths, flags, { runner: pooled.runner, concurrency: pooled.concurrency, stdout: process.stdout, stderr: process.stderr });
      } finally {
        await pooled.close();
      }
    });
}

export async function runSimCommand(paths: string[], flags: SimFlags, io: CommandIo): Promise<number> {
  const seeds = parseSeedFlags(flags);
  const files = reportingLoadProblems(() => loadScenarioFiles(paths), io.stderr);
  if (files === null) return 2;
  const runs = files.flatMap(({ file, scenario }) => (seeds ?? [scenario.seed]).map((seed) => ({ file, scenario, seed })));
  const progress = createProgress({ stream: io.stdout, quiet: flags.json });
  const records: RunRecord[] = [];
  const concurrency = io.concurrency ?? 1;
  const start = ({ file, scenario, seed }: (typeof runs)[number], index: number) => {
    const label = `[${index + 1}/${runs.length}] ${scenario.name} seed ${seed}`;
    if (concurrency === 1) progress.update(label);
    return executeRun(io.runner, {
      scenario,
      seed,
      replayCommand: `lfcc replay ${file} --seed ${seed}`,
      failuresDir: flags.out ?? DEFAULT_OUT_DIR,
      recordsDir: flags.out,
      tracePath: flags.trace === undefined ? undefined : tracePathForRun(flags.trace, scenario.name, seed, runs.length),
      onProgress: (virtualMs, endMs) => progress.update(`${label}  ${Math.round(virtualMs / 1000)}s/${Math.round(endMs / 1000)}s virtual`),
    });
  };
  await forEachInOrder(runs, concurrency, start, ({ record, trace }, index) => {
    records.push(record);
    if (concurrency > 1) progress.update(`[${index + 1}/${runs.length}] done (${concurrency} jobs)`);
    if (flags.json) io.stdout.write(recordLine(record) + "\n");
    if (trace) {
      progress.done();
      (flags.json ? io.stderr : io.stdout).write(`trace: ${trace.jsonl} (timeline: ${trace.timeline})\n`);
    }
  });
  progress.done();
  if (!flags.json) printSummary(records, io.stdout);
  return records.every((record) => record.passed) ? 0 : 1;
}

function printSummary(records: RunRecord[], out: NodeJS.WritableStream): void {
  out.write(summaryTable(records));
  const failed = records.filter((record) => !record.passed);
  for (const record of failed) {
    const details = record.invariants.filter((invariant) => !invariant.passed).map((invariant) => `  ${invariant.name}: ${invariant.detail}`);
    out.write(`\n${record.scenario} seed ${record.seed} failed:\n${details.join("\n")}\n  replay: ${record.replayCommand}\n`);
  }
}
