/**
 * What `lfcc diff` compares, from what a user has at hand: a trace file (`--trace` output, JSON
 * lines), or a failure file or a sim run record, which are re-run in the simulator to get their
 * traces. Every problem is a UsageError (exit 2) naming the file.
 */
import { readFileSync } from "node:fs";
import type { RunRecord } from "../../lab/record.ts";
import { buildFailureFile, parseFailureFile, ScenarioError, type Scenario } from "../../lab/scenario/index.ts";
import type { TraceEvent } from "../../lab/trace.ts";
import type { SimRunner } from "../sim-runs.ts";
import { UsageError } from "../usage-error.ts";

export interface LoadedTrace {
  /** "run.jsonl" or "failure.json (re-run: x seed 3)". */
  label: string;
  events: TraceEvent[];
  /** The trace hash of the re-run, when the input was re-run. */
  traceHash: string | null;
  /** The hash the input recorded, when it recorded one. */
  recordedTraceHash: string | null;
}

export async function loadTrace(file: string, runner: SimRunner): Promise<LoadedTrace> {
  const text = readText(file);
  if (file.endsWith(".jsonl") || looksLikeJsonLines(text)) return { label: file, events: parseTraceLines(text, file), traceHash: null, recordedTraceHash: null };
  const json = parseJson(text, file);
  const target = isFailureFile(json) ? fromFailureFile(text, file) : fromRunRecord(json, file);
  const result = await runner(target.scenario, { seed: target.seed, keepTrace: true });
  if (!result.trace) throw new UsageError(`${file}: the simulator kept no trace of the re-run`);
  return {
    label: `${file} (re-run: ${target.scenario.name} seed ${target.seed})`,
    events: result.trace,
    traceHash: result.record.traceHash,
    recordedTraceHash: target.recordedTraceHash,
  };
}

interface RerunTarget {
  scenario: Scenario;
  seed: number;
  recordedTraceHash: string | null;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`${file}: no such file`);
  }
}

function looksLikeJsonLines(text: string): boolean {
  const lines = text.trim().split("\n");
  return lines.length > 1 && lines[0]!.trim().startsWith("{") && lines[0]!.trim().endsWith("}") && /"seq"\s*:/.test(lines[0]!);
}

export function parseTraceLines(text: string, file: string): TraceEvent[] {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  if (lines.length === 0) throw new UsageError(`${file}: empty trace`);
  return lines.map((line, i) => {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      throw new UsageError(`${file}:${i + 1}: not a JSON line`);
    }
    if (!isTraceEvent(event)) throw new UsageError(`${file}:${i + 1}: not a trace event (needs seq, tMs, node, kind, detail)`);
    return event;
  });
}

function isTraceEvent(value: unknown): value is TraceEvent {
  const e = value as Partial<TraceEvent> | null;
  return typeof e === "object" && e !== null && typeof e.seq === "number" && typeof e.tMs === "number" && typeof e.node === "string" && typeof e.kind === "string" && typeof e.detail === "object" && e.detail !== null;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON, and not a trace (JSON lines): ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isFailureFile(json: unknown): boolean {
  return typeof json === "object" && json !== null && "version" in json && typeof (json as { scenario?: unknown }).scenario === "object";
}

function fromFailureFile(text: string, file: string): RerunTarget {
  try {
    const { failure, scenario } = parseFailureFile(text, file);
    return { scenario, seed: failure.seed, recordedTraceHash: failure.traceHash || null };
  } catch (error) {
    if (error instanceof ScenarioError) throw new UsageError(error.message.split("\n")[0]!);
    throw error;
  }
}

/** A run record carries its scenario (scenarioSpec); validated by the failure-file parser on the way. */
function fromRunRecord(json: unknown, file: string): RerunTarget {
  const record = json as Partial<RunRecord>;
  if (typeof record.scenario !== "string" || typeof record.seed !== "number") {
    throw new UsageError(`${file}: neither a trace (JSON lines), a failure file nor a run record`);
  }
  if (record.mode === "chaos") throw new UsageError(`${file}: a chaos run has no trace (real infrastructure is not deterministic); diff sim runs`);
  if (typeof record.scenarioSpec !== "object" || record.scenarioSpec === null) {
    throw new UsageError(`${file}: this run record does not carry its scenario (scenarioSpec), so it cannot be re-run`);
  }
  let failureText: string;
  try {
    failureText = JSON.stringify(buildFailureFile(record.scenarioSpec, record.seed, record.traceHash ?? "", []));
  } catch (error) {
    throw new UsageError(`${file}: scenarioSpec is not a scenario (${error instanceof Error ? error.message : String(error)})`);
  }
  return fromFailureFile(failureText, file);
}
