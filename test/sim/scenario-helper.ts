/** Builds normalized scenarios for simulator tests, with SCENARIOS.md defaults. */
import type { Fault, Scenario } from "../../lab/scenario/types.ts";

export function scenario(overrides: Partial<Scenario> & { faults?: Fault[] } = {}): Scenario {
  return {
    name: "test",
    description: "",
    seed: 1,
    durationMs: 5_000,
    topology: { servers: 2, docs: 1, clients: 4 },
    relay: {},
    workload: { editsPerSecond: 4, ops: { insertText: 6, deleteText: 2, setMap: 1, presence: 1 } },
    network: { latency: { baseMs: 2, jitterMs: 3 } },
    faults: [],
    expect: { converge: { withinMs: 10_000 }, noDataLoss: true, queueBound: true, noGhostPresence: { withinMs: 15_000 } },
    ...overrides,
  };
}
