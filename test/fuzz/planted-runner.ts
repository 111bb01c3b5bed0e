/**
 * Runs a scenario in the simulator with a chosen relay: production, a planted-bug variant of the
 * first catalog (planted-relays.ts) or of the second (planted-catalog.ts, which may patch a
 * prototype for the duration of the run). The routing monitor runs inside runScenario, as in
 * every sim run; a routing violation always fails the record.
 */
import type { ScenarioRunner } from "../../lab/fuzz/explore.ts";
import { productionRelay, runScenario, type RelayFactory } from "../../sim/index.ts";
import { PLANTED_CATALOG, type CatalogBug, type PlantedDefinition } from "./planted-catalog.ts";
import { PLANTED_BUGS, type PlantedBug } from "./planted-relays.ts";

export type AnyPlantedBug = PlantedBug | CatalogBug;

export function plantedDefinition(bug: AnyPlantedBug | "production"): PlantedDefinition {
  if (bug === "production") return {};
  if (bug in PLANTED_BUGS) return { factory: PLANTED_BUGS[bug as PlantedBug] };
  return PLANTED_CATALOG[bug as CatalogBug];
}

/** Runs `body` with the bug's patch applied (and undone afterwards, whatever happens). */
export async function withPlanted<T>(bug: AnyPlantedBug | "production", body: (factory: RelayFactory) => Promise<T>): Promise<T> {
  return withDefinition(plantedDefinition(bug), body);
}

/** The same for a definition from any catalog (test/attack/planted-weaknesses.ts too). */
export async function withDefinition<T>(definition: PlantedDefinition, body: (factory: RelayFactory) => Promise<T>): Promise<T> {
  const undo = definition.patch?.();
  try {
    return await body((definition.factory as RelayFactory | undefined) ?? productionRelay);
  } finally {
    undo?.();
  }
}

export function relayRunner(bug: AnyPlantedBug | "production"): ScenarioRunner {
  return (scenario) => withPlanted(bug, async (relayFactory) => (await runScenario(scenario, { seed: scenario.seed, relayFactory })).record);
}
