/**
 * Random fault schedules that stay valid under shrinking.
 *
 * A fault is first drawn as a topology-free "raw" fault: node references are plain indices and the
 * start time is a fraction of the scenario's duration. `compileFaults` then resolves it against the
 * (possibly shrunk) topology: index i names node i mod count. So when fast-check removes servers or
 * clients, or shortens the run, every fault still names real nodes and starts inside the run; no
 * shrink step can produce an invalid scenario. Every number shrinks toward the weaker fault
 * (shorter, smaller offset, less latency), and the list shrinks toward fewer faults.
 */
import fc from "fast-check";
import type { Fault, FaultKind, Topology } from "../scenario/types.ts";
import { anyIndex, clientNames, pick, serverNames, stepMs, TIME_STEP_MS } from "./units.ts";

/**
 * Whether `lfcc fuzz` attacks by default (attackers and the redisInject fault): yes, since replay
 * floors closed the last gap the attack fuzzer found (a replay to a freshly restarted relay,
 * test/attack/restart-replay.test.ts). The planted-bug budgets (test/fuzz/planted-budgets.ts) pin
 * their fault kinds and maxAttackers: 0, so this does not move them.
 */
export const FUZZ_ATTACKS_BY_DEFAULT = true;

/** Every fault kind of SCENARIOS.md; the fuzzer uses all of them unless told otherwise. */
export const ALL_FAULT_KINDS: readonly FaultKind[] = [
  "crash", "stop", "redisOutage", "redisRestart", "partition", "disconnect",
  "latency", "slowClient", "clockSkew", "join", "leave",
  ...(FUZZ_ATTACKS_BY_DEFAULT ? (["redisInject"] as const) : []),
];

/** ALL_FAULT_KINDS with the attack fault, for runs that attack. */
export const ATTACK_FAULT_KINDS: readonly FaultKind[] = [...ALL_FAULT_KINDS.filter((k) => k !== "redisInject"), "redisInject"];

/** Longest `for` / `restartAfter` a generated fault gets. */
export const MAX_FAULT_LENGTH_MS = 20_000;
/** Largest clock skew, either way. Presence is judged on receive time, so skew must not matter. */
export const MAX_CLOCK_SKEW_MS = 5_000;

/** The drawn fields of any kind (each kind's arbitrary fills its own). Indices are unresolved. */
interface RawFields {
  server?: number;
  client?: number;
  clients?: number[];
  restartAfterMs?: number;
  forMs?: number;
  sideBits?: boolean[];
  toRedis?: boolean;
  addMs?: number;
  jitterMs?: number;
  offsetMs?: number;
  count?: number;
  doc?: number;
  replay?: boolean;
  forge?: boolean;
  /** Which Redis Cluster master (index; ignored with one Redis); undefined: all of Redis. */
  shard?: number;
}

export type RawFault = { kind: FaultKind; atPermille: number } & RawFields;

const faultLength = () => stepMs(500, MAX_FAULT_LENGTH_MS);
/** Shrinks toward "all of Redis" (no shard). */
const shardField = (shards: boolean): { shard?: fc.Arbitrary<number | undefined> } =>
  shards ? { shard: fc.option(anyIndex(), { nil: undefined }) } : {};

/**
 * One raw-fault arbitrary per kind. `shards`: also draw which Redis Cluster master a Redis fault
 * hits (off by default, so the default stream, and with it the planted-bug budgets, stays as tuned).
 */
