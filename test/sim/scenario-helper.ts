/** Builds normalized scenarios for simulator tests, with SCENARIOS.md defaults and every invariant. */
import { defineScenario } from "../../lab/scenario/define.ts";
import type { Fault, Scenario } from "../../lab/scenario/types.ts";

export function scenario(overrides: Partial<Scenario> & { faults?: Fault[] } = {}): Scenario {
  return defineScenario({
    name: "test",
    durationMs: 5_000,
    topology: { servers: 2, docs: 1, clients: 4 },
    workload: { editsPerSecond: 4, ops: { insertText: 6, deleteText: 2, setMap: 1, presence: 1 } },
    expect: { converge: { withinMs: 10_000 }, noDataLoss: true, queueBound: true, noGhostPresence: { withinMs: 15_000 } },
    ...overrides,
  });
}
