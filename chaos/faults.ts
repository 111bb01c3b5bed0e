/**
 * Compiles each scenario fault to real actions (SCENARIOS.md, chaos column) and applies them on
 * the scenario's timeline. Toxiproxy is not deterministic even with -seed, so what counts is the
 * timeline we record: the wall ms (since run start) at which each action really took effect.
 */
import type { Fault } from "../lab/scenario/types.ts";
import type { AppliedFault } from "../lab/record.ts";
import type { ChaosNetwork } from "./network.ts";

/** What faults act on; the runner implements it over real processes, proxies and providers. */
export interface ChaosWorld {
  network: ChaosNetwork;
  /** ms since the run started (wall clock). */
  elapsedMs(): number;
  /** SIGKILL ("crash") or SIGTERM ("stop") the relay; its clients' sessions end with that reason. */
  killServer(server: string, how: "crash" | "stop"): Promise<void>;
  /** Starts the relay again with a new serverId. */
  restartServer(server: string): Promise<void>;
  /** Restarts Redis, or one cluster master; returns how ("redis-server killed and restarted", ...). */
  restartRedis(shard?: string): Promise<string>;
  /** Marks why these clients' current sessions are about to end (before their links are cut). */
  expectSessionEnd(clients: string[], reason: string): void;
  joinClients(clients: string[], doc?: string, server?: string): Promise<void>;
  leaveClients(clients: string[]): Promise<void>;
  serverNames(): string[];
  clientNames(): string[];
  /** Starts a redisInject fault (a real ioredis publisher); it stops by itself after `forMs`. */
  injectRedis(fault: Extract<Fault, { kind: "redisInject" }>): Promise<string>;
}

/** A fault compiled to "do this at atMs, undo that at healMs". */
interface FaultAction {
  apply(): Promise<string>;
  heal?: () => Promise<void>;
}

/** Applies one fault at its time, heals it at its end, and returns what really happened. */
export async function runFault(world: ChaosWorld, fault: Fault, index: number, sleepUntil: (ms: number) => Promise<void>): Promise<AppliedFault> {
  await sleepUntil(fault.atMs);
  if (fault.kind === "clockSkew") {
    const at = Math.round(world.elapsedMs());
    return { kind: fault.kind, startMs: at, endMs: at, skipped: true, detail: `clockSkew ${fault.server} ${fault.offsetMs} ms: sim only, skipped in chaos (real clocks cannot be skewed per process)` };
  }
  const action = compileFault(world, fault, `fault${index}`);
  const startMs = Math.round(world.elapsedMs());
  const detail = await action.apply();
  const healAtMs = healTime(fault);
  if (action.heal && healAtMs !== null) {
    await sleepUntil(healAtMs);
    await action.heal();
  }
  // endMs: when the heal took effect (a respawned relay listens again), not when it was asked for.
  return { kind: fault.kind, startMs, endMs: action.heal && healAtMs !== null ? Math.round(world.elapsedMs()) : startMs, detail };
}

function healTime(fault: Fault): number | null {
  if ("forMs" in fault) return fault.atMs + fault.forMs;
  if ((fault.kind === "crash" || fault.kind === "stop") && fault.restartAfterMs !== undefined) return fault.atMs + fault.restartAfterMs;
  return null;
}