const rawByKind = (shards: boolean): Record<FaultKind, () => fc.Arbitrary<RawFields>> => ({
  crash: () => fc.record({ server: anyIndex(), restartAfterMs: fc.option(stepMs(500, 15_000), { nil: undefined }) }),
  stop: () => fc.record({ server: anyIndex(), restartAfterMs: fc.option(stepMs(500, 15_000), { nil: undefined }) }),
  redisOutage: () => fc.record({ forMs: faultLength(), ...shardField(shards) }),
  redisRestart: () => (shards ? fc.record(shardField(shards)) : fc.constant({})),
  // One side bit per candidate node (redis, s1..s4): which side of the cut it is on.
  partition: () => fc.record({ sideBits: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), forMs: faultLength() }),
  disconnect: () => fc.record({ clients: fc.array(anyIndex(), { minLength: 1, maxLength: 3 }), forMs: faultLength() }),
  latency: () =>
    fc.record({
      toRedis: fc.boolean(),
      client: anyIndex(),
      server: anyIndex(),
      addMs: fc.integer({ min: 1, max: 100 }).map((n) => n * 10),
      jitterMs: fc.integer({ min: 0, max: 20 }).map((n) => n * 10),
      forMs: faultLength(),
      ...shardField(shards),
    }),
  slowClient: () => fc.record({ client: anyIndex(), forMs: faultLength() }),
  clockSkew: () => fc.record({ server: anyIndex(), offsetMs: stepMs(-MAX_CLOCK_SKEW_MS, MAX_CLOCK_SKEW_MS) }),
  join: () => fc.record({ count: fc.integer({ min: 1, max: 2 }), doc: fc.option(anyIndex(), { nil: undefined }), server: fc.option(anyIndex(), { nil: undefined }) }),
  leave: () => fc.record({ clients: fc.array(anyIndex(), { minLength: 1, maxLength: 2 }) }),
  // Shrinks toward replay only (forging adds the junk a correct relay must also survive).
  redisInject: () => fc.record({ replay: fc.constant(true), forge: fc.boolean(), forMs: faultLength() }),
});

export function rawFaultArbitrary(kinds: readonly FaultKind[] = ALL_FAULT_KINDS, shards = false): fc.Arbitrary<RawFault> {
  const RAW_BY_KIND = rawByKind(shards);
  return fc.oneof(
    ...kinds.map((kind) =>
      fc
        .record({ atPermille: fc.integer({ min: 0, max: 999 }), fields: RAW_BY_KIND[kind]() })
        .map(({ atPermille, fields }): RawFault => ({ ...fields, kind, atPermille })),
    ),
  );
}

interface CompileContext {
  topology: Topology;
  durationMs: number;
  servers: string[];
  /** The clients present from the start (the only ones other faults name). */
  clients: string[];
  /** Next free client number for `join`. */
  nextClient: number;
  /** Clients already made to leave (a client leaves once). */
  gone: Set<string>;
  /** Server -> when it comes back from a crash/stop (Infinity: never). A down server is not taken down again. */
  downUntilMs: Map<string, number>;
}

/** Resolves raw faults against a topology; sorted by start time; drops faults that became no-ops. */
export function compileFaults(raw: readonly RawFault[], topology: Topology, durationMs: number): Fault[] {
  const context: CompileContext = {
    topology,
    durationMs,
    servers: serverNames(topology.servers),
    clients: clientNames(topology.clients),
    nextClient: topology.clients + 1,
    gone: new Set(),
    downUntilMs: new Map(),
  };
  const timed = raw
    .map((fault, order) => ({ fault, order, atMs: startMs(fault.atPermille, durationMs) }))
    .sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  const faults: Fault[] = [];
  for (const { fault, atMs } of timed) {
    const compiled = compileOne(fault, atMs, context);
    if (compiled) faults.push(compiled);
  }
  return faults;
}

function startMs(atPermille: number, durationMs: number): number {
  const steps = Math.floor((atPermille / 1000) * (durationMs / TIME_STEP_MS));
  return steps * TIME_STEP_MS;
}

function compileOne(raw: RawFault, atMs: number, ctx: CompileContext): Fault | null {
  const r = raw as Required<RawFields>; // each kind's arbitrary drew the fields it reads
  switch (raw.kind) {
    case "crash":
    case "stop":
      return takeDown(raw.kind, atMs, pick(ctx.servers, r.server), r.restartAfterMs, ctx);
    case "redisOutage":
      return { atMs, kind: "redisOutage", forMs: r.forMs, ...shardOf(raw, ctx) };
    case "redisRestart":
      return { atMs, kind: "redisRestart", ...shardOf(raw, ctx) };
    case "partition":
      return partition(atMs, r.sideBits, r.forMs, ctx);
    case "disconnect": {
      const clients = present(ctx, uniqueNames(ctx.clients, r.clients));
      return clients.length > 0 ? { atMs, kind: "disconnect", clients, forMs: r.forMs } : null;
    }
    case "latency":
      return latency(atMs, raw, ctx);
    case "slowClient": {
      const [client] = present(ctx, [pick(ctx.clients, r.client)]);
      return client ? { atMs, kind: "slowClient", client, forMs: r.forMs } : null;
    }
    case "clockSkew":
      return { atMs, kind: "clockSkew", server: pick(ctx.servers, r.server), offsetMs: r.offsetMs };
    case "join":
      return join(atMs, raw, ctx);
    case "leave":
      return leave(atMs, r.clients, ctx);
    case "redisInject":
      return { atMs, kind: "redisInject", replay: r.replay, forge: r.forge, forMs: r.forMs };
  }
}

