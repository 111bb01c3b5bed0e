/**
 * Names and placement, as SCENARIOS.md defines them: servers s1..sN, docs d1..dN, clients c1..cN
 * spread round-robin over docs, then servers (c1 d1 s1, c2 d2 s1, c3 d1 s2, ... for 2 docs).
 */
import type { Scenario } from "../lab/scenario/types.ts";

export interface ClientPlacement {
  client: string;
  docId: string;
  server: string;
}

export function serverNames(scenario: Scenario): string[] {
  return range(scenario.topology.servers).map((i) => `s${i + 1}`);
}

export function docNames(scenario: Scenario): string[] {
  return range(scenario.topology.docs).map((i) => `d${i + 1}`);
}

/** Placement of client number `index` (0-based), following the topology's round-robin. */
export function placeClient(scenario: Scenario, index: number): ClientPlacement {
  const { docs, servers } = scenario.topology;
  return {
    client: `c${index + 1}`,
    docId: `d${(index % docs) + 1}`,
    server: `s${(Math.floor(index / docs) % servers) + 1}`,
  };
}

export function initialClients(scenario: Scenario): ClientPlacement[] {
  return range(scenario.topology.clients).map((i) => placeClient(scenario, i));
}

/** Where a client named by a `join` fault goes: its own name's slot unless the fault pins doc/server. */
export function placeJoiner(scenario: Scenario, client: string, doc?: string, server?: string): ClientPlacement {
  const index = Number(client.replace(/^c/, "")) - 1;
  const slot = placeClient(scenario, Number.isInteger(index) && index >= 0 ? index : 0);
  return { client, docId: doc ?? slot.docId, server: server ?? slot.server };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
