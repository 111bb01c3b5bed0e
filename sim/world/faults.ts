/**
 * Schedules the normalized scenario faults (lab/scenario/types.ts) on a world: each kind at its
 * `atMs`, its heal at `atMs + forMs` (or the restart after `restartAfterMs`). Faults may overlap:
 * partitions, disconnects and latencies stack in the network and heal independently. Returns the
 * applied-fault timeline for the run record.
 */
import type { AppliedFault } from "../../lab/record.ts";
import { faultEndMs, type Fault, type Topology } from "../../lab/scenario/types.ts";
import { placeJoiner } from "../../lab/placement.ts";
import type { SimWorld } from "./world.ts";

export interface FaultContext {
  topology: Topology;
  /** Joined clients run the scenario workload until this time. */
  startClientWorkload: (client: string) => void;
}

export function scheduleFaults(world: SimWorld, faults: readonly Fault[], context: FaultContext): AppliedFault[] {
  const applied: AppliedFault[] = [];
  for (const fault of faults) {
    world.at(fault.atMs, () => {
      applyFault(world, fault, context);
      applied.push({ kind: fault.kind, startMs: fault.atMs, endMs: faultEndMs(fault), detail: describeFault(fault) });
    });
  }
  return applied;
}

function applyFault(world: SimWorld, fault: Fault, context: FaultContext): void {
  const healAt = (heal: () => void) => world.at(faultEndMs(fault), heal);
  switch (fault.kind) {
    case "crash":
    case "stop":
      if (fault.kind === "crash") world.crash(fault.server);
      else world.stop(fault.server);
      if (fault.restartAfterMs !== undefined) healAt(() => world.startServer(fault.server));
      return;
    case "redisOutage":
      return healAt(world.redisOutage(fault.shard));
    case "redisRestart":
      return world.redisRestart(fault.shard);
    case "partition":
      return healAt(world.partition(fault.sides));
    case "disconnect":
      return healAt(world.disconnect(fault.clients));
    case "latency":
      return healAt(world.latency(fault.link[0], fault.link[1], fault.addMs, fault.jitterMs));
    case "slowClient":
      return healAt(world.slowClient(fault.client));
    case "clockSkew":
      return world.clockSkew(fault.server, fault.offsetMs);
    case "join":
      for (const name of fault.clients) {
        const placement = placeJoiner(context.topology, name, fault.doc, fault.server);
        world.addClient(placement.client, placement.docId, placement.server);
        context.startClientWorkload(placement.client);
      }
      return;
    case "leave":
      return world.leave(fault.clients);
    case "redisInject":
      return world.attackHost?.inject(fault);
  }
}

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case "crash":
    case "stop":
      return `${fault.kind} ${fault.server}${fault.restartAfterMs !== undefined ? `, restart after ${fault.restartAfterMs} ms` : ""}`;
    case "redisOutage":
      return `${fault.shard === undefined ? "Redis" : `Redis shard ${fault.shard}`} unreachable for ${fault.forMs} ms`;
    case "redisRestart":
      return fault.shard === undefined ? "Redis restarted: every subscription lost" : `Redis shard ${fault.shard} restarted: its subscriptions lost`;
    case "partition":
      return `partition ${fault.sides.map((side) => `[${side.join(", ")}]`).join(" | ")} for ${fault.forMs} ms`;
    case "disconnect":
      return `${fault.clients.join(", ")} offline for ${fault.forMs} ms`;
    case "latency":
      return `+${fault.addMs} ms (jitter ${fault.jitterMs} ms) on ${fault.link.join("-")} for ${fault.forMs} ms`;
    case "slowClient":
      return `${fault.client} stops reading for ${fault.forMs} ms`;
    case "clockSkew":
      return `${fault.server} clock ${fault.offsetMs >= 0 ? "+" : ""}${fault.offsetMs} ms`;
    case "join":
      return `join ${fault.clients.join(", ")}${fault.doc ? ` on ${fault.doc}` : ""}${fault.server ? ` via ${fault.server}` : ""}`;
    case "leave":
      return `leave ${fault.clients.join(", ")}`;
    case "redisInject":
      return `a Redis publisher ${[fault.replay ? "replays captured messages" : "", fault.forge ? "forges messages" : ""].filter(Boolean).join(" and ")} for ${fault.forMs} ms`;
  }
}