function takeDown(kind: "crash" | "stop", atMs: number, server: string, restartAfterMs: number | undefined, ctx: CompileContext): Fault | null {
  if (atMs < (ctx.downUntilMs.get(server) ?? -1)) return null; // already down: nothing to crash
  const back = restart(server, restartAfterMs);
  ctx.downUntilMs.set(server, back.restartAfterMs === undefined ? Infinity : atMs + back.restartAfterMs);
  return { atMs, kind, server, ...back };
}

/**
 * s1 always comes back, so the cluster is never left without servers for good (a scenario in which
 * every server is gone forever cannot converge, whatever the relay does). Other servers may stay down.
 */
function restart(server: string, restartAfterMs: number | undefined): { restartAfterMs?: number } {
  if (restartAfterMs !== undefined) return { restartAfterMs };
  return server === "s1" ? { restartAfterMs: 5_000 } : {};
}

function partition(atMs: number, sideBits: boolean[], forMs: number, ctx: CompileContext): Fault | null {
  const candidates = ["redis", ...ctx.servers];
  const sideA = candidates.filter((_, i) => !sideBits[i]);
  const sideB = candidates.filter((_, i) => sideBits[i]);
  if (sideA.length === 0 || sideB.length === 0) return null; // no cut: not a fault
  return { atMs, kind: "partition", sides: [sideA, sideB], forMs };
}

function latency(atMs: number, raw: RawFault, ctx: CompileContext): Fault | null {
  const r = raw as Required<RawFields>; // each kind's arbitrary drew the fields it reads
  const server = pick(ctx.servers, r.server);
  const client = pick(ctx.clients, r.client);
  if (!r.toRedis && ctx.gone.has(client)) return null;
  const link: [string, string] = r.toRedis ? [server, shardOf(raw, ctx).shard ?? "redis"] : [client, server];
  return { atMs, kind: "latency", link, addMs: r.addMs, jitterMs: r.jitterMs, forMs: r.forMs };
}

/** `{ shard: "rK" }` on a cluster topology when the fault drew one, else nothing (all of Redis). */
function shardOf(raw: RawFault, ctx: CompileContext): { shard?: string } {
  const shards = ctx.topology.redisShards ?? 1;
  return raw.shard === undefined || shards < 2 ? {} : { shard: `r${(raw.shard % shards) + 1}` };
}

function join(atMs: number, raw: RawFault, ctx: CompileContext): Fault {
  const r = raw as Required<RawFields>; // each kind's arbitrary drew the fields it reads
  const clients = clientNames(r.count, ctx.nextClient);
  ctx.nextClient += r.count;
  const fault: Fault = { atMs, kind: "join", clients };
  if (r.doc !== undefined) fault.doc = `d${(r.doc % ctx.topology.docs) + 1}`;
  if (r.server !== undefined) fault.server = pick(ctx.servers, r.server);
  return fault;
}

function leave(atMs: number, indices: number[], ctx: CompileContext): Fault | null {
  const clients = uniqueNames(ctx.clients, indices).filter((name) => !ctx.gone.has(name));
  if (clients.length === 0) return null;
  for (const name of clients) ctx.gone.add(name);
  return { atMs, kind: "leave", clients };
}

/** Faults after a client's `leave` must not name it: it is gone for good. */
function present(ctx: CompileContext, names: string[]): string[] {
  return names.filter((name) => !ctx.gone.has(name));
}

function uniqueNames(names: string[], indices: number[]): string[] {
  return [...new Set(indices.map((i) => pick(names, i)))];
}
