/**
 * Runs a scenario in the simulator with a chosen relay (production or a planted-bug variant) and
 * the routing oracle attached; the oracle's verdict joins the record as a `routing` invariant.
 */
import { RoutingMonitor } from "../../lab/fuzz/routing-monitor.ts";
import type { ScenarioRunner } from "../../lab/fuzz/explore.ts";
import { productionRelay, runScenario, type RelayFactory } from "../../sim/index.ts";
import { PLANTED_BUGS, type PlantedBug } from "./planted-relays.ts";

export function relayRunner(bug: PlantedBug | "production"): ScenarioRunner {
  const factory: RelayFactory = bug === "production" ? productionRelay : (PLANTED_BUGS[bug] as RelayFactory);
  return async (scenario) => {
    const monitor = new RoutingMonitor();
    const { record } = await runScenario(scenario, { seed: scenario.seed, relayFactory: monitor.wrap(factory) });
    const routing = {
      name: "routing",
      passed: monitor.violations.length === 0,
      detail: monitor.violations.length === 0 ? "no self-echo, no unrequested snapshot, no duplicate" : monitor.violations.slice(0, 3).map((v) => v.detail).join("; "),
    };
    return { ...record, passed: record.passed && routing.passed, invariants: [...record.invariants, routing] };
  };
}
