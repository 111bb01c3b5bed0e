/**
 * `lfcc gate` flags -> validated settings. Every problem is a UsageError (exit 2) raised before
 * anything runs, so a typo never costs a half-hour gate.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseDurationMs } from "../../lab/scenario/index.ts";
import { UsageError } from "../usage-error.ts";
import { parseSeedRange } from "../seeds.ts";
import { parseShard, type Shard } from "./shard.ts";

/** Seeds 1..K per library scenario unless --seeds (a count K or a range A..B) says otherwise. */
export const DEFAULT_GATE_SEEDS = 3;
/** Fuzz budget (scenarios explored) unless --fuzz-runs says otherwise; 0 skips fuzzing. Sized to about two minutes on a 2-core machine, enough to find what 20 s of `lfcc fuzz` finds, with a fixed count so the verdict is reproducible. */
export const DEFAULT_GATE_FUZZ_RUNS = 100;
/** Shrinking a fuzz failure may take this long; the gate fails either way, shrinking only makes the failure file smaller. */
export const DEFAULT_GATE_SHRINK_TIME_MS = 60_000;
/** Sim runs re-run in a separate process to check determinism (cli/gate/determinism.ts); 0 skips the check. */
export const DEFAULT_GATE_DETERMINISM_RUNS = 2;
export const DEFAULT_GATE_OUT_DIR = "lfcc-out/gate";
export const DEFAULT_SCENARIOS_DIR = "scenarios";

export interface GateFlags {
  seeds?: string;
  fuzzRuns?: string;
  fuzzSeed?: string;
  fuzzShrinkTime?: string;
  chaos?: boolean;
  chaosScenarios?: string;
  chaosTimeScale?: string;
  scenarios?: string;
  regressions?: string;
  out?: string;
  shard?: string;
  determinismRuns?: string;
}

export interface GateSettings {
  seeds: number[];
  scenariosDir: string;
  /** null: no regression corpus (the default `<scenarios>/regressions` does not exist). */
  regressionsDir: string | null;
  fuzz: { runs: number; seed: number; shrinkTimeLimitMs: number };
  /** null: no chaos stage. `scenarios` null means every library scenario. */
  chaos: { scenarios: string[] | null; timeScale: number } | null;
  outDir: string;
  /** null: the whole gate on this machine. */
  shard: Shard | null;
  determinismRuns: number;
}

export function parseGateFlags(flags: GateFlags, nowMs: number): GateSettings {
  const scenariosDir = flags.scenarios ?? DEFAULT_SCENARIOS_DIR;
  requireDirectory("--scenarios", scenariosDir);
  if (flags.regressions !== undefined) requireDirectory("--regressions", flags.regressions);
  const defaultRegressions = join(scenariosDir, "regressions");
  const seeds = parseSeedRange("--seeds", flags.seeds ?? String(DEFAULT_GATE_SEEDS));
  if (!flags.chaos && (flags.chaosScenarios !== undefined || flags.chaosTimeScale !== undefined)) {
    throw new UsageError("--chaos-scenarios and --chaos-time-scale need --chaos");
  }
  return {
    seeds,
    scenariosDir,
    regressionsDir: flags.regressions ?? (existsSync(defaultRegressions) ? defaultRegressions : null),
    fuzz: {
      runs: flags.fuzzRuns === undefined ? DEFAULT_GATE_FUZZ_RUNS : count("--fuzz-runs", flags.fuzzRuns, 0),
      // A fresh seed each gate explores new ground; it is printed and recorded, so any failure replays.
      seed: flags.fuzzSeed === undefined ? nowMs % 0x7fff_ffff : count("--fuzz-seed", flags.fuzzSeed, 0),
      shrinkTimeLimitMs: flags.fuzzShrinkTime === undefined ? DEFAULT_GATE_SHRINK_TIME_MS : duration("--fuzz-shrink-time", flags.fuzzShrinkTime),
    },
    chaos: flags.chaos ? { scenarios: nameList(flags.chaosScenarios), timeScale: timeScale(flags.chaosTimeScale) } : null,
    outDir: flags.out ?? DEFAULT_GATE_OUT_DIR,
    shard: flags.shard === undefined ? null : parseShard(flags.shard),
    determinismRuns: flags.determinismRuns === undefined ? DEFAULT_GATE_DETERMINISM_RUNS : count("--determinism-runs", flags.determinismRuns, 0),
  };
}

function count(flag: string, text: string, minimum: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < minimum) {
    throw new UsageError(`${flag} expects an integer of at least ${minimum}, got "${text}"`);
  }
  return value;
}

function duration(flag: string, text: string): number {
  const parsed = parseDurationMs(text);
  if (!parsed.ok || parsed.value <= 0) throw new UsageError(`${flag}: ${parsed.ok ? "must be above 0" : parsed.error}`);
  return parsed.value;
}

function timeScale(text: string | undefined): number {
  if (text === undefined) return 1;
  const value = Number(text);
  if (!(value > 0)) throw new UsageError(`--chaos-time-scale must be a positive number, got "${text}"`);
  return value;
}

function nameList(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  const names = text.split(",").map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--chaos-scenarios expects comma-separated scenario names, got "${text}"`);
  return names;
}

function requireDirectory(flag: string, path: string): void {
  const isDirectory = existsSync(path) && statSync(path).isDirectory();
  if (!isDirectory) throw new UsageError(`${flag} ${path}: no such directory`);
}
