import { parseScenario, ScenarioError } from "../../lab/scenario/index.ts";

/** A valid scenario; tests replace one part to make it invalid. */
export const VALID = `name: demo
description: two servers, one crash
duration: 30s
topology:
  servers: 2
  docs: 2
  clients: 4
faults:
  - at: 5s
    crash: { server: s2, restartAfter: 3s }
expect:
  converge: { within: 10s }
  noDataLoss: true
`;

/** The messages of the ScenarioError thrown for `text`, one per issue. */
export function errorsOf(text: string, fileName = "scenarios/x.yaml"): string[] {
  try {
    parseScenario(text, fileName);
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected the scenario to be rejected");
}
