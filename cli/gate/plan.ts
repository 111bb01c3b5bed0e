/**
 * What the gate will run, decided (and every scenario validated) before anything runs:
 * library scenarios x seeds, the regression corpus at each file's own seed, and the chaos subset.
 */
import { readdirSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import type { Scenario } from "../../lab/scenario/index.ts";
import { loadScenarioFiles, type ScenarioFile } from "../scenario-files.ts";
import { UsageError } from "../usage-error.ts";
import type { GateSettings } from "./settings.ts";

export interface SimRun {
  stage: "library" | "regression";
  file: string;
  scenario: Scenario;
  seed: number;
}

export interface GatePlan {
  simRuns: SimRun[];
  /** Library scenarios to run in chaos mode, with their files (for the replay command). */
  chaosScenarios: ScenarioFile[];
}

/** Throws ScenarioLoadError (every bad file at once) or UsageError (unknown chaos name). */
export function planGate(settings: GateSettings): GatePlan {
  const regressionsDir = settings.regressionsDir !== null && hasScenarioFiles(settings.regressionsDir) ? settings.regressionsDir : null;
  // One load of both directories, so a regression may not reuse a library name (names key the output files).
  const loaded = loadScenarioFiles(regressionsDir === null ? [settings.scenariosDir] : [settings.scenariosDir, regressionsDir]);
  const library = loaded.filter((entry) => !isIn(entry, regressionsDir));
  const regressions = loaded.filter((entry) => isIn(entry, regressionsDir));
  const simRuns: SimRun[] = [
    ...library.flatMap(({ file, scenario }) => settings.seeds.map((seed) => ({ stage: "library" as const, file, scenario, seed }))),
    ...regressions.map(({ file, scenario }) => ({ stage: "regression" as const, file, scenario, seed: scenario.seed })),
  ];
  return { simRuns, chaosScenarios: settings.chaos === null ? [] : chaosSubset(library, settings.chaos.scenarios) };
}

function chaosSubset(library: ScenarioFile[], names: string[] | null): ScenarioFile[] {
  if (names === null) return library;
  const byName = new Map(library.map((entry) => [entry.scenario.name, entry]));
  const unknown = names.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new UsageError(`--chaos-scenarios: no library scenario named ${unknown.join(", ")} (known: ${[...byName.keys()].join(", ")})`);
  }
  return names.map((name) => byName.get(name)!);
}

function isIn(entry: ScenarioFile, dir: string | null): boolean {
  return dir !== null && resolve(dirname(entry.file)) === resolve(dir);
}

function hasScenarioFiles(dir: string): boolean {
  return readdirSync(dir).some((name) => [".yaml", ".yml"].includes(extname(name)));
}
