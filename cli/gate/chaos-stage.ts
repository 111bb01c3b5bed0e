/**
 * The gate's chaos runs (--chaos): each chosen library scenario once, at its own seed, against real
 * redis-server + Toxiproxy + relay processes, saved like `lfcc chaos --out` saves them. Services are
 * acquired before the simulator stage starts (acquireChaosServices), so a machine without Redis or
 * Toxiproxy fails in a second with exit 2 instead of after the whole sim stage.
 */
import type { RunRecord } from "../../lab/record.ts";
import type { Scenario } from "../../lab/scenario/index.ts";
import { saveRun } from "../../chaos/artifacts.ts";
import { acquireServices, ChaosSetupError, type ChaosServices } from "../../chaos/infra/services.ts";
import { unsupportedOverrides } from "../../chaos/infra/relay-process.ts";
import { chaosCommand } from "../commands/chaos.ts";
import { runChaos } from "../../chaos/run.ts";
import { errorRecord } from "../../lab/fuzz/failure.ts";
import type { ScenarioFile } from "../scenario-files.ts";
import { UsageError } from "../usage-error.ts";

export async function acquireChaosServices(): Promise<ChaosServices> {
  try {
    return await acquireServices();
  } catch (error) {
    if (error instanceof ChaosSetupError) throw new UsageError(`--chaos: ${error.message}`);
    throw error;
  }
}

export interface ChaosStageOptions {
  services: ChaosServices;
  timeScale: number;
  outDir: string;
  progress: (text: string) => void;
  warn: (text: string) => void;
}

export async function runChaosStage(files: ScenarioFile[], options: ChaosStageOptions): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  for (const [index, { file, scenario }] of files.entries()) {
    const skipped = unsupportedOverrides(scenario.relay);
    if (skipped.length > 0) options.warn(`lfcc gate: chaos ${scenario.name}: relay overrides \`lfcc serve\` has no flag for, not applied: ${skipped.join(", ")}`);
    const label = `gate chaos [${index + 1}/${files.length}] ${scenario.name}`;
    options.progress(label);
    const replayCommand = chaosCommand(file, undefined, options.timeScale);
    records.push(await runOne(scenario, replayCommand, options, (message) => options.progress(`${label}  ${message}`)));
  }
  return records;
}

/** A chaos run that throws (a relay process that never started, say) is a failed run, not a crashed gate. */
async function runOne(scenario: Scenario, replayCommand: string, options: ChaosStageOptions, onProgress: (message: string) => void): Promise<RunRecord> {
  try {
    const result = await runChaos(scenario, { services: options.services, timeScale: options.timeScale, onProgress });
    return await saveRun(options.outDir, { ...result.record, replayCommand }, result.record.scenarioSpec ?? scenario, result.relayLogs);
  } catch (error) {
    const record: RunRecord = { ...errorRecord(scenario, error instanceof Error ? error.message : String(error)), mode: "chaos", replayCommand };
    return saveRun(options.outDir, record, scenario, []);
  }
}
