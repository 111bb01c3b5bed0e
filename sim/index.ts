/**
 * The deterministic simulator's public API. `runScenario` runs one normalized scenario with one
 * seed (the CLI, replay and the fuzzer call it); `createWorld` is the programmatic builder for
 * tests (add servers and clients, schedule actions and faults, run, inspect).
 */
export { runScenario, runEndMs, buildScenarioWorld, type RunOptions, type RunResult } from "./world/run.ts";
export { createWorld, SimWorld, type WorldOptions } from "./world/world.ts";
export { scheduleFaults, describeFault } from "./world/faults.ts";
export { productionRelay, type RelayFactory, type RelayFactoryOptions, type SimRelay } from "./world/relay-host.ts";
export { placeClient, placeJoiner } from "../lab/placement.ts";
export { replicaDigest } from "../lab/digest.ts";
export { SimKernel } from "./kernel/kernel.ts";
export { RandomForest, SimRandom } from "../lab/random.ts";
export { applyWorkloadOp } from "../lab/workload.ts";

// The lab around the simulator, so `lfcc/sim` is the whole lab for package users (issue 11):
// parse a scenario (YAML or defineScenario), run it, check it, read the record.
export * from "../lab/scenario/index.ts";
export { runCheckers, checkConverge, checkNoDataLoss, checkNoGhostPresence, checkQueueBound } from "../lab/checkers/index.ts";
export type { RunRecord, RunMetrics, InvariantResult, FailureFile, AppliedFault } from "../lab/record.ts";
