/**
 * Cross-reference checks and normalization that need the whole scenario: every node a fault
 * names exists (listing the valid names), faults happen inside the run, a crashed server is not
 * crashed again while down, and join/leave client counts become names.
 *
 * Join/leave resolution (deterministic, in order of `at`, file order on ties):
 * - `join: { clients: N }` adds N new clients numbered after the highest client connected so far
 *   (c<max+1>, c<max+2>, ...), skipping names that some join in the file lists explicitly. Listed names must be new: a client has one life in the simulator
 *   (a client that left does not come back under the same name).
 * - `leave: { clients: N }` removes the N present clients with the highest numbers (the newest).
 *   Listed names must be present at that moment.
 */
import { normalizeAttackExpect, resolveAttackers } from "./attack-semantics.ts";
import { SCENARIO_DEFAULTS as D } from "./defaults.ts";
import type { DocumentPath } from "./errors.ts";
import { clientNumber, docNames, initialClientNames, listNames, REDIS_NODE, redisShardNames, serverNames } from "./names.ts";
import type { FaultInput, ScenarioInput } from "./schema.ts";
import { didYouMean } from "./suggest.ts";
import type { Fault, Scenario } from "./types.ts";
import { formatDuration } from "./units.ts";

export interface SemanticIssue {
  path: DocumentPath;
  message: string;
}

export function normalizeScenario(input: ScenarioInput): { scenario: Scenario; issues: SemanticIssue[] } {
  const issues: SemanticIssue[] = [];
  const faults = resolveFaults(input, issues);
  checkWorkload(input, issues);
  const attackers = resolveAttackers(input, issues);
  const scenario: Scenario = {
    name: input.name,
    description: input.description,
    seed: input.seed,
    durationMs: input.duration,
    topology: normalizeTopology(input.topology),
    relay: input.relay,
    workload: {
      editsPerSecond: input.workload.editsPerSecond,
      ops: input.workload.ops ? { insertText: 0, deleteText: 0, setMap: 0, presence: 0, ...input.workload.ops } : { ...D.ops },
    },
    network: {
      latency: { baseMs: input.network.latency?.base ?? D.latency.baseMs, jitterMs: input.network.latency?.jitter ?? D.latency.jitterMs },
    },
    faults,
    expect: normalizeExpect(input.expect),
    ...(attackers ? { attackers } : {}),
  };
  return { scenario, issues };
}

function normalizeExpect(expect: ScenarioInput["expect"]): Scenario["expect"] {
  const result: Scenario["expect"] = {};
  if (expect.converge) result.converge = { withinMs: expect.converge.within };
  if (expect.noDataLoss !== undefined) result.noDataLoss = expect.noDataLoss;
  if (expect.queueBound !== undefined) result.queueBound = expect.queueBound;
  if (expect.noGhostPresence) result.noGhostPresence = { withinMs: expect.noGhostPresence.within };
  normalizeAttackExpect(expect, result);
  if (expect.presenceComplete) result.presenceComplete = { withinMs: expect.presenceComplete.within };
  if (expect.efficiency) result.efficiency = { factor: expect.efficiency.factor };
  for (const flag of ["snapshots", "rateLimitFair", "routing", "accounting"] as const) {
    if (expect[flag] !== undefined) result[flag] = expect[flag];
  }
  return result;
}

function checkWorkload(input: ScenarioInput, issues: SemanticIssue[]): void {
  const ops = input.workload.ops;
  if (ops && input.workload.editsPerSecond > 0 && Object.values(ops).every((w) => !w)) {
    issues.push({ path: ["workload", "ops"], message: "at least one operation needs a weight above 0" });
  }
}

/** Tracks which clients exist over time while the faults are walked in time order. */
class World {
  readonly servers: string[];
  readonly docs: string[];
  readonly redisShards: string[];
  readonly everyClient: Set<string>;
  readonly present: Set<string>;
  private highestClient: number;
  private readonly downUntil = new Map<string, { fromMs: number; untilMs: number }>();

  constructor(input: ScenarioInput, extraClientNames: string[]) {
    const topology = normalizeTopology(input.topology);
    this.servers = serverNames(topology);
    this.docs = docNames(topology);
    this.redisShards = redisShardNames(topology);
    const initial = initialClientNames(topology);
    this.present = new Set(initial);
    initial.forEach((name) => this.everConnected.add(name));
    this.everyClient = new Set([...initial, ...extraClientNames]);
    this.highestClient = topology.clients;
  }

  /** Names that were ever connected (the simulator gives every client one life). */
  private readonly everConnected = new Set<string>();

  hasJoined(name: string): boolean {
    return this.everConnected.has(name);
  }

