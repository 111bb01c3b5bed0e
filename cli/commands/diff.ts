/**
 * `lfcc diff <a> <b> [--context N] [--json]`: two traces compared event by event. Each side is a
 * trace file (`--trace` output), or a failure file or sim run record that is re-run to get its
 * trace. Prints the first event that differs with the identical events before it, and what
 * diverges after it (events per kind and per node on each side). Exit 0 identical, 1 different,
 * 2 bad input.
 */
import type { Command } from "commander";
import { DEFAULT_DIFF_CONTEXT, diffTraces, formatTraceDiff } from "../../lab/trace-diff.ts";
import { loadTrace, type LoadedTrace } from "../diff/load-trace.ts";
import { simulatorRunner, type SimRunner } from "../sim-runs.ts";
import { UsageError } from "../usage-error.ts";

export interface DiffFlags {
  context?: string;
  json?: boolean;
}

export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description("compare two runs' traces event by event: the first difference, with context, and what diverges after it")
    .argument("<a>", "a trace (.jsonl from --trace), a failure file, or a sim run record (re-run to get its trace)")
    .argument("<b>", "the same kinds of file as <a>")
    .option("--context <n>", `identical events to show before the first difference (default ${DEFAULT_DIFF_CONTEXT})`)
    .option("--json", "print the comparison as one JSON object")
    .addHelpText("after", "\nExit codes: 0 the traces are identical, 1 they differ, 2 bad usage or input.\nExample: lfcc sim s.yaml --seed 1 --trace a.jsonl; (change code); lfcc sim s.yaml --seed 1 --trace b.jsonl; lfcc diff a.jsonl b.jsonl")
    .action(async (a: string, b: string, flags: DiffFlags) => {
      process.exitCode = await runDiffCommand(a, b, flags, { runner: simulatorRunner, stdout: process.stdout });
    });
}

export async function runDiffCommand(a: string, b: string, flags: DiffFlags, io: { runner: SimRunner; stdout: NodeJS.WritableStream }): Promise<number> {
  const context = flags.context === undefined ? DEFAULT_DIFF_CONTEXT : contextCount(flags.context);
  const left = await loadTrace(a, io.runner);
  const right = await loadTrace(b, io.runner);
  const diff = diffTraces(left.events, right.events, context);
  if (flags.json) {
    io.stdout.write(JSON.stringify({ a: side(left), b: side(right), ...diff }) + "\n");
  } else {
    io.stdout.write(formatTraceDiff(diff, { a: left.label, b: right.label }));
    for (const [name, trace] of [["a", left], ["b", right]] as const) {
      const note = hashNote(trace);
      if (note) io.stdout.write(`${name}: ${note}\n`);
    }
  }
  return diff.same ? 0 : 1;
}

function side(trace: LoadedTrace): Omit<LoadedTrace, "events"> {
  const { events: _events, ...rest } = trace;
  return rest;
}

/** A re-run whose hash is not the recorded one: the code changed since the file was written. */
function hashNote(trace: LoadedTrace): string | null {
  if (trace.traceHash === null || trace.recordedTraceHash === null || trace.traceHash === trace.recordedTraceHash) return null;
  return `re-run trace hash ${trace.traceHash} differs from the recorded ${trace.recordedTraceHash}`;
}

function contextCount(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new UsageError(`--context expects a whole number of events, got "${text}"`);
  return value;
}