function compileFault(world: ChaosWorld, fault: Fault, cause: string): FaultAction {
  const net = world.network;
  switch (fault.kind) {
    case "crash":
    case "stop":
      return {
        apply: async () => {
          await world.killServer(fault.server, fault.kind);
          return `${fault.kind === "crash" ? "SIGKILL" : "SIGTERM"} relay ${fault.server}`;
        },
        heal: fault.restartAfterMs === undefined ? undefined : () => world.restartServer(fault.server),
      };
    case "redisOutage":
      return cutLinks(world, net.redisLinks(fault.shard), cause, `disabled every relay->${fault.shard ?? "redis"} proxy`);
    case "redisRestart":
      return { apply: () => world.restartRedis(fault.shard) };
    case "partition": {
      const sides = fault.sides.map((side) => side.flatMap((node) => redisNodes(net, node)));
      const links = net.allLinks().filter((link) => crossesSides(link, sides));
      return cutLinks(world, links, cause, `partition ${JSON.stringify(fault.sides)}`);
    }
    case "disconnect":
      return {
        apply: async () => {
          world.expectSessionEnd(fault.clients, "disconnect");
          const links = fault.clients.flatMap((c) => net.linksOf(c));
          await Promise.all(links.map((link) => net.cut(link, cause)));
          return `disabled ${links.length} proxies of ${fault.clients.join(", ")}`;
        },
        heal: async () => void (await Promise.all(fault.clients.flatMap((c) => net.linksOf(c)).map((l) => net.heal(l, cause)))),
      };
    case "latency":
      return toxicOnLinks(net, latencyLinks(world, fault.link), ["upstream", "downstream"], {
        type: "latency",
        attributes: { latency: fault.addMs, jitter: fault.jitterMs },
      });
    case "slowClient":
      // The client stops reading: throttle what relays send it to 1 KB/s, so relay buffers grow.
      return toxicOnLinks(net, net.linksOf(fault.client), ["downstream"], { type: "bandwidth", attributes: { rate: 1 } });
    case "join":
      return { apply: async () => (await world.joinClients(fault.clients, fault.doc, fault.server), `joined ${fault.clients.join(", ")}`) };
    case "leave":
      return { apply: async () => (await world.leaveClients(fault.clients), `closed ${fault.clients.join(", ")}`) };
    case "redisInject":
      return { apply: () => world.injectRedis(fault) };
    case "clockSkew":
      throw new Error("clockSkew is skipped before compiling");
  }
}

function cutLinks(world: ChaosWorld, links: string[], cause: string, what: string): FaultAction {
  // Clients cut from every server lose their sessions to the fault, not to chance.
  const clientsCut = world.clientNames().filter((c) => world.serverNames().every((s) => links.includes(`${c}--${s}`)));
  return {
    apply: async () => {
      world.expectSessionEnd(clientsCut, "partition");
      await Promise.all(links.map((link) => world.network.cut(link, cause)));
      return `${what}: ${links.length} proxies disabled`;
    },
    heal: async () => void (await Promise.all(links.map((link) => world.network.heal(link, cause)))),
  };
}

function toxicOnLinks(
  net: ChaosNetwork,
  links: string[],
  streams: Array<"upstream" | "downstream">,
  toxic: { type: "latency" | "bandwidth"; attributes: Record<string, number> },
): FaultAction {
  const removers: Array<() => Promise<void>> = [];
  return {
    apply: async () => {
      for (const link of links) {
        for (const stream of streams) removers.push(await net.addToxic(link, { ...toxic, stream }));
      }
      return `${toxic.type} ${JSON.stringify(toxic.attributes)} on ${links.join(", ") || "no link"} (${streams.join("+")})`;
    },
    heal: async () => void (await Promise.all(removers.map((remove) => remove()))),
  };
}

/** A link [a, b] is a proxy when one exists; servers talk through Redis, so s-s slows both s->redis. */
function latencyLinks(world: ChaosWorld, [a, b]: [string, string]): string[] {
  const links = world.network.allLinks();
  const direct = links.filter((l) => l === `${a}--${b}` || l === `${b}--${a}`);
  if (direct.length > 0) return direct;
  const servers = new Set(world.serverNames());
  const redisOf = (server: string) => world.network.redisLinks().filter((l) => l.startsWith(`${server}--`));
  if (servers.has(a) && servers.has(b)) return [...redisOf(a), ...redisOf(b)];
  // [sN, redis] on a cluster: every master's link of that server.
  if (b === "redis" && servers.has(a)) return redisOf(a);
  if (a === "redis" && servers.has(b)) return redisOf(b);
  return [];
}

/** "redis" names every cluster master too (SCENARIOS.md v1.1); other names stay. */
function redisNodes(net: ChaosNetwork, node: string): string[] {
  if (node !== "redis") return [node];
  const masters = [...new Set(net.redisLinks().map((link) => link.split("--")[1]!))];
  return masters.length > 0 ? masters : [node];
}

/** True when the link's two ends are named on different sides. */
export function crossesSides(link: string, sides: string[][]): boolean {
  const [from, to] = link.split("--") as [string, string];
  const sideOf = (node: string) => sides.findIndex((side) => side.includes(node));
  const a = sideOf(from);
  const b = sideOf(to);
  return a >= 0 && b >= 0 && a !== b;
}