  markJoined(name: string): void {
    this.everConnected.add(name);
    this.highestClient = Math.max(this.highestClient, clientNumber(name) ?? 0);
  }

  /** The next free numbers after the highest client so far, skipping names a join lists explicitly. */
  newClientNames(countToAdd: number): string[] {
    const names: string[] = [];
    while (names.length < countToAdd) {
      const name = `c${++this.highestClient}`;
      if (!this.everyClient.has(name)) names.push(name);
    }
    names.forEach((name) => this.everyClient.add(name));
    return names;
  }

  newestPresent(countToRemove: number): string[] {
    const byNumber = [...this.present].sort((a, b) => (clientNumber(b) ?? 0) - (clientNumber(a) ?? 0) || (a < b ? 1 : -1));
    return byNumber.slice(0, countToRemove);
  }

  /** Returns the reason a server cannot crash/stop at `atMs`, if any. */
  takeDown(server: string, atMs: number, untilMs: number): string | undefined {
    const down = this.downUntil.get(server);
    if (down && atMs < down.untilMs) {
      const until = down.untilMs === Infinity ? "is never restarted" : `restarts at ${formatDuration(down.untilMs)}`;
      return `${server} is already down at ${formatDuration(atMs)} (went down at ${formatDuration(down.fromMs)}, ${until})`;
    }
    this.downUntil.set(server, { fromMs: atMs, untilMs });
    return undefined;
  }

  allNodes(): string[] {
    return [...this.servers, ...this.everyClient, REDIS_NODE, ...this.redisShards];
  }
}

function resolveFaults(input: ScenarioInput, issues: SemanticIssue[]): Fault[] {
  const joinedNames = input.faults.flatMap((f) => (Array.isArray(f.join?.clients) ? f.join.clients : []));
  const world = new World(input, joinedNames);
  const order = input.faults.map((fault, index) => ({ fault, index })).sort((a, b) => a.fault.at - b.fault.at || a.index - b.index);
  const resolved: Fault[] = new Array(input.faults.length);
  for (const { fault, index } of order) {
    const report = (path: DocumentPath, message: string) => issues.push({ path: ["faults", index, ...path], message });
    if (fault.at > input.duration) {
      report(["at"], `${formatDuration(fault.at)} is after the end of the run (duration: ${formatDuration(input.duration)})`);
    }
    resolved[index] = resolveFault(fault, world, report);
  }
  return resolved;
}

type Report = (path: DocumentPath, message: string) => void;

function resolveFault(fault: FaultInput, world: World, report: Report): Fault {
  const atMs = fault.at;
  const check = (kind: string) => ({
    server: (field: string, name: string) => expectName(name, world.servers, "server", [kind, field], report),
    client: (path: DocumentPath, name: string) => expectName(name, [...world.everyClient], "client", [kind, ...path], report),
    node: (path: DocumentPath, name: string) => expectName(name, world.allNodes(), "node", [kind, ...path], report),
  });
  if (fault.crash || fault.stop) {
    const kind = fault.crash ? "crash" : "stop";
    const body = (fault.crash ?? fault.stop)!;
    if (check(kind).server("server", body.server)) {
      const busy = world.takeDown(body.server, atMs, body.restartAfter === undefined ? Infinity : atMs + body.restartAfter);
      if (busy) report([kind, "server"], busy);
    }
    return { atMs, kind, server: body.server, ...(body.restartAfter === undefined ? {} : { restartAfterMs: body.restartAfter }) };
  }
  if (fault.redisOutage || fault.redisRestart) return resolveRedisFault(fault, atMs, world, report);
  if (fault.partition) {
    checkPartition(fault.partition.sides, check("partition").node, report);
    return { atMs, kind: "partition", sides: fault.partition.sides, forMs: fault.partition.for };
  }
  if (fault.disconnect) {
    fault.disconnect.clients.forEach((name, i) => check("disconnect").client(["clients", i], name));
    return { atMs, kind: "disconnect", clients: fault.disconnect.clients, forMs: fault.disconnect.for };
  }
  if (fault.latency) {
    const { link } = fault.latency;
    link.forEach((name, i) => check("latency").node(["link", i], name));
    if (link[0] === link[1]) report(["latency", "link"], `a link joins two different nodes, got [${link[0]}, ${link[1]}]`);
    return { atMs, kind: "latency", link, addMs: fault.latency.add, jitterMs: fault.latency.jitter, forMs: fault.latency.for };
  }
  if (fault.slowClient) {
    check("slowClient").client(["client"], fault.slowClient.client);
    return { atMs, kind: "slowClient", client: fault.slowClient.client, forMs: fault.slowClient.for };
  }
  if (fault.clockSkew) {
    check("clockSkew").server("server", fault.clockSkew.server);
    return { atMs, kind: "clockSkew", server: fault.clockSkew.server, offsetMs: fault.clockSkew.offset };
  }
  if (fault.redisInject) {
    const { replay, forge } = fault.redisInject;
    if (!replay && !forge) report(["redisInject"], "redisInject needs replay: true or forge: true (or both)");
    return { atMs, kind: "redisInject", replay, forge, forMs: fault.redisInject.for };
  }
  if (fault.join) return resolveJoin(fault.join, atMs, world, report);
  return resolveLeave(fault.leave!, atMs, world, report);
}

