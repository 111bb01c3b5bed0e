/**
 * Reading a results directory: `<dir>/runs/*.json`, one RunRecord each (lab/record.ts), or a
 * directory of loose RunRecord files: the same layout rules as cli/results-dir.ts, which writes
 * them. The report reads its input only here, and stricter than readRunRecords there: every
 * field the report draws is validated, and bad input gives a ReportInputError with one line
 * naming the file and what is wrong (the CLI turns it into exit code 2).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { RunRecord } from "../lab/record.ts";
import { notARunRecord } from "./input-hints.ts";

export class ReportInputError extends Error {
  override name = "ReportInputError";
}

const invariantSchema = z.object({ name: z.string(), passed: z.boolean(), detail: z.string() });
const metricsSchema = z.looseObject({
  edits: z.number(),
  deliveries: z.number(),
  crossServerMessages: z.number(),
  queuedMax: z.number(),
  dropped: z.number(),
  snapshotRequests: z.number(),
  snapshotFallbacks: z.number(),
  reconnects: z.number(),
  convergenceMs: z.number().nullable(),
});
/** The CLI.md fields are required; the report's extras (faults, timeSeries, ...) are optional. */
const runRecordSchema = z.looseObject({
  scenario: z.string(),
  seed: z.number(),
  mode: z.enum(["sim", "chaos"]),
  passed: z.boolean(),
  traceHash: z.string().nullable(),
  virtualMs: z.number(),
  wallMs: z.number(),
  invariants: z.array(invariantSchema),
  metrics: metricsSchema,
  failureFile: z.string().nullable(),
});

export async function loadRunRecords(resultsDir: string): Promise<RunRecord[]> {
  if (!(await isDirectory(resultsDir))) throw new ReportInputError(`${resultsDir}: no such results directory`);
  const runsDir = (await isDirectory(join(resultsDir, "runs"))) ? join(resultsDir, "runs") : resultsDir;
  const files = (await readdir(runsDir)).filter((name) => name.endsWith(".json")).sort();
  if (files.length === 0) throw new ReportInputError(`${runsDir}: no run records (*.json)`);
  return Promise.all(files.map((name) => readRunRecord(join(runsDir, name))));
}

async function readRunRecord(file: string): Promise<RunRecord> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new ReportInputError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = runRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const expected = "expected" in issue && typeof issue.expected === "string" ? issue.expected : undefined;
    throw new ReportInputError(`${file}: ${notARunRecord(json, issue.path, expected)}`);
  }
  return parsed.data as RunRecord;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
