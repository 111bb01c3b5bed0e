/**
 * Scenario arguments -> parsed scenarios. Directories expand to their `*.yaml` / `*.yml` files
 * (sorted, not recursive: `scenarios/regressions/` is run by naming it). Every file is validated
 * before anything runs; all problems of all files are reported together.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { parseScenario, ScenarioError, type Scenario } from "../lab/scenario/index.ts";

export interface ScenarioFile {
  file: string;
  scenario: Scenario;
}

/** Bad input found while loading: each entry is one self-contained line for stderr (exit 2). */
export class ScenarioLoadError extends Error {
  override name = "ScenarioLoadError";
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
  }
}

export function expandScenarioPaths(paths: string[]): string[] {
  const files: string[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    const kind = pathKind(path);
    if (kind === "missing") problems.push(`${path}: no such file or directory`);
    else if (kind === "file") files.push(path);
    else {
      const found = readdirSync(path).filter((name) => [".yaml", ".yml"].includes(extname(name))).sort();
      if (found.length === 0) problems.push(`${path}: no .yaml scenario files in this directory`);
      files.push(...found.map((name) => join(path, name)));
    }
  }
  if (problems.length > 0) throw new ScenarioLoadError(problems);
  // The same file named twice (a file and its directory) runs once.
  const seen = new Set<string>();
  return files.filter((file) => !seen.has(resolve(file)) && seen.add(resolve(file)));
}

export function loadScenarioFiles(paths: string[]): ScenarioFile[] {
  const loaded: ScenarioFile[] = [];
  const problems: string[] = [];
  for (const file of expandScenarioPaths(paths)) {
    try {
      loaded.push({ file, scenario: parseScenario(readFileSync(file, "utf8"), file) });
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems.push(...error.message.split("\n"));
    }
  }
  problems.push(...duplicateNames(loaded));
  if (problems.length > 0) throw new ScenarioLoadError(problems);
  return loaded;
}

/** Names key the output files (runs/, failures/), so two files may not share one. */
function duplicateNames(loaded: ScenarioFile[]): string[] {
  const firstFile = new Map<string, string>();
  const problems: string[] = [];
  for (const { file, scenario } of loaded) {
    const other = firstFile.get(scenario.name);
    if (other === undefined) firstFile.set(scenario.name, file);
    else problems.push(`${file}: name: "${scenario.name}" is already the name of ${other} (names must be unique)`);
  }
  return problems;
}

function pathKind(path: string): "missing" | "file" | "directory" {
  try {
    return statSync(path).isDirectory() ? "directory" : "file";
  } catch {
    return "missing";
  }
}

/**
 * For commands: runs `load` (anything that loads scenario files) and returns its result, or null
 * after writing every problem to stderr, one self-contained line each (the command exits 2).
 */
export function reportingLoadProblems<T>(load: () => T, stderr: { write(text: string): unknown }): T | null {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ScenarioLoadError)) throw error;
    stderr.write(error.lines.join("\n") + "\n");
    return null;
  }
}
