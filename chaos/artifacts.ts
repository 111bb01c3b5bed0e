/**
 * What a chaos run leaves under --out:
 *   runs/<scenario>--seed<N>--chaos.json          the RunRecord (every run, for `lfcc report`)
 *   failures/<scenario>--seed<N>--chaos/           only for a failing run:
 *     failure.json   the failure file (scenario as it ran, seed, violated invariants; no trace hash)
 *     faults.json    the applied fault timeline (wall ms since run start)
 *     relay-<sN>.log every relay incarnation's log lines (tagged with its serverId)
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { buildFailureFile } from "../lab/scenario/index.ts";
import { violatedInvariants, type RunRecord } from "../lab/record.ts";
import type { Scenario } from "../lab/scenario/types.ts";
import { runName, runRecordPath } from "../lab/results-layout.ts";


/** Writes the failure directory (when the run failed) and the run record; returns the record as written. */
export async function saveRun(outDir: string, record: RunRecord, scenario: Scenario, relayLogs: Array<[string, string[]]>): Promise<RunRecord> {
  let saved = record;
  if (!record.passed) {
    const dir = join(outDir, "failures", runName(record));
    await mkdir(dir, { recursive: true });
    const failureFile = join(dir, "failure.json");
    // Chaos runs have no trace hash: a replay of this file re-runs the scenario in the simulator.
    const failure = { ...buildFailureFile(scenario, record.seed, "", violatedInvariants(record)), mode: "chaos" };
    await writeFile(failureFile, JSON.stringify(failure, null, 2) + "\n");
    await writeFile(join(dir, "faults.json"), JSON.stringify(record.faults ?? [], null, 2) + "\n");
    for (const [server, lines] of relayLogs) await writeFile(join(dir, `relay-${server}.log`), lines.join("\n") + "\n");
    saved = { ...record, failureFile };
  }
  const recordPath = runRecordPath(outDir, record);
  await mkdir(dirname(recordPath), { recursive: true });
  await writeFile(recordPath, JSON.stringify(saved) + "\n");
  return saved;
}