function resolveRedisFault(fault: FaultInput, atMs: number, world: World, report: Report): Fault {
  const kind = fault.redisOutage ? "redisOutage" : "redisRestart";
  const shard = (fault.redisOutage ?? fault.redisRestart)!.shard;
  if (shard !== undefined) {
    if (world.redisShards.length === 0) report([kind, "shard"], `"shard" needs topology.redisShards of 2 or more (there is one Redis: leave "shard" out)`);
    else expectName(shard, world.redisShards, "shard", [kind, "shard"], report);
  }
  const where = shard === undefined ? {} : { shard };
  return fault.redisOutage ? { atMs, kind: "redisOutage", forMs: fault.redisOutage.for, ...where } : { atMs, kind: "redisRestart", ...where };
}

function resolveJoin(join: NonNullable<FaultInput["join"]>, atMs: number, world: World, report: Report): Fault {
  if (join.doc !== undefined) expectName(join.doc, world.docs, "doc", ["join", "doc"], report);
  if (join.server !== undefined) expectName(join.server, world.servers, "server", ["join", "server"], report);
  const clients = typeof join.clients === "number" ? world.newClientNames(join.clients) : join.clients;
  clients.forEach((name, i) => {
    if (world.present.has(name)) report(["join", "clients", i], `client "${name}" is already connected at ${formatDuration(atMs)}`);
    else if (world.hasJoined(name)) report(["join", "clients", i], `client "${name}" was connected before: a joining client needs a new name`);
    world.present.add(name);
    world.markJoined(name);
  });
  return { atMs, kind: "join", clients, ...(join.doc === undefined ? {} : { doc: join.doc }), ...(join.server === undefined ? {} : { server: join.server }) };
}

function resolveLeave(leave: NonNullable<FaultInput["leave"]>, atMs: number, world: World, report: Report): Fault {
  if (typeof leave.clients === "number" && leave.clients > world.present.size) {
    report(["leave", "clients"], `cannot remove ${leave.clients} clients at ${formatDuration(atMs)}: only ${world.present.size} are connected`);
  }
  const clients = typeof leave.clients === "number" ? world.newestPresent(leave.clients) : leave.clients;
  clients.forEach((name, i) => {
    if (typeof leave.clients !== "number" && !world.present.has(name)) {
      const present = [...world.present];
      report(["leave", "clients", i], `client "${name}" is not connected at ${formatDuration(atMs)}${guessName(name, present)} (connected: ${listNames(present)})`);
    }
    world.present.delete(name);
  });
  return { atMs, kind: "leave", clients };
}

function checkPartition(sides: string[][], checkNode: (path: DocumentPath, name: string) => boolean, report: Report): void {
  const sideOf = new Map<string, number>();
  sides.forEach((side, s) =>
    side.forEach((name, i) => {
      if (!checkNode(["sides", s, i], name)) return;
      const other = sideOf.get(name);
      if (other !== undefined && other !== s) report(["partition", "sides", s, i], `"${name}" is on two sides (${other + 1} and ${s + 1})`);
      sideOf.set(name, s);
    }),
  );
}

/** True when `name` is one of `valid`; otherwise reports it with the valid names and a guess. */
function expectName(name: string, valid: string[], what: string, path: DocumentPath, report: Report): boolean {
  if (valid.includes(name)) return true;
  report(path, `unknown ${what} "${name}"${guessName(name, valid)} (${what}s: ${listNames(valid) || "none"})`);
  return false;
}

/** "s9" -> "s1" is no typo worth guessing at: guess only for names that are not letter+number. */
function guessName(name: string, valid: string[]): string {
  return /^[a-z]\d+$/.test(name) ? "" : didYouMean(name, valid);
}

/** `clients: { lfcc, yWebsocket }` becomes the total plus how many of them (the last) are y-websocket. */
export function normalizeTopology(topology: ScenarioInput["topology"]): Scenario["topology"] {
  const { clients, ...rest } = topology;
  if (typeof clients === "number") return { ...rest, clients };
  const total = clients.lfcc + clients.yWebsocket;
  return clients.yWebsocket > 0 ? { ...rest, clients: total, yWebsocketClients: clients.yWebsocket } : { ...rest, clients: total };
}
