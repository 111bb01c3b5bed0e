/**
 * What `lfcc replay FILE` was given, decided before any parser sees it: a scenario (.yaml/.yml),
 * a failure file (JSON with version 1 and an inline scenario), or something else people reach
 * for (a run record, a README, a junit.xml). The last kind gets one sentence saying what to
 * replay instead (CLI.md v1.1 frictions), not the YAML or zod parser's errors about it.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { UsageError } from "./usage-error.ts";

const WHERE = "run records carry their replay command";

export type ReplayInput = { kind: "scenario" } | { kind: "failure"; text: string };

export function classifyReplayInput(file: string): ReplayInput {
  const extension = extname(file).toLowerCase();
  if (extension === ".yaml" || extension === ".yml") return { kind: "scenario" };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`${file}: no such file`);
  }
  const json = extension === ".json" ? parseJson(text) : undefined;
  if (isFailureFile(json)) return { kind: "failure", text };
  const command = isObject(json) && typeof json.replayCommand === "string" ? json.replayCommand : null;
  if (command !== null) throw new UsageError(`${file}: this is not a failure file (${WHERE}: ${command})`);
  throw new UsageError(
    `${file}: this is not a failure file (${WHERE}: the "replayCommand" field of <out>/runs/*.json; failure files are <out>/failures/*.json, scenarios *.yaml)`,
  );
}

/** The envelope's shape only: its scenario is validated, with positions, by parseFailureFile. */
function isFailureFile(json: unknown): boolean {
  return isObject(json) && "version" in json && "scenario" in json && typeof json.scenario === "object";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
