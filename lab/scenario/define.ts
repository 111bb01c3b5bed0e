/**
 * `defineScenario`: a normalized Scenario from the fields that matter to the caller, every other
 * field at its documented default (SCENARIO_DEFAULTS). The programmatic way in, for tests,
 * benchmarks and users who build scenarios in code rather than YAML; nothing is validated here,
 * so pass what `parseScenario` would produce.
 */
import { SCENARIO_DEFAULTS } from "./defaults.ts";
import type { Scenario } from "./types.ts";

export function defineScenario(fields: Partial<Scenario> & Pick<Scenario, "name" | "durationMs" | "topology">): Scenario {
  return {
    description: SCENARIO_DEFAULTS.description,
    seed: SCENARIO_DEFAULTS.seed,
    relay: {},
    workload: { editsPerSecond: SCENARIO_DEFAULTS.editsPerSecond, ops: { ...SCENARIO_DEFAULTS.ops } },
    network: { latency: { ...SCENARIO_DEFAULTS.latency } },
    faults: [],
    expect: {},
    ...fields,
  };
}
