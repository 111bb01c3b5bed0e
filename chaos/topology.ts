/**
 * Names and placement, as SCENARIOS.md defines them: servers s1..sN, docs d1..dN, clients c1..cN
 * spread round-robin over docs, then servers. The rule itself lives in the lab (lab/placement.ts),
 * shared with the simulator, so both modes put every client on the same doc and home server.
 */
import type { Scenario } from "../lab/scenario/types.ts";
import { names, placeClient, placeJoiner as placeJoinerOnTopology, type ClientPlacement } from "../lab/placement.ts";

export type { ClientPlacement };

export function serverNames(scenario: Scenario): string[] {
  return names("s", scenario.topology.servers);
}

export function initialClients(scenario: Scenario): ClientPlacement[] {
  return names("c", scenario.topology.clients).map((_, i) => placeClient(scenario.topology, i));
}

/** Where a client named by a `join` fault goes: its own name's slot unless the fault pins doc/server. */
export function placeJoiner(scenario: Scenario, client: string, doc?: string, server?: string): ClientPlacement {
  return placeJoinerOnTopology(scenario.topology, client, doc, server);
}
