/**
 * `lfcc replay <failure.json> [--trace FILE]` and `lfcc replay <scenario.yaml> [--seed N]`
 * (shared/CLI.md): re-run one recorded run in the simulator, print its record and compare the
 * trace hash with the recorded one. Exit 1 while an invariant still fails, 0 once it passes,
 * 2 for bad input. A hash mismatch alone is reported, not an error: after a fix it is expected.
 */
import type { Command } from "commander";
import type { RunRecord } from "../../lab/record.ts";
import { parseFailureFile, ScenarioError, type Scenario } from "../../lab/scenario/index.ts";
import { DEFAULT_OUT_DIR } from "../results-dir.ts";
import { loadScenarioFiles, ScenarioLoadError } from "../scenario-files.ts";
import { classifyReplayInput } from "../replay-input.ts";
import { parseSeed } from "../seeds.ts";
import { executeRun, recordLine, simulatorRunner } from "../sim-runs.ts";
import { summaryTable } from "../summary-table.ts";
import { UsageError } from "../usage-error.ts";
import type { CommandIo } from "./sim.ts";

export interface ReplayFlags {
  seed?: string;
  json?: boolean;
  out?: string;
  trace?: string;
}

interface ReplayTarget {
  scenario: Scenario;
  seed: number;
  recordedTraceHash: string | null;
  failureFile?: string;
}

export function registerReplay(program: Command): void {
  program
    .command("replay")
    .description("re-run one recorded run (a failure file, or a scenario file and a seed) in the simulator")
    .argument("<file>", "a failure file (.json) written by sim/fuzz/chaos, or a scenario file (.yaml)")
    .option("--seed <n>", "with a scenario file: the seed to run (default: the file's seed)")
    .option("--json", "print the RunRecord as one JSON line on stdout, nothing else")
    .option("--out <dir>", "also write runs/<scenario>--seed<N>--sim.json here")
    .option("--trace <file>", "write the run's trace as JSON lines, plus a readable timeline next to it (run.jsonl -> run.timeline.txt)")
    .addHelpText("after", "\nExit codes: 0 the run passes, 1 an invariant still fails, 2 bad usage or invalid input.")
    .action(async (file: string, flags: ReplayFlags) => {
      process.exitCode = await runReplayCommand(file, flags, { runner: simulatorRunner, stdout: process.stdout, stderr: process.stderr });
    });
}

export async function runReplayCommand(file: string, flags: ReplayFlags, io: CommandIo): Promise<number> {
  let target: ReplayTarget;
  try {
    target = loadTarget(file, flags);
  } catch (error) {
    if (error instanceof ScenarioLoadError) io.stderr.write(error.lines.join("\n") + "\n");
    else if (error instanceof ScenarioError) io.stderr.write(error.message + "\n");
    else throw error;
    return 2;
  }
  const { record, trace } = await executeRun(io.runner, {
    scenario: target.scenario,
    seed: target.seed,
    replayCommand: target.failureFile ? `lfcc replay ${target.failureFile}` : `lfcc replay ${file} --seed ${target.seed}`,
    failuresDir: flags.out ?? DEFAULT_OUT_DIR,
    existingFailureFile: target.failureFile,
    recordsDir: flags.out,
    tracePath: flags.trace,
  });
  const comparison = compareHash(record, target.recordedTraceHash);
  if (flags.json) {
    io.stdout.write(recordLine({ ...record, replay: { recordedTraceHash: target.recordedTraceHash, traceHashMatches: comparison.matches } } as RunRecord) + "\n");
  } else {
    io.stdout.write(summaryTable([record]));
    for (const invariant of record.invariants) {
      io.stdout.write(`  ${invariant.passed ? "pass" : "FAIL"}  ${invariant.name}: ${invariant.detail}\n`);
    }
    io.stdout.write(`${comparison.message}\n`);
  }
  if (trace) (flags.json ? io.stderr : io.stdout).write(`trace: ${trace.jsonl} (timeline: ${trace.timeline})\n`);
  return record.passed ? 0 : 1;
}

function loadTarget(file: string, flags: ReplayFlags): ReplayTarget {
  const input = classifyReplayInput(file);
  if (input.kind === "scenario") {
    const [loaded] = loadScenarioFiles([file]);
    const seed = flags.seed === undefined ? loaded!.scenario.seed : parseSeed("--seed", flags.seed);
    return { scenario: loaded!.scenario, seed, recordedTraceHash: null };
  }
  if (flags.seed !== undefined) throw new UsageError("--seed is for scenario files; a failure file carries its own seed");
  const { failure, scenario } = parseFailureFile(input.text, file);
  return { scenario, seed: failure.seed, recordedTraceHash: failure.traceHash || null, failureFile: file };
}

function compareHash(record: RunRecord, recorded: string | null): { matches: boolean | null; message: string } {
  const hash = record.traceHash ?? "-";
  if (recorded === null) return { matches: null, message: `trace hash ${hash} (nothing recorded to compare with)` };
  if (recorded === record.traceHash) return { matches: true, message: `trace hash ${hash} matches the recorded one: same run, event for event` };
  return {
    matches: false,
    message: `trace hash ${hash} DIFFERS from the recorded ${recorded}: the code or the simulator changed since it was recorded`,
  };
}
