/**
 * Names and placement (SCENARIOS.md): servers s1..sN, docs d1..dN, clients c1..cN spread
 * round-robin over docs, then servers: c1 d1 s1, c2 d2 s1, c3 d1 s2... for 2 docs. The simulator
 * and chaos/topology.ts both use this one rule, so both modes place clients alike.
 */
import type { Topology } from "./scenario/types.ts";

export interface ClientPlacement {
  client: string;
  docId: string;
  server: string;
}

export function placeClient(topology: Topology, index: number): ClientPlacement {
  return {
    client: `c${index + 1}`,
    docId: `d${(index % topology.docs) + 1}`,
    server: `s${(Math.floor(index / topology.docs) % topology.servers) + 1}`,
  };
}

/** A `join`ed client takes its own name's slot unless the fault pins doc or server. */
export function placeJoiner(topology: Topology, client: string, doc?: string, server?: string): ClientPlacement {
  const index = Number(client.replace(/^c/, "")) - 1;
  const slot = placeClient(topology, Number.isInteger(index) && index >= 0 ? index : 0);
  return { client, docId: doc ?? slot.docId, server: server ?? slot.server };
}

export function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}
